package wizard

import (
	"strings"

	"ldapwiz/ldap"
)

// AccountStateAuto is users.account_state "auto": the kind is chosen from
// the server (Active Directory, 389 DS, OpenLDAP with the ppolicy overlay,
// otherwise none). An empty setting means the same.
const AccountStateAuto = "auto"

// AccountStateValues lists the values of users.account_state.
func AccountStateValues() []string {
	return append([]string{AccountStateAuto}, ldap.AccountStateKinds()...)
}

// AccountState returns how the settings say the directory marks a disabled
// account. fromServer is true when users.account_state is "auto" (or empty)
// on a directory that is not Active Directory: the kind then comes from
// the server (ldap.DetectAccountState), and st is only a placeholder of
// kind none.
func (s Settings) AccountState() (st ldap.AccountState, fromServer bool) {
	u := s.Users
	kind := strings.ToLower(strings.TrimSpace(u.AccountState))
	switch kind {
	case "", AccountStateAuto:
		if s.Connection.ActiveDirectory {
			return ldap.AccountState{Kind: ldap.AccountStateAD, Detected: true}, false
		}
		return ldap.AccountState{Kind: ldap.AccountStateNone}, true
	case ldap.AccountStateAttribute:
		return ldap.AccountState{Kind: kind, Attr: strings.TrimSpace(u.DisabledAttribute), Value: strings.TrimSpace(u.DisabledValue)}, false
	}
	return ldap.AccountState{Kind: kind}, false
}

// accountState checks users.account_state and the attribute pair.
func (c *checker) accountState() {
	u := c.s.Users
	kind := strings.ToLower(strings.TrimSpace(u.AccountState))
	known := kind == ""
	for _, v := range AccountStateValues() {
		known = known || kind == v
	}
	if !known {
		c.errorf("users.account_state", "%q is not a way to mark disabled accounts; use one of %s.", u.AccountState, strings.Join(AccountStateValues(), ", "))
		return
	}
	ad := c.s.Connection.ActiveDirectory
	switch {
	case kind == ldap.AccountStateAD && !ad:
		c.errorf("users.account_state", "\"ad\" writes userAccountControl, which only Active Directory has, and connection.active_directory is off; use \"auto\", or turn active_directory on.")
	case (kind == ldap.AccountState389 || kind == ldap.AccountStatePPolicy) && ad:
		c.errorf("users.account_state", "%q is not how Active Directory marks disabled accounts (it uses userAccountControl); use \"auto\" or \"ad\".", kind)
	case kind == ldap.AccountStateAttribute:
		if strings.TrimSpace(u.DisabledAttribute) == "" {
			c.errorf("users.disabled_attribute", "users.account_state is \"attribute\", but no attribute is named; set disabled_attribute (e.g. \"employeeType\").")
		} else {
			c.name("users.disabled_attribute", "attribute", strings.TrimSpace(u.DisabledAttribute), true)
		}
		if strings.TrimSpace(u.DisabledValue) == "" {
			c.errorf("users.disabled_value", "users.account_state is \"attribute\", but no value is named; set disabled_value (e.g. \"disabled\").")
		}
	}
	if kind != ldap.AccountStateAttribute && (strings.TrimSpace(u.DisabledAttribute) != "" || strings.TrimSpace(u.DisabledValue) != "") {
		c.warnf("users.disabled_attribute", "disabled_attribute and disabled_value are used only with account_state = \"attribute\"; they are ignored now.")
	}
}
