package ldap

import (
	"fmt"
	"regexp"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

const passwordSettings = "connection.bind_password_file (or bind_password_env / bind_password)"

// serverMessage is the diagnostic message of an LDAP result, cleaned of the
// trailing NUL Active Directory appends.
func serverMessage(le *goldap.Error) string {
	if le.Err == nil {
		return ""
	}
	return strings.TrimSpace(strings.TrimRight(le.Err.Error(), "\x00"))
}

// reason is what a result (or an Active Directory sub-code) means in plain
// words, how to fix it, and the setting to change ("" when none applies).
type reason struct {
	problem, hint, setting string
}

// adReason is what a sub-code of result 49 means for the bind account
// (problem, hint, setting) and for a user's own bind (login, used by
// ExplainLogin, where no setting is to blame).
type adReason struct {
	problem, hint, setting string
	login                  loginReason
}

// loginReason is what a refusal means for a user logging in, and what the
// user or an administrator does about it.
type loginReason struct{ problem, hint string }

// needsEncryption explains results 8 and 13, both meaning "encrypt first".
var needsEncryption = reason{"the server refuses a password bind over an unencrypted connection (strong(er) authentication or confidentiality required)",
	"encrypt the connection: write ldaps:// in connection.url, or set connection.start_tls = true with ldap://",
	"connection.start_tls"}

// resultReasons explains the result codes whose meaning does not depend on
// the server's message; explainResult handles the others.
var resultReasons = map[uint16]reason{
	goldap.LDAPResultStrongAuthRequired:      needsEncryption,
	goldap.LDAPResultConfidentialityRequired: needsEncryption,
	goldap.LDAPResultInvalidDNSyntax: {"the server says the name given is not a valid DN",
		"write connection.bind_dn as a DN such as cn=reader,ou=service,dc=example,dc=com (on Active Directory the UPN form user@domain also works)",
		"connection.bind_dn"},
	goldap.LDAPResultInsufficientAccessRights: {"the bind account is not allowed to do this (insufficient access rights)",
		"grant the account in connection.bind_dn read access (and write access for one-way or two-way sync), or bind as another account",
		"connection.bind_dn"},
	goldap.LDAPResultSizeLimitExceeded: {"the server's size limit was reached before all entries were returned",
		"searches must be paged: keep connection.page_size at or below the server's limit (500 is safe; Active Directory allows 1000)",
		"connection.page_size"},
	goldap.LDAPResultAdminLimitExceeded: {"the server refused the search: an administrative limit was exceeded",
		"lower connection.page_size, or narrow the search base or filter",
		"connection.page_size"},
	goldap.LDAPResultTimeLimitExceeded: {"the server's time limit was reached before the search finished",
		"narrow the search base or filter, or raise connection.timeout",
		"connection.timeout"},
	goldap.LDAPResultInappropriateAuthentication: {"the server refuses this kind of bind (anonymous binds, or binds without a password, are disabled)",
		"set connection.bind_dn and the password in " + passwordSettings,
		"connection.bind_dn"},
	goldap.LDAPResultReferral: {"the server answered with a referral: this entry is held by another server",
		"use a search base inside a naming context this server holds (see the RootDSE step)",
		""},
}

// explainResult decodes an LDAP result code sent by the server.
func explainResult(le *goldap.Error) Diagnosis {
	msg := serverMessage(le)
	d := Diagnosis{Code: int(le.ResultCode), Server: msg}
	if ad, ok := explainADWrite(d, le.ResultCode, msg); ok {
		return ad
	}
	if r, ok := resultReasons[le.ResultCode]; ok {
		d.Problem, d.Hint, d.Setting = r.problem, r.hint, r.setting
		return d
	}
	switch le.ResultCode {
	case goldap.LDAPResultInvalidCredentials:
		return explainInvalidCredentials(d, msg)
	case goldap.LDAPResultNoSuchObject:
		d.Problem = "the entry does not exist"
		if le.MatchedDN != "" {
			d.Problem += "; the closest existing entry is " + le.MatchedDN
		}
		d.Hint = "pick an existing entry (the directory browser lists them)"
	case goldap.LDAPResultUnwillingToPerform:
		if strings.Contains(strings.ToLower(msg), "unauthenticated bind") {
			d.Problem = "the server refuses a bind with a DN but an empty password"
			d.Hint = "set the password in " + passwordSettings
			d.Setting = "connection.bind_password_file"
		} else {
			d.Problem = "the server is unwilling to perform the operation: " + msg
		}
	case goldap.LDAPResultOperationsError:
		if strings.Contains(strings.ToLower(msg), "successful bind must be completed") {
			d.Problem = "the server requires a bind before it answers searches"
			d.Hint = "set connection.bind_dn and the password in " + passwordSettings
			d.Setting = "connection.bind_dn"
		} else {
			d.Problem = "the server reported an operations error: " + msg
		}
	case goldap.LDAPResultBusy, goldap.LDAPResultUnavailable:
		d.Problem = "the server is busy or unavailable right now (" + goldap.LDAPResultCodeMap[le.ResultCode] + ")"
		d.Hint = "try again later; if it persists, check the server in connection.url"
		d.Setting = "connection.url"
	default:
		d.Problem = fmt.Sprintf("the server answered %q (code %d)", goldap.LDAPResultCodeMap[le.ResultCode], le.ResultCode)
		if msg != "" {
			d.Problem += ": " + msg
		}
	}
	return d
}

// adDataRe finds the sub-code in Active Directory's and Samba's bind
// diagnostics: "80090308: LdapErr: DSID-0C09041C, comment:
// AcceptSecurityContext error, data 52e, v4563".
var adDataRe = regexp.MustCompile(`(?i)\bdata\s+([0-9a-f]+)\s*(?:,|$)`)

// ADSubCode returns the Active Directory "data" sub-code in a bind
// diagnostic message, lower-case without leading zeros ("52e"), or "".
func ADSubCode(diagnostic string) string {
	m := adDataRe.FindStringSubmatch(strings.TrimRight(diagnostic, "\x00 \n"))
	if m == nil {
		return ""
	}
	code := strings.TrimLeft(strings.ToLower(m[1]), "0")
	if code == "" {
		return "0"
	}
	return code
}

// adReasons maps the sub-codes of result 49 to plain words.
var adReasons = map[string]adReason{
	"525": {"the bind account does not exist (Active Directory: user not found)",
		"check connection.bind_dn: use the account's full DN (CN=svc-ldapwiz,OU=Service Accounts,DC=corp,DC=example) or its UPN (svc-ldapwiz@corp.example)",
		"connection.bind_dn",
		loginReason{"the account does not exist (Active Directory: user not found)",
			"check the username; the entry found may have been deleted or moved meanwhile"}},
	"52e": {"the password is wrong for this account (Active Directory: invalid credentials; some servers also say this for an unknown account)",
		"check the password in " + passwordSettings + ", and the account name in connection.bind_dn",
		"connection.bind_password_file",
		loginReason{"the password is wrong (Active Directory: invalid credentials)",
			"check the password; repeated failures may lock the account under the domain's lockout policy"}},
	"530": {"the account may not log on at this time (Active Directory: logon hours restriction)",
		"have an administrator lift the logon-hours restriction on the account in connection.bind_dn, or use another service account",
		"connection.bind_dn",
		loginReason{"the account may not log on at this time (Active Directory: logon hours restriction)",
			"an administrator changes the account's logon hours if the user should log in now"}},
	"531": {"the account may not log on from this computer (Active Directory: workstation restriction)",
		"have an administrator allow this computer in the account's \"Log On To\" list (userWorkstations), or use another account in connection.bind_dn",
		"connection.bind_dn",
		loginReason{"the account may not log on from this computer (Active Directory: workstation restriction)",
			"an administrator adds this computer to the account's \"Log On To\" list (userWorkstations)"}},
	"532": {"the account's password has expired (Active Directory: password expired)",
		"set a new password for the account in the directory (for a service account consider \"password never expires\"), then update " + passwordSettings,
		"connection.bind_password_file",
		loginReason{"the password has expired (Active Directory: password expired)",
			"the user sets a new password (an administrator can reset it) before logging in"}},
	"533": {"the account is disabled (Active Directory: account disabled)",
		"have an administrator enable the account in connection.bind_dn, or use another account",
		"connection.bind_dn",
		loginReason{"the account is disabled (Active Directory: account disabled)",
			"an administrator enables the account if the user should log in"}},
	"701": {"the account has expired (Active Directory: account expired, see accountExpires)",
		"have an administrator extend the account's expiry date, or use another account in connection.bind_dn",
		"connection.bind_dn",
		loginReason{"the account has expired (Active Directory: account expired, see accountExpires)",
			"an administrator extends the account's expiry date if the user should log in"}},
	"773": {"the account's password must be changed before it can be used (Active Directory: user must reset password)",
		"log on once with the account and set a new password (or clear \"user must change password at next logon\"), then update " + passwordSettings,
		"connection.bind_password_file",
		loginReason{"the password must be changed before the account can be used (Active Directory: user must reset password)",
			"the user sets a new password first (or an administrator clears \"user must change password at next logon\")"}},
	"775": {"the account is locked out after too many failed logons (Active Directory: account locked)",
		"wait for the lockout to expire or have an administrator unlock it; make sure " + passwordSettings + " holds the right password so it does not lock again",
		"connection.bind_password_file",
		loginReason{"the account is locked out after too many failed logons (Active Directory: account locked)",
			"wait for the lockout to expire, or an administrator unlocks the account"}},
}

func explainInvalidCredentials(d Diagnosis, msg string) Diagnosis {
	if sub := ADSubCode(msg); sub != "" {
		d.SubCode = sub
		if r, ok := adReasons[sub]; ok {
			d.Problem, d.Hint, d.Setting = r.problem, r.hint, r.setting
			return d
		}
		d.Problem = fmt.Sprintf("the bind was refused (invalid credentials, Active Directory sub-code %s)", sub)
		d.Hint = "check connection.bind_dn and the password in " + passwordSettings
		d.Setting = "connection.bind_dn"
		return d
	}
	d.Problem = "the bind DN or the password is wrong (invalid credentials)"
	d.Hint = "check the DN in connection.bind_dn and the password in " + passwordSettings
	d.Setting = "connection.bind_password_file"
	return d
}
