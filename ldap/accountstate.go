package ldap

import (
	"fmt"
	"strings"
)

// Kinds of account state: how a directory marks an account locked
// (disabled), as users.account_state names them.
const (
	// AccountStateAD is Active Directory's userAccountControl, bit 2
	// (ACCOUNTDISABLE).
	AccountStateAD = "ad"
	// AccountState389 is 389 Directory Server's nsAccountLock: true.
	AccountState389 = "389"
	// AccountStatePPolicy is OpenLDAP's password-policy overlay:
	// pwdAccountLockedTime 000001010000Z, the lock only an administrator
	// lifts.
	AccountStatePPolicy = "ppolicy"
	// AccountStateAttribute is an attribute/value pair of the site's own
	// schema, e.g. employeeType: disabled.
	AccountStateAttribute = "attribute"
	// AccountStateNone: the directory has no account state; a disabled
	// user stays disabled in the store only.
	AccountStateNone = "none"
)

// AccountStateKinds lists the kinds of account state in the order
// settings documentation shows them.
func AccountStateKinds() []string {
	return []string{AccountStateAD, AccountState389, AccountStatePPolicy, AccountStateAttribute, AccountStateNone}
}

// OIDPasswordPolicy is the password-policy control (draft-behera), which
// OpenLDAP advertises when the ppolicy overlay is loaded.
const OIDPasswordPolicy = "1.3.6.1.4.1.42.2.27.8.5.1"

// PPolicyPermanentLock is the pwdAccountLockedTime value of a lock that
// lasts until an administrator removes it. Other values are lockouts after
// failed binds, which end by themselves; they do not count as disabled.
const PPolicyPermanentLock = "000001010000Z"

// Attributes of each kind of account state.
const (
	attrUAC         = "userAccountControl"
	attrNSLock      = "nsAccountLock"
	attrPwdLockTime = "pwdAccountLockedTime"
)

// AccountState is how one directory marks an account locked: the one place
// that reads "is this entry locked" and writes a lock or unlock.
type AccountState struct {
	Kind  string `json:"kind"`            // one of AccountStateKinds
	Attr  string `json:"attr,omitempty"`  // AccountStateAttribute: the attribute
	Value string `json:"value,omitempty"` // AccountStateAttribute: the value meaning disabled
	// Detected: the kind was chosen from the server (users.account_state
	// "auto"), not named in the settings.
	Detected bool `json:"detected,omitempty"`
}

// Syncs reports whether the state is read from and written to the
// directory (a kind other than none).
func (s AccountState) Syncs() bool {
	switch s.Kind {
	case AccountStateAD, AccountState389, AccountStatePPolicy:
		return true
	case AccountStateAttribute:
		return s.Attr != "" && s.Value != ""
	}
	return false
}

// Attribute is the attribute that holds the state, "" for none.
func (s AccountState) Attribute() string {
	switch s.Kind {
	case AccountStateAD:
		return attrUAC
	case AccountState389:
		return attrNSLock
	case AccountStatePPolicy:
		return attrPwdLockTime
	case AccountStateAttribute:
		return s.Attr
	}
	return ""
}

// Attributes are the attributes a search must ask for to read the state
// (operational ones are returned only when named); nil for none.
func (s AccountState) Attributes() []string {
	if !s.Syncs() {
		return nil
	}
	return []string{s.Attribute()}
}

// Locked reports whether entry e, read with Attributes, is locked. An
// unreadable userAccountControl is an error.
func (s AccountState) Locked(e *Entry) (bool, error) {
	switch s.Kind {
	case AccountStateAD:
		v := e.First(attrUAC)
		if v == "" {
			return false, nil
		}
		return UACDisabled(v)
	case AccountState389:
		return containsFold(e.Get(attrNSLock), "true"), nil
	case AccountStatePPolicy:
		return containsFold(e.Get(attrPwdLockTime), PPolicyPermanentLock), nil
	case AccountStateAttribute:
		return s.Syncs() && containsFold(e.Get(s.Attr), s.Value), nil
	}
	return false, nil
}

// Changes returns the modifications that lock (or unlock) entry e, read
// with Attributes; none when it already is so, or the kind is none. Other
// values and bits are kept: userAccountControl keeps its other flags, and
// an attribute pair adds or removes only its value. A lockout after failed
// binds (pwdAccountLockedTime other than the permanent lock) is replaced
// by the permanent lock, and left alone by an unlock.
func (s AccountState) Changes(e *Entry, locked bool) ([]Change, error) {
	was, err := s.Locked(e)
	if err != nil || was == locked || !s.Syncs() {
		return nil, err
	}
	switch s.Kind {
	case AccountStateAD:
		next, err := WithUACDisabled(e.First(attrUAC), locked)
		if err != nil {
			return nil, err
		}
		return []Change{{Op: ModReplace, Attr: attrUAC, Values: []string{next}}}, nil
	case AccountState389:
		if locked {
			return []Change{{Op: ModReplace, Attr: attrNSLock, Values: []string{"true"}}}, nil
		}
		return []Change{{Op: ModReplace, Attr: attrNSLock}}, nil
	case AccountStatePPolicy:
		if locked {
			return []Change{{Op: ModReplace, Attr: attrPwdLockTime, Values: []string{PPolicyPermanentLock}}}, nil
		}
		return []Change{{Op: ModReplace, Attr: attrPwdLockTime}}, nil
	}
	if locked {
		return []Change{{Op: ModAdd, Attr: s.Attr, Values: []string{s.Value}}}, nil
	}
	var gone []string
	for _, v := range e.Get(s.Attr) {
		if strings.EqualFold(v, s.Value) {
			gone = append(gone, v)
		}
	}
	return []Change{{Op: ModDelete, Attr: s.Attr, Values: gone}}, nil
}

// PasswordChangeUnlocks reports whether setting a password lifts a lock of
// this kind: OpenLDAP's ppolicy removes pwdAccountLockedTime whenever the
// password changes, so a writer that means to keep the lock sets it again.
func (s AccountState) PasswordChangeUnlocks() bool { return s.Kind == AccountStatePPolicy }

// Name describes the state in a few words for people: "nsAccountLock
// (389 Directory Server)", "none: ...". A kind found on the server says so.
func (s AccountState) Name() string {
	var attr, where string
	switch s.Kind {
	case AccountStateAD:
		attr, where = "userAccountControl bit 2", "Active Directory"
	case AccountState389:
		attr, where = "nsAccountLock", "389 Directory Server"
	case AccountStatePPolicy:
		attr, where = "pwdAccountLockedTime", "OpenLDAP password policy"
	case AccountStateAttribute:
		if !s.Syncs() {
			return "none (users.disabled_attribute or users.disabled_value is empty)"
		}
		attr, where = s.Attr+": "+s.Value, "users.disabled_attribute"
	default:
		if s.Detected {
			return "none found on this server: disabled users stay disabled in the store only"
		}
		return "none: disabled users stay disabled in the store only"
	}
	if s.Detected {
		where += ", detected"
	}
	return attr + " (" + where + ")"
}

// Describe says what locking (or unlocking) writes, for messages such as
// "the next sync sets nsAccountLock: true on uid=…"; "" for none.
func (s AccountState) Describe(locked bool) string {
	if !s.Syncs() {
		return ""
	}
	switch s.Kind {
	case AccountStateAD:
		if locked {
			return "sets ACCOUNTDISABLE (bit 2) of userAccountControl"
		}
		return "clears ACCOUNTDISABLE (bit 2) of userAccountControl"
	case AccountState389:
		if locked {
			return "sets nsAccountLock: true"
		}
		return "removes nsAccountLock"
	case AccountStatePPolicy:
		if locked {
			return "sets pwdAccountLockedTime: " + PPolicyPermanentLock + " (locked until unlocked)"
		}
		return "removes pwdAccountLockedTime"
	}
	if locked {
		return fmt.Sprintf("adds %s: %s", s.Attr, s.Value)
	}
	return fmt.Sprintf("removes %s: %s", s.Attr, s.Value)
}

// DetectAccountState picks the account state of a server from its RootDSE,
// for users.account_state "auto": Active Directory's userAccountControl,
// 389 Directory Server's nsAccountLock, OpenLDAP's pwdAccountLockedTime
// when it advertises the password-policy control (the ppolicy overlay),
// otherwise none.
func DetectAccountState(r *RootDSE) AccountState {
	kind := AccountStateNone
	switch {
	case r == nil:
	case r.ActiveDirectory:
		kind = AccountStateAD
	case r.Is389DS():
		kind = AccountState389
	case r.IsOpenLDAP() && oidListed(r.SupportedControls, OIDPasswordPolicy):
		kind = AccountStatePPolicy
	}
	return AccountState{Kind: kind, Detected: true}
}

func containsFold(vals []string, v string) bool {
	for _, x := range vals {
		if strings.EqualFold(strings.TrimSpace(x), v) {
			return true
		}
	}
	return false
}
