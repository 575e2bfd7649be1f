package ldap

import (
	"context"
	"errors"
	"fmt"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// ADUser is a new Active Directory user account as AddADUser creates it.
type ADUser struct {
	// SAMAccountName is the logon name (required, see ValidateSAMAccountName).
	SAMAccountName string
	// UserPrincipalName is the user@domain logon name; empty leaves it unset.
	UserPrincipalName string
	// Password is set as unicodePwd in the same add; it needs an encrypted
	// connection. Empty creates the account without a password, which Active
	// Directory accepts only for a disabled account.
	Password string
	// Disabled creates the account with userAccountControl 514 instead of 512.
	Disabled bool
	// ObjectClasses default to top, person, organizationalPerson, user.
	ObjectClasses []string
	// Attributes are further attributes (mail, givenName, …); they must not
	// repeat the ones above.
	Attributes map[string][]string
}

// adUserClasses are the object classes of a user created without others.
var adUserClasses = []string{"top", "person", "organizationalPerson", "user"}

// adManaged are the attributes AddADUser sets itself.
var adManaged = []string{"objectClass", "sAMAccountName", "userPrincipalName", "unicodePwd", "userAccountControl"}

// AddADUser creates the user dn in ONE add: objectClass, sAMAccountName,
// userPrincipalName, unicodePwd and userAccountControl 512 (514 when
// Disabled), plus u.Attributes. A password is refused before anything is
// sent when the connection is not encrypted: Active Directory accepts
// unicodePwd only over TLS.
func (c *Conn) AddADUser(ctx context.Context, dn string, u ADUser) error {
	if err := ValidateSAMAccountName(u.SAMAccountName); err != nil {
		return fmt.Errorf("add %s: %w", dn, err)
	}
	if u.Password != "" && !c.encrypted {
		return fmt.Errorf("add %s: %w", dn, errADPasswordInClear)
	}
	if u.Password == "" && !u.Disabled {
		return fmt.Errorf("add %s: an enabled Active Directory account needs a password; give one or create the account disabled", dn)
	}
	attrs := map[string][]string{}
	for name, values := range u.Attributes {
		for _, managed := range adManaged {
			if strings.EqualFold(name, managed) {
				return fmt.Errorf("add %s: attribute %s is set from the account fields, not from Attributes", dn, name)
			}
		}
		attrs[name] = values
	}
	attrs["objectClass"] = u.ObjectClasses
	if len(u.ObjectClasses) == 0 {
		attrs["objectClass"] = adUserClasses
	}
	attrs["sAMAccountName"] = []string{u.SAMAccountName}
	if u.UserPrincipalName != "" {
		attrs["userPrincipalName"] = []string{u.UserPrincipalName}
	}
	if u.Password != "" {
		attrs["unicodePwd"] = []string{string(EncodeADPassword(u.Password))}
	}
	uac := UACEnabledUser
	if u.Disabled {
		uac = UACDisabledUser
	}
	attrs["userAccountControl"] = []string{FormatUAC(uac)}
	return c.Add(ctx, dn, attrs)
}

// errADPasswordInClear refuses to send an Active Directory password over a
// plain connection.
var errADPasswordInClear = errors.New("the connection is plain LDAP, and Active Directory accepts passwords (unicodePwd) " +
	"only over an encrypted connection; use an ldaps:// URL in connection.url or set connection.start_tls = true (nothing was sent)")

// AddADGroup creates the group dn with sAMAccountName name, the given
// groupType (GroupTypeGlobalSecurity for an ordinary group) and members.
func (c *Conn) AddADGroup(ctx context.Context, dn, name string, groupType int32, members []string) error {
	if err := ValidateSAMAccountName(name); err != nil {
		return fmt.Errorf("add group %s: %w", dn, err)
	}
	attrs := map[string][]string{
		"objectClass":    {"top", "group"},
		"sAMAccountName": {name},
		"groupType":      {FormatGroupType(groupType)},
	}
	if len(members) > 0 {
		attrs["member"] = members
	}
	return c.Add(ctx, dn, attrs)
}

// ADDisabled reads the userAccountControl of dn and reports whether the
// account is disabled (bit 2).
func (c *Conn) ADDisabled(ctx context.Context, dn string) (bool, error) {
	v, err := c.readUAC(ctx, dn)
	if err != nil {
		return false, err
	}
	return UACDisabled(v)
}

// SetADDisabled disables (or enables) the Active Directory account dn by
// setting (or clearing) bit 2 of userAccountControl, keeping the other bits.
// Nothing is sent when the bit already has the wanted value. The entry is
// never deleted.
func (c *Conn) SetADDisabled(ctx context.Context, dn string, disabled bool) error {
	old, err := c.readUAC(ctx, dn)
	if err != nil {
		return err
	}
	next, err := WithUACDisabled(old, disabled)
	if err != nil {
		return fmt.Errorf("%s: %w", dn, err)
	}
	if next == old {
		return nil
	}
	return c.Modify(ctx, dn, []Change{{Op: ModReplace, Attr: "userAccountControl", Values: []string{next}}})
}

// readUAC returns the userAccountControl value of dn ("" when it has none).
func (c *Conn) readUAC(ctx context.Context, dn string) (string, error) {
	entries, err := c.searchAll(ctx, goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases,
		1, 0, false, "(objectClass=*)", []string{"userAccountControl"}, nil))
	if err != nil {
		return "", fmt.Errorf("read userAccountControl of %s: %w", dn, c.explainSearchError(dn, false, 0, err))
	}
	if len(entries) == 0 {
		return "", fmt.Errorf("read userAccountControl of %s: the server returned no entry (no permission to read it?)", dn)
	}
	return entries[0].First("userAccountControl"), nil
}
