package ldap

import (
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// explainADWrite decodes the refusals Active Directory and Samba AD give to
// writes that ldapwiz makes: a password the domain's policy rejects
// (0000052D, result 19 or 53), and logon names already taken (sAMAccountName:
// Windows 00000524, Samba 00002071; userPrincipalName: Samba 0000202F). ok
// is false for anything else.
func explainADWrite(d Diagnosis, code uint16, msg string) (Diagnosis, bool) {
	lower := strings.ToLower(msg)
	switch {
	case (code == goldap.LDAPResultConstraintViolation || code == goldap.LDAPResultUnwillingToPerform) && strings.Contains(lower, "0000052d"):
		d.Problem = "the directory refused the password: it does not meet the domain's password policy (minimum length, complexity, history or minimum age)"
		if i := strings.Index(lower, "check_password_restrictions:"); i >= 0 {
			d.Problem += " (" + strings.TrimSpace(msg[i+len("check_password_restrictions:"):]) + ")"
		}
		d.Hint = "set a password that meets the domain's policy (Samba: samba-tool domain passwordsettings show; Windows: the Default Domain Policy), then sync again"
		return d, true
	case code == goldap.LDAPResultEntryAlreadyExists && (strings.Contains(lower, "samaccountname") || strings.Contains(lower, "00000524")):
		d.Problem = "another account already has this sAMAccountName: logon names are unique across the whole domain (users, groups and computers alike), not only in one OU"
		d.Hint = "rename the user or group (usernames map to sAMAccountName through users.username_attribute), or remove the other account from the directory"
		d.Setting = "users.username_attribute"
		return d, true
	case strings.Contains(lower, "userprincipalname") && strings.Contains(lower, "already in use"):
		d.Problem = "another account already has this userPrincipalName (user@domain logon names are unique in the forest)"
		d.Hint = "rename the user, or change the other account's userPrincipalName in the directory"
		return d, true
	}
	return d, false
}
