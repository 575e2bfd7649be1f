package ldap

import (
	"strings"
	"testing"
)

func entryWith(attr string, values ...string) *Entry {
	e := &Entry{DN: "uid=x,dc=example,dc=com"}
	if attr != "" {
		e.Attributes = []Attribute{{Name: attr, Values: values}}
	}
	return e
}

// applyChanges applies changes to e the way a server would.
func applyChanges(e *Entry, changes []Change) *Entry {
	out := &Entry{DN: e.DN, Attributes: append([]Attribute(nil), e.Attributes...)}
	for _, c := range changes {
		a := out.Attr(c.Attr)
		if a == nil {
			out.Attributes = append(out.Attributes, Attribute{Name: c.Attr})
			a = &out.Attributes[len(out.Attributes)-1]
		}
		switch c.Op {
		case ModReplace:
			a.Values = append([]string(nil), c.Values...)
		case ModAdd:
			a.Values = append(append([]string(nil), a.Values...), c.Values...)
		case ModDelete:
			var kept []string
			for _, v := range a.Values {
				if len(c.Values) > 0 && !containsFold(c.Values, v) {
					kept = append(kept, v)
				}
			}
			a.Values = kept
		}
	}
	return out
}

func TestAccountStateReadAndWriteEachKind(t *testing.T) {
	pair := AccountState{Kind: AccountStateAttribute, Attr: "employeeType", Value: "disabled"}
	cases := []struct {
		state      AccountState
		unlocked   *Entry
		lockedWant string // the value the lock writes
	}{
		{AccountState{Kind: AccountStateAD}, entryWith("userAccountControl", "66048"), "66050"},
		{AccountState{Kind: AccountState389}, entryWith(""), "true"},
		{AccountState{Kind: AccountStatePPolicy}, entryWith(""), PPolicyPermanentLock},
		{pair, entryWith("employeeType", "staff"), "disabled"},
	}
	for _, c := range cases {
		t.Run(c.state.Kind, func(t *testing.T) {
			if locked, err := c.state.Locked(c.unlocked); err != nil || locked {
				t.Fatalf("Locked(unlocked) = %v, %v", locked, err)
			}
			lock, err := c.state.Changes(c.unlocked, true)
			if err != nil || len(lock) != 1 || !containsFold(lock[0].Values, c.lockedWant) {
				t.Fatalf("lock changes %+v, %v; want a value %q", lock, err, c.lockedWant)
			}
			locked := applyChanges(c.unlocked, lock)
			if got, _ := c.state.Locked(locked); !got {
				t.Fatalf("after the lock %+v the entry is not locked", locked.Attributes)
			}
			if again, _ := c.state.Changes(locked, true); again != nil {
				t.Errorf("locking a locked entry: %+v, want nothing", again)
			}
			unlock, err := c.state.Changes(locked, false)
			if err != nil || len(unlock) != 1 {
				t.Fatalf("unlock changes %+v, %v", unlock, err)
			}
			back := applyChanges(locked, unlock)
			if got, _ := c.state.Locked(back); got {
				t.Fatalf("after the unlock %+v the entry is still locked", back.Attributes)
			}
			if c.state.Describe(true) == "" || c.state.Describe(false) == "" || len(c.state.Attributes()) != 1 {
				t.Errorf("describe/attributes empty for %s", c.state.Kind)
			}
		})
	}
	// The attribute pair keeps the other values, and the AD lock the other bits.
	back := applyChanges(entryWith("employeeType", "staff", "Disabled"), []Change{{Op: ModDelete, Attr: "employeeType", Values: []string{"Disabled"}}})
	if v := back.Get("employeeType"); len(v) != 1 || v[0] != "staff" {
		t.Errorf("unlock of the pair left %v", v)
	}
	if ch, _ := pair.Changes(entryWith("employeeType", "staff", "DISABLED"), false); len(ch) != 1 || ch[0].Op != ModDelete || ch[0].Values[0] != "DISABLED" {
		t.Errorf("unlock of the pair: %+v, want the stored value deleted", ch)
	}
}

func TestAccountStatePPolicyLockoutIsNotDisabled(t *testing.T) {
	s := AccountState{Kind: AccountStatePPolicy}
	lockout := entryWith("pwdAccountLockedTime", "20260101120000Z")
	if locked, _ := s.Locked(lockout); locked {
		t.Error("a lockout after failed binds counts as disabled")
	}
	if ch, _ := s.Changes(lockout, false); ch != nil {
		t.Errorf("enabling a user with a lockout after failed binds: %+v, want nothing", ch)
	}
	if ch, _ := s.Changes(lockout, true); len(ch) != 1 || ch[0].Values[0] != PPolicyPermanentLock {
		t.Errorf("disabling a user with a lockout: %+v", ch)
	}
}

func TestAccountStateNone(t *testing.T) {
	for _, s := range []AccountState{{Kind: AccountStateNone}, {Kind: ""}, {Kind: AccountStateAttribute, Attr: "employeeType"}} {
		if s.Syncs() || s.Attributes() != nil || s.Describe(true) != "" {
			t.Errorf("%+v: syncs", s)
		}
		if ch, err := s.Changes(entryWith("employeeType", "disabled"), true); ch != nil || err != nil {
			t.Errorf("%+v: changes %+v %v", s, ch, err)
		}
		if !strings.HasPrefix(s.Name(), "none") {
			t.Errorf("%+v: name %q", s, s.Name())
		}
	}
	if _, err := (AccountState{Kind: AccountStateAD}).Locked(entryWith("userAccountControl", "x")); err == nil {
		t.Error("a bad userAccountControl was read")
	}
}

func TestDetectAccountState(t *testing.T) {
	cases := []struct {
		r    *RootDSE
		want string
	}{
		{nil, AccountStateNone},
		{&RootDSE{Vendor: "Active Directory", ActiveDirectory: true}, AccountStateAD},
		{&RootDSE{Vendor: "389 Project", SupportedControls: []string{OIDPasswordPolicy}}, AccountState389},
		{&RootDSE{Vendor: "OpenLDAP", VendorInferred: true, SupportedControls: []string{OIDPasswordPolicy}}, AccountStatePPolicy},
		{&RootDSE{Vendor: "OpenLDAP", VendorInferred: true}, AccountStateNone},
		{&RootDSE{Vendor: "Some Vendor", SupportedControls: []string{OIDPasswordPolicy}}, AccountStateNone},
	}
	for _, c := range cases {
		if got := DetectAccountState(c.r); got.Kind != c.want || !got.Detected {
			t.Errorf("DetectAccountState(%+v) = %+v, want %s", c.r, got, c.want)
		}
	}
}

// FuzzAccountStateChanges: whatever the entry holds, the changes that lock
// (unlock) it leave it locked (unlocked), and a second call changes nothing.
func FuzzAccountStateChanges(f *testing.F) {
	f.Add("ad", "512", true)
	f.Add("389", "false", true)
	f.Add("ppolicy", "20260101000000Z", false)
	f.Add("attribute", "DISABLED", false)
	f.Fuzz(func(t *testing.T, kind, value string, lock bool) {
		s := AccountState{Kind: kind, Attr: "employeeType", Value: "disabled"}
		if !s.Syncs() {
			return
		}
		e := entryWith(s.Attribute(), value)
		ch, err := s.Changes(e, lock)
		if err != nil {
			return // an unreadable userAccountControl
		}
		after := applyChanges(e, ch)
		if got, err := s.Locked(after); err != nil || got != lock {
			t.Fatalf("%s %q lock=%v: after %+v locked=%v err=%v", kind, value, lock, ch, got, err)
		}
		if again, _ := s.Changes(after, lock); again != nil {
			t.Fatalf("%s %q lock=%v: second changes %+v", kind, value, lock, again)
		}
	})
}
