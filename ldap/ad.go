package ldap

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	goldap "github.com/go-ldap/ldap/v3"
)

// OIDMatchingRuleInChain is Active Directory's LDAP_MATCHING_RULE_IN_CHAIN:
// a filter (memberOf:1.2.840.113556.1.4.1941:=G) matches every entry that is
// a member of group G directly or through nested groups.
const OIDMatchingRuleInChain = "1.2.840.113556.1.4.1941"

// InChainFilter returns the extensible-match filter that follows the DN-valued
// attribute attr transitively to dn: (attr:1.2.840.113556.1.4.1941:=dn), with
// dn escaped for the filter. With attr "memberOf" and a group DN it matches
// all members of the group, nested groups expanded; with attr "member" and a
// user DN it matches every group the user belongs to, directly or not.
func InChainFilter(attr, dn string) string {
	return "(" + attr + ":" + OIDMatchingRuleInChain + ":=" + goldap.EscapeFilter(dn) + ")"
}

// NestedMembersFilter matches the entries that are members of the group
// groupDN, directly or through nested groups (Active Directory only).
func NestedMembersFilter(groupDN string) string { return InChainFilter("memberOf", groupDN) }

// MaxSAMAccountNameLength is the longest sAMAccountName Active Directory
// accepts for a user or group (the pre-Windows 2000 logon name).
const MaxSAMAccountNameLength = 20

// samForbidden are the characters Active Directory refuses in a
// sAMAccountName.
const samForbidden = `"/\[]:;|=,+*?<>`

// ValidateSAMAccountName checks that name can be an Active Directory
// sAMAccountName: not empty, at most 20 characters, none of "/\[]:;|=,+*?<>,
// no control characters, and not made only of dots and spaces. The error
// says what is wrong and how to fix it.
func ValidateSAMAccountName(name string) error {
	return validateSAM(name, MaxSAMAccountNameLength, "shorten the username")
}

// validateSAM checks a sAMAccountName against Active Directory's rules, with
// at most max characters; fix says how to fix a name that is too long.
func validateSAM(name string, max int, fix string) error {
	if name == "" {
		return fmt.Errorf("the sAMAccountName is empty; Active Directory needs a logon name of 1 to %d characters", max)
	}
	if n := utf8.RuneCountInString(name); n > max {
		return fmt.Errorf("the sAMAccountName %q has %d characters; Active Directory allows at most %d: %s", name, n, max, fix)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("the sAMAccountName %q is not valid UTF-8", name)
	}
	for _, r := range name {
		if strings.ContainsRune(samForbidden, r) {
			return fmt.Errorf("the sAMAccountName %q contains %q; Active Directory refuses any of %s in logon names: rename it", name, r, samForbidden)
		}
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("the sAMAccountName %q contains a control character (%U); remove it", name, r)
		}
	}
	if strings.Trim(name, ". ") == "" {
		return fmt.Errorf("the sAMAccountName %q consists only of dots and spaces; Active Directory needs at least one other character", name)
	}
	return nil
}

// MaxGroupSAMAccountNameLength is the longest sAMAccountName Active
// Directory accepts for a group (the schema's limit; the 20-character limit
// is for user accounts only).
const MaxGroupSAMAccountNameLength = 256

// ValidateGroupSAMAccountName checks that name can be the sAMAccountName of
// an Active Directory group: the rules of ValidateSAMAccountName, with the
// groups' limit of 256 characters instead of 20.
func ValidateGroupSAMAccountName(name string) error {
	return validateSAM(name, MaxGroupSAMAccountNameLength, "shorten the group name")
}

// DomainOfDN returns the DNS domain named by the dc= components of dn, in
// order and lower case ("CN=Users,DC=Example,DC=test" gives "example.test"),
// or "" when dn has none. It is the usual userPrincipalName suffix of the
// domain holding dn.
func DomainOfDN(dn string) string {
	d, err := ParseDN(dn)
	if err != nil {
		return ""
	}
	var parts []string
	for _, rdn := range d.RDNs {
		if len(rdn) == 1 && strings.EqualFold(rdn[0].Type, "dc") && rdn[0].Value != "" {
			parts = append(parts, strings.ToLower(rdn[0].Value))
		}
	}
	return strings.Join(parts, ".")
}

// userAccountControl flags (MS-ADTS 2.2.16) ldapwiz reads or writes.
const (
	UACAccountDisable     uint32 = 0x0002  // ACCOUNTDISABLE: the account cannot log on
	UACNormalAccount      uint32 = 0x0200  // NORMAL_ACCOUNT: a default user account
	UACDontExpirePassword uint32 = 0x10000 // DONT_EXPIRE_PASSWORD
)

// UACEnabledUser and UACDisabledUser are the userAccountControl values of a
// new normal user account, enabled (512) and disabled (514).
const (
	UACEnabledUser  = UACNormalAccount
	UACDisabledUser = UACNormalAccount | UACAccountDisable
)

// ParseUAC parses a userAccountControl value. The attribute is a 32-bit
// integer that servers may render signed, so negative values are accepted and
// read as their unsigned bit pattern.
func ParseUAC(v string) (uint32, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < -(1<<31) || n > 1<<32-1 {
		return 0, fmt.Errorf("userAccountControl %q is not a 32-bit integer", v)
	}
	return uint32(n), nil
}

// FormatUAC renders a userAccountControl value in decimal as Active Directory
// stores it.
func FormatUAC(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

// UACDisabled reports whether a userAccountControl value has the
// ACCOUNTDISABLE bit (2) set.
func UACDisabled(v string) (bool, error) {
	n, err := ParseUAC(v)
	if err != nil {
		return false, err
	}
	return n&UACAccountDisable != 0, nil
}

// WithUACDisabled returns v with the ACCOUNTDISABLE bit set (disabled true)
// or cleared, keeping every other bit. An empty v counts as a normal account
// (512).
func WithUACDisabled(v string, disabled bool) (string, error) {
	n := UACNormalAccount
	if strings.TrimSpace(v) != "" {
		var err error
		if n, err = ParseUAC(v); err != nil {
			return "", err
		}
	}
	if disabled {
		n |= UACAccountDisable
	} else {
		n &^= UACAccountDisable
	}
	return FormatUAC(n), nil
}

// groupType flags (MS-ADTS 2.2.12).
const (
	GroupTypeGlobal      int32 = 0x00000002
	GroupTypeDomainLocal int32 = 0x00000004
	GroupTypeUniversal   int32 = 0x00000008
	GroupTypeSecurity    int32 = -0x80000000 // 0x80000000: a security group, not a distribution list
)

// GroupTypeGlobalSecurity is a global security group, the default for new
// groups (-2147483646, 0x80000002).
const GroupTypeGlobalSecurity = GroupTypeSecurity | GroupTypeGlobal

// FormatGroupType renders a groupType as Active Directory stores it: a
// signed decimal integer.
func FormatGroupType(t int32) string { return strconv.FormatInt(int64(t), 10) }
