package ldap

import (
	"errors"
	"fmt"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// whose says whose bind is being explained: the bind account of the
// settings (hints name the settings to change) or a user logging in
// (hints say what the user or an administrator does).
type whose int

const (
	bindAccount whose = iota
	userLogin
)

// policyReason is what a password-policy refusal means, with a hint for
// the bind account and one for a user's login.
type policyReason struct {
	problem     string
	accountHint string
	setting     string
	userHint    string
}

const (
	unlockHint = "OpenLDAP: remove pwdAccountLockedTime from the entry; 389 Directory Server: dsidm … account unlock DN or remove nsAccountLock; " +
		"a lockout after failed logins also ends by itself after the policy's lockout duration"
	newPasswordHint = "set a new password for the account in the directory"
)

// policyReasons explains the password-policy errors a refused bind carries
// (the password-policy control of OpenLDAP ppolicy and 389 DS), and 389
// DS's own refusals that come without it (see dsRefusal).
var policyReasons = map[string]policyReason{
	PolicyPasswordExpired: {
		problem:     "the account's password has expired (password policy: password expired, no grace logins left)",
		accountHint: newPasswordHint + " (for a service account, a policy without a maximum age: pwdMaxAge 0 / passwordExp off), then update " + passwordSettings,
		setting:     "connection.bind_password_file",
		userHint:    "the user's password must be changed before they can log in: an administrator sets a new one, or the application offers a password change",
	},
	PolicyAccountLocked: {
		problem:     "the account is locked (password policy: account locked, after too many failed logins or by an administrator)",
		accountHint: "have an administrator unlock it (" + unlockHint + "); make sure " + passwordSettings + " holds the right password so it does not lock again",
		setting:     "connection.bind_password_file",
		userHint:    "an administrator unlocks it (" + unlockHint + ")",
	},
	PolicyChangeAfterReset: {
		problem:     "the account's password was reset by an administrator and must be changed before anything else works (password policy: change after reset)",
		accountHint: newPasswordHint + " yourself (a password change as the account clears the reset flag), then update " + passwordSettings,
		setting:     "connection.bind_password_file",
		userHint:    "the user must change the password first; an application that cannot offer that will refuse the login",
	},
	dsInactivated: {
		problem:     "the account is inactivated (389 Directory Server: nsAccountLock is set, \"Account inactivated. Contact system administrator.\")",
		accountHint: "have an administrator activate the account in connection.bind_dn (dsidm … account unlock DN, or remove nsAccountLock), or bind as another account",
		setting:     "connection.bind_dn",
		userHint:    "the account is disabled in the directory: an administrator activates it (dsidm … account unlock DN, or remove nsAccountLock) if the user should log in",
	},
}

// dsInactivated names 389 DS's refusal of an inactivated account (result
// 53 "Account inactivated. Contact system administrator.").
const dsInactivated = "account_inactivated"

// dsRefusal recognises 389 Directory Server's bind refusals by their
// result and message, for servers that did not send (or were not asked
// for) the password-policy control: "" when msg is none of them.
func dsRefusal(code uint16, msg string) string {
	lower := strings.ToLower(msg)
	switch {
	case code == goldap.LDAPResultUnwillingToPerform && strings.Contains(lower, "account inactivated"):
		return dsInactivated
	case strings.Contains(lower, "exceed password retry limit"):
		return PolicyAccountLocked
	case code == goldap.LDAPResultInvalidCredentials && strings.Contains(lower, "password expired"):
		return PolicyPasswordExpired
	}
	return ""
}

// explainPolicyBind explains a bind refused by a password policy: the
// error the password-policy control carried, or 389 DS's refusal message.
// ok is false for any other error.
func explainPolicyBind(err error, who whose) (Diagnosis, bool) {
	var le *goldap.Error
	if !errors.As(err, &le) || le.ResultCode >= goldap.ErrorNetwork {
		return Diagnosis{}, false
	}
	msg := serverMessage(le)
	name := ""
	if p, ok := PolicyOf(err); ok {
		name = p.Error
		if name == "" && p.MustChange {
			name = PolicyPasswordExpired
		}
	}
	// 389 DS's own message is more precise than the control: an
	// inactivated account (nsAccountLock) is not a lockout after failures.
	if ds := dsRefusal(le.ResultCode, msg); ds == dsInactivated || policyReasons[name].problem == "" {
		name = ds
	}
	r, ok := policyReasons[name]
	if !ok {
		return Diagnosis{}, false
	}
	d := Diagnosis{Code: int(le.ResultCode), Policy: name, Problem: r.problem, Server: msg}
	if who == userLogin {
		d.Hint = r.userHint
	} else {
		d.Hint, d.Setting = r.accountHint, r.setting
	}
	return d, true
}

// ExplainLogin is Explain for a user's own bind (a login check rather than
// the settings' bind account): the same decoding of Active Directory's
// sub-codes, password-policy answers and 389 DS refusals, with hints for
// the user or an administrator instead of settings to change.
func ExplainLogin(err error) Diagnosis {
	if err == nil {
		return Diagnosis{}
	}
	if d, ok := explainPolicyBind(err, userLogin); ok {
		return d
	}
	d := Explain(err)
	var le *goldap.Error
	if !errors.As(err, &le) || le.ResultCode != goldap.LDAPResultInvalidCredentials {
		return d
	}
	if r, ok := adReasons[d.SubCode]; ok && r.login.problem != "" {
		d.Problem, d.Hint, d.Setting = r.login.problem, r.login.hint, ""
		return d
	}
	if d.SubCode != "" {
		d.Problem = fmt.Sprintf("the directory refused the login (invalid credentials, Active Directory sub-code %s)", d.SubCode)
	} else {
		d.Problem = "the password is wrong, or the account cannot log in (invalid credentials)"
	}
	d.Hint = "check the password; repeated failures may lock the account under the directory's password policy"
	d.Setting = ""
	return d
}

// PolicyNotes says in plain words what a password policy reported about a
// bind that succeeded: the password expires soon, grace logins left, a
// change is required. It is empty when the policy said nothing.
func (p PasswordPolicy) PolicyNotes() []string {
	var notes []string
	if p.GraceLoginsLeft != nil {
		notes = append(notes, fmt.Sprintf("the password has expired; the directory allowed this login as a grace login, %s left — set a new password before they run out",
			plural(*p.GraceLoginsLeft, "grace login")))
	}
	if p.ExpiresInSeconds > 0 {
		notes = append(notes, "the password expires in "+humanSeconds(p.ExpiresInSeconds)+" (password policy warning)")
	}
	if p.Error == PolicyChangeAfterReset || (p.MustChange && p.Error == "") {
		notes = append(notes, "the password was reset by an administrator and must be changed before anything else works (password policy: change after reset)")
	} else if r, ok := policyReasons[p.Error]; ok && p.Error != PolicyChangeAfterReset {
		notes = append(notes, r.problem)
	}
	return notes
}

// plural is "1 grace login" or "3 grace logins".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// humanSeconds renders a duration in seconds the way a person says it:
// "3 days 4 hours", "5 hours 2 minutes", "40 seconds".
func humanSeconds(s int64) string {
	units := []struct {
		name string
		size int64
	}{{"day", 86400}, {"hour", 3600}, {"minute", 60}, {"second", 1}}
	var parts []string
	for i, u := range units {
		if n := s / u.size; n > 0 {
			parts = append(parts, plural(int(n), u.name))
			if i+1 < len(units) {
				if m := (s - n*u.size) / units[i+1].size; m > 0 {
					parts = append(parts, plural(int(m), units[i+1].name))
				}
			}
			break
		}
	}
	if len(parts) == 0 {
		return "0 seconds"
	}
	return strings.Join(parts, " ")
}
