package ldap

import (
	"errors"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// stepRootDSE reads the RootDSE. A connection that dies here was most
// likely plain LDAP spoken to a TLS port; a refusal is only a warning (some
// servers show the RootDSE only after a bind) and is retried after it.
func (r *testRun) stepRootDSE() Step {
	dse, err := r.conn.RootDSE(r.ctx)
	if err != nil {
		if connectionLost(err) {
			r.dropConn()
			d := Explain(err)
			if !r.wantsTLS() && r.probeTLS() {
				d = tlsOnPlainDiagnosis()
			}
			return failed("no answer to the RootDSE request", d)
		}
		r.rootDSEErr = err
		return diagStep(StepWarning, "the RootDSE could not be read before binding (tried again after the bind)", Explain(err))
	}
	return r.rootDSEStep(dse)
}

// wantsTLS reports whether the settings ask for an encrypted connection
// (ldaps:// or StartTLS).
func (r *testRun) wantsTLS() bool {
	return r.target.Scheme == "ldaps" || r.cfg.StartTLS
}

func (r *testRun) rootDSEStep(dse *RootDSE) Step {
	r.result.RootDSE = dse
	step := Step{Status: StepOK, Detail: dse.Summary()}
	switch {
	case dse.ActiveDirectory && !r.cfg.ActiveDirectory:
		step.Status = StepWarning
		step.Hint = "the server is Active Directory: set connection.active_directory = true (it changes how passwords, disabled accounts and ids are handled)"
		step.Setting = "connection.active_directory"
	case !dse.ActiveDirectory && r.cfg.ActiveDirectory && (len(dse.SupportedControls) > 0 || dse.Vendor != ""):
		step.Status = StepWarning
		step.Hint = "the server does not look like Active Directory: set connection.active_directory = false"
		step.Setting = "connection.active_directory"
	case !dse.PagedResults && len(dse.SupportedControls) > 0:
		step.Status = StepWarning
		step.Hint = "the server does not advertise paged results: large searches may stop at its size limit; keep connection.page_size below that limit"
		step.Setting = "connection.page_size"
	}
	return step
}

// connectionLost reports whether err means the LDAP connection is unusable.
func connectionLost(err error) bool {
	var le *goldap.Error
	if errors.As(err, &le) {
		return le.ResultCode == goldap.ErrorNetwork
	}
	return true
}

// stepBind binds with the configured account, or notes an anonymous bind.
func (r *testRun) stepBind() Step {
	step := r.bind()
	if step.Status != StepFailed && r.rootDSEErr != nil {
		if dse, err := r.conn.RootDSE(r.ctx); err == nil {
			r.result.RootDSE = dse
			step.Detail += "; after the bind the RootDSE reads: " + dse.Summary()
		}
	}
	return step
}

func (r *testRun) bind() Step {
	if step, ok := r.saslBind(); ok {
		return step
	}
	if strings.TrimSpace(r.cfg.BindDN) == "" {
		r.anonymous = true
		return Step{Status: StepWarning,
			Detail:  "no bind DN is set, so ldapwiz binds anonymously: most directories show anonymous users little or nothing, and a sync cannot write",
			Hint:    "set connection.bind_dn to a service account and its password in connection.bind_password_file",
			Setting: "connection.bind_dn"}
	}
	if r.cfg.BindPassword == "" {
		return Step{Status: StepFailed,
			Detail:  "the bind password is empty (a DN with an empty password is an unauthenticated bind, which proves nothing)",
			Hint:    "set the password of " + r.cfg.BindDN + " in connection.bind_password_file (or bind_password_env / bind_password)",
			Setting: "connection.bind_password_file"}
	}
	policy, err := r.conn.BindWithPolicy(r.ctx, r.cfg.BindDN, r.cfg.BindPassword)
	if err != nil {
		if connectionLost(err) {
			r.dropConn()
		}
		return failed("bind as "+r.cfg.BindDN+" refused", Explain(err))
	}
	if notes := policy.PolicyNotes(); len(notes) > 0 {
		return Step{Status: StepWarning, Detail: "bound as " + r.cfg.BindDN + ", but the password policy says: " + strings.Join(notes, "; "),
			Hint:    "set a new password for the bind account before it stops working, then update connection.bind_password_file (or bind_password_env / bind_password)",
			Setting: "connection.bind_password_file"}
	}
	return Step{Status: StepOK, Detail: "bound as " + r.cfg.BindDN}
}

func (r *testRun) stepUserBase() Step {
	return r.checkBase(r.scope.UserBase, "users.search_base", "users")
}

func (r *testRun) stepGroupBase() Step {
	return r.checkBase(r.scope.GroupBase, "groups.search_base", "groups")
}

// checkBase verifies that a search base exists, naming the closest existing
// entry when it does not.
func (r *testRun) checkBase(base, setting, what string) Step {
	contexts := ""
	if r.result.RootDSE != nil && len(r.result.RootDSE.NamingContexts) > 0 {
		contexts = " (this server holds " + strings.Join(r.result.RootDSE.NamingContexts, "; ") + ")"
	}
	if strings.TrimSpace(base) == "" {
		return Step{Status: StepFailed, Detail: setting + " is empty",
			Hint: "set " + setting + " to the DN under which " + what + " live; pick it in the directory browser" + contexts, Setting: setting}
	}
	if _, err := goldap.ParseDN(base); err != nil {
		return Step{Status: StepFailed, Detail: base + " is not a valid DN: " + err.Error(),
			Hint: "write " + setting + " as a DN such as ou=" + what + ",dc=example,dc=com" + contexts, Setting: setting}
	}
	req := goldap.NewSearchRequest(base, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false, "(objectClass=*)", []string{"1.1"}, nil)
	err := r.conn.do(r.ctx, func() error { _, err := r.conn.c.Search(req); return err })
	if err == nil {
		return Step{Status: StepOK, Detail: base + " exists"}
	}
	if connectionLost(err) {
		r.dropConn()
		return failed("cannot read "+base, Explain(err))
	}
	d := Explain(err)
	d.Setting = setting
	var le *goldap.Error
	if errors.As(err, &le) {
		switch le.ResultCode {
		case goldap.LDAPResultNoSuchObject:
			d.Problem = base + " does not exist"
			if le.MatchedDN != "" {
				d.Problem += "; the closest existing entry is " + le.MatchedDN
				d.Hint = "pick the right entry under " + le.MatchedDN + " for " + setting + " in the directory browser"
			} else {
				d.Problem += " (the server named no existing entry above it)" + contexts
				d.Hint = "set " + setting + " inside a naming context of this server" + contexts
			}
			if r.anonymous {
				d.Hint += "; you are bound anonymously, and directories often hide entries from anonymous users: set connection.bind_dn"
			}
		case goldap.LDAPResultInvalidDNSyntax:
			d.Problem = base + " is not a valid DN"
			d.Hint = "write " + setting + " as a DN such as ou=" + what + ",dc=example,dc=com" + contexts
		case goldap.LDAPResultReferral:
			d.Problem = base + " is held by another server (the server answered with a referral)"
			d.Hint = "set " + setting + " inside a naming context of this server" + contexts + ", or point connection.url at the server holding it"
		}
	}
	return failed("", d)
}
