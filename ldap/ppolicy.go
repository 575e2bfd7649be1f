package ldap

import (
	"context"
	"errors"

	goldap "github.com/go-ldap/ldap/v3"
)

// Password-policy errors a server can report on a bind, named after the
// draft-behera-ldap-password-policy enumeration that OpenLDAP's ppolicy
// overlay and 389 Directory Server send.
const (
	PolicyPasswordExpired     = "password_expired"
	PolicyAccountLocked       = "account_locked"
	PolicyChangeAfterReset    = "change_after_reset"
	PolicyModNotAllowed       = "password_mod_not_allowed"
	PolicyMustSupplyOld       = "must_supply_old_password"
	PolicyInsufficientQuality = "insufficient_password_quality"
	PolicyPasswordTooShort    = "password_too_short"
	PolicyPasswordTooYoung    = "password_too_young"
	PolicyPasswordInHistory   = "password_in_history"
)

// policyErrorNames maps the draft's error enumeration to the names above.
var policyErrorNames = map[int8]string{
	goldap.BeheraPasswordExpired:             PolicyPasswordExpired,
	goldap.BeheraAccountLocked:               PolicyAccountLocked,
	goldap.BeheraChangeAfterReset:            PolicyChangeAfterReset,
	goldap.BeheraPasswordModNotAllowed:       PolicyModNotAllowed,
	goldap.BeheraMustSupplyOldPassword:       PolicyMustSupplyOld,
	goldap.BeheraInsufficientPasswordQuality: PolicyInsufficientQuality,
	goldap.BeheraPasswordTooShort:            PolicyPasswordTooShort,
	goldap.BeheraPasswordTooYoung:            PolicyPasswordTooYoung,
	goldap.BeheraPasswordInHistory:           PolicyPasswordInHistory,
}

// PasswordPolicy is what the directory's password policy said about a
// bind: the password-policy response control (OpenLDAP ppolicy, 389 DS)
// and 389 DS's "password expired" and "password expiring" controls. The
// zero value means the server said nothing.
type PasswordPolicy struct {
	// Error is one of the Policy* names, "" when the policy reported none.
	Error string `json:"error,omitempty"`
	// ExpiresInSeconds is the time left before the password expires, when
	// the server warned (0: no warning).
	ExpiresInSeconds int64 `json:"expires_in_seconds,omitempty"`
	// GraceLoginsLeft is the number of binds still allowed with the expired
	// password, when the server reported them (nil: none reported).
	GraceLoginsLeft *int `json:"grace_logins_left,omitempty"`
	// MustChange is 389 DS's "password expired / must change" control:
	// the password has to be changed before anything else works.
	MustChange bool `json:"must_change,omitempty"`
}

// Said reports whether the policy reported anything.
func (p PasswordPolicy) Said() bool {
	return p.Error != "" || p.ExpiresInSeconds > 0 || p.GraceLoginsLeft != nil || p.MustChange
}

// policyFrom reads the password-policy answers among a bind's response
// controls.
func policyFrom(controls []goldap.Control) PasswordPolicy {
	var p PasswordPolicy
	for _, c := range controls {
		switch c := c.(type) {
		case *goldap.ControlBeheraPasswordPolicy:
			if c.Error >= 0 {
				if name, ok := policyErrorNames[c.Error]; ok {
					p.Error = name
				}
			}
			if c.Expire > 0 {
				p.ExpiresInSeconds = c.Expire
			}
			if c.Grace >= 0 {
				g := int(c.Grace)
				p.GraceLoginsLeft = &g
			}
		case *goldap.ControlVChuPasswordMustChange:
			p.MustChange = c.MustChange
		case *goldap.ControlVChuPasswordWarning:
			if c.Expire > 0 && p.ExpiresInSeconds == 0 {
				p.ExpiresInSeconds = c.Expire
			}
		}
	}
	return p
}

// PolicyError is a refused bind together with what the password policy
// said about it. Explain decodes it; errors.As reaches the LDAP result
// underneath.
type PolicyError struct {
	Err    error
	Policy PasswordPolicy
}

// Error is the refusal's own message.
func (e *PolicyError) Error() string { return e.Err.Error() }

// Unwrap returns the refusal.
func (e *PolicyError) Unwrap() error { return e.Err }

// PolicyOf returns what the password policy said about the refused bind
// err, if it said anything.
func PolicyOf(err error) (PasswordPolicy, bool) {
	var pe *PolicyError
	if errors.As(err, &pe) {
		return pe.Policy, true
	}
	return PasswordPolicy{}, false
}

// BindWithPolicy is a simple bind that asks for the password-policy
// response control and returns the policy's answer: on success the
// warnings (the password expires soon, grace logins left, must be changed);
// on a refusal a *PolicyError carrying them, which Explain and ExplainLogin
// turn into plain words. Servers without a password policy ignore the
// request (the control is not critical). An empty password is refused here,
// as by Bind.
func (c *Conn) BindWithPolicy(ctx context.Context, dn, password string) (PasswordPolicy, error) {
	if password == "" {
		return PasswordPolicy{}, errEmptyPassword
	}
	var res *goldap.SimpleBindResult
	err := c.do(ctx, func() error {
		var err error
		res, err = c.c.SimpleBind(&goldap.SimpleBindRequest{Username: dn, Password: password,
			Controls: []goldap.Control{goldap.NewControlBeheraPasswordPolicy()}})
		return err
	})
	var p PasswordPolicy
	if res != nil {
		p = policyFrom(res.Controls)
	}
	if err != nil && p.Said() {
		return p, &PolicyError{Err: err, Policy: p}
	}
	return p, err
}
