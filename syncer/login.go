package syncer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"ldapwiz/ldap"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// Step IDs of a login check, in the order they run.
const (
	LoginStepConnect  = "connect"
	LoginStepFind     = "find"
	LoginStepPassword = "password"
	LoginStepSyncOnly = "sync_only"
	LoginStepStore    = "store"
)

// loginTitles are the human titles of the login check's steps, in order.
var loginTitles = []struct{ id, title string }{
	{LoginStepConnect, "Connect as the bind account"},
	{LoginStepFind, "Find the user"},
	{LoginStepPassword, "Bind as the user with the password"},
	{LoginStepSyncOnly, "Member of the groups in groups.sync_only"},
	{LoginStepStore, "The store user"},
}

// LockoutWarning is said before a password is tried: a login check counts
// as a login attempt for the directory.
const LockoutWarning = "a wrong password counts as a failed login: repeated failures may lock the account under the directory's password policy"

// LoginStoreUser is the store user a directory entry maps to.
type LoginStoreUser struct {
	ID                int64  `json:"id"`
	Username          string `json:"username"`
	Disabled          bool   `json:"disabled"`
	EnrollmentPending bool   `json:"enrollment_pending"`
	Deleted           bool   `json:"deleted"`
}

// LoginCheck is the outcome of a login check: the path an application
// takes when the user logs in, step by step (ldap.Step, as the connection
// test), and what each step found. It never holds the password.
type LoginCheck struct {
	Username string      `json:"username"`
	Server   string      `json:"server,omitempty"` // the server that answered the user's bind
	Steps    []ldap.Step `json:"steps"`
	// Lookup is what the search for the username found.
	Lookup ldap.LoginLookup `json:"lookup"`
	// DN is the entry the user binds as, once found.
	DN string `json:"dn,omitempty"`
	// BindError explains a refused bind (Active Directory sub-codes and
	// password-policy answers decoded); nil when the bind succeeded or was
	// not tried.
	BindError *ldap.Diagnosis `json:"bind_error,omitempty"`
	// Policy is what the password policy said about the bind.
	Policy    ldap.PasswordPolicy `json:"password_policy"`
	StoreUser *LoginStoreUser     `json:"store_user,omitempty"`
	// OK: every step passed (warnings allowed): the login would succeed.
	OK bool `json:"ok"`
}

// Failed returns the first failed step, or nil when none failed.
func (lc *LoginCheck) Failed() *ldap.Step {
	for i := range lc.Steps {
		if lc.Steps[i].Status == ldap.StepFailed {
			return &lc.Steps[i]
		}
	}
	return nil
}

// loginRun is the state of one CheckLogin.
type loginRun struct {
	ctx      context.Context
	s        wizard.Settings
	cfg      ldap.Config
	username string
	password string
	report   func(ldap.Step)
	res      LoginCheck
	conn     *ldap.Conn // the bind account's connection
	entry    ldap.LoginEntry
}

// CheckLogin checks whether username could log in with password the way
// an application does at login: bind as the bind account of cfg, search
// the user by users.username_attribute within the users' scope (the base,
// object class and users.filter of s), bind as the entry found with the
// password (asking for the password-policy control), then check what a
// sync makes of the entry: a member of the groups.sync_only groups (the
// sync engine's own rule, nested groups included) and the store user
// linked to it, enabled and not pending enrollment. db is the store; nil
// opens the one s names read-only (OpenStoreForPreview) for the check.
// report, when not nil, is called with each step as it ends.
// The password is sent only in the user's bind; it is never logged, kept
// or part of the result.
func CheckLogin(ctx context.Context, s wizard.Settings, cfg ldap.Config, db *store.DB, username, password string, report func(ldap.Step)) LoginCheck {
	r := &loginRun{ctx: ctx, s: s, cfg: cfg, username: username, password: password, report: report,
		res: LoginCheck{Username: username}}
	defer func() {
		if r.conn != nil {
			r.conn.Close()
		}
	}()
	steps := map[string]func() ldap.Step{
		LoginStepConnect: r.connect, LoginStepFind: r.find, LoginStepPassword: r.bind,
		LoginStepSyncOnly: r.syncOnly, LoginStepStore: func() ldap.Step { return r.store(db) },
	}
	blocked := ""
	for _, st := range loginTitles {
		var step ldap.Step
		switch {
		case ctx.Err() != nil:
			step = ldap.Step{Status: ldap.StepNotRun, Detail: "not run: the check was cancelled"}
		case blocked != "":
			step = ldap.Step{Status: ldap.StepNotRun, Detail: "not run: " + blocked + " failed"}
		default:
			step = steps[st.id]()
		}
		step.ID, step.Title = st.id, st.title
		if step.Status == ldap.StepFailed && blocked == "" {
			blocked = strings.ToLower(st.title[:1]) + st.title[1:]
		}
		r.res.Steps = append(r.res.Steps, step)
		if report != nil {
			report(step)
		}
	}
	r.res.OK = r.res.Failed() == nil && ctx.Err() == nil
	return r.res
}

// connect binds as the settings' bind account, as the application's
// directory connection does.
func (r *loginRun) connect() ldap.Step {
	conn, err := ldap.Dial(r.ctx, r.cfg)
	if err != nil {
		d := ldap.Explain(err)
		return ldap.Step{Status: ldap.StepFailed, Detail: "cannot connect and bind as the bind account: " + d.Problem, Hint: d.Hint, Setting: d.Setting}
	}
	r.conn = conn
	who := "anonymously"
	if strings.TrimSpace(r.cfg.BindDN) != "" {
		who = "as " + r.cfg.BindDN
	}
	return ldap.Step{Status: ldap.StepOK, Detail: "connected to " + conn.Server() + " and bound " + who}
}

// loginScope is the users' scope of s in the form FindLoginUser takes.
func loginScope(sc wizard.Scope) ldap.LoginScope {
	return ldap.LoginScope{Base: sc.UserBase, ObjectClass: sc.UserObjectClass, ExtraFilter: sc.UserExtraFilter, UsernameAttribute: sc.UsernameAttribute}
}

// find searches the user in scope: not found, outside the scope, found
// twice (ambiguous) or found once.
func (r *loginRun) find() ldap.Step {
	sc := r.s.Scope()
	if strings.TrimSpace(r.username) == "" {
		return ldap.Step{Status: ldap.StepFailed, Detail: "no username given"}
	}
	look, err := ldap.FindLoginUser(r.ctx, r.conn, loginScope(sc), r.username)
	r.res.Lookup = look
	if err != nil {
		d := ldap.Explain(err)
		setting := d.Setting
		if strings.HasPrefix(err.Error(), "users.") {
			setting = strings.SplitN(err.Error(), ":", 2)[0]
		}
		return ldap.Step{Status: ldap.StepFailed, Detail: "the search for the user failed: " + d.Problem, Hint: d.Hint, Setting: setting}
	}
	where := fmt.Sprintf("%s=%s under %s", sc.UsernameAttribute, r.username, sc.UserBase)
	switch {
	case len(look.InScope) == 1:
		r.entry = look.InScope[0]
		r.res.DN = r.entry.DN
		return ldap.Step{Status: ldap.StepOK, Detail: "found " + r.entry.DN + " (filter " + look.Filter + ")"}
	case len(look.InScope) > 1:
		var dns []string
		for _, e := range look.InScope {
			dns = append(dns, e.DN)
		}
		return ldap.Step{Status: ldap.StepFailed,
			Detail:  fmt.Sprintf("the username is ambiguous: %d entries carry %s: %s; an application cannot tell which one is logging in", len(dns), where, strings.Join(dns, " and ")),
			Hint:    "make " + sc.UsernameAttribute + " unique in the directory (rename or remove one entry), or narrow users.search_base or users.filter so that only one is a user",
			Setting: "users.username_attribute"}
	case len(look.Outside) > 0:
		var parts []string
		setting := ""
		for _, e := range look.Outside {
			parts = append(parts, e.DN+": "+e.Outside+" ("+e.Setting+")")
			if setting == "" {
				setting = e.Setting
			}
		}
		return ldap.Step{Status: ldap.StepFailed,
			Detail:  "outside the users' scope: the directory has " + strings.Join(parts, "; ") + ", but an application searching with " + look.Filter + " under " + sc.UserBase + " does not find it",
			Hint:    "widen " + setting + " if this user should log in",
			Setting: setting}
	}
	return ldap.Step{Status: ldap.StepFailed,
		Detail: "not found: no entry carries " + sc.UsernameAttribute + "=" + r.username + " (searched " + look.Filter + " under " + sc.UserBase + ", then the whole directory)",
		Hint:   "check the username, and that users.username_attribute (" + sc.UsernameAttribute + ") is the attribute holding login names", Setting: "users.username_attribute"}
}

// bind binds as the entry found with the password, on a connection of its
// own, and decodes the answer.
func (r *loginRun) bind() ldap.Step {
	if r.password == "" {
		return ldap.Step{Status: ldap.StepFailed, Detail: "the password is empty: a bind with a DN and no password is an unauthenticated bind, which every server lets through and which proves nothing"}
	}
	p, server, err := ldap.LoginBind(r.ctx, r.cfg, r.entry.DN, r.password)
	r.res.Server, r.res.Policy = server, p
	if err != nil {
		d := ldap.ExplainLogin(err)
		r.res.BindError = &d
		detail := "refused: " + d.Problem
		if d.Server != "" {
			detail += " (server said: " + d.Server + ")"
		}
		return ldap.Step{Status: ldap.StepFailed, Detail: detail, Hint: d.Hint}
	}
	detail := "the directory accepted the password for " + r.entry.DN
	if server != "" {
		detail += " (server " + server + ")"
	}
	notes := p.PolicyNotes()
	switch {
	case p.Error == ldap.PolicyChangeAfterReset || (p.MustChange && p.Error == ""):
		return ldap.Step{Status: ldap.StepFailed, Detail: detail + ", but " + strings.Join(notes, "; "),
			Hint: "the user must change the password first; until then the directory allows nothing else"}
	case len(notes) > 0:
		return ldap.Step{Status: ldap.StepWarning, Detail: detail + "; the password policy says: " + strings.Join(notes, "; "),
			Hint: "the user should set a new password soon"}
	}
	return ldap.Step{Status: ldap.StepOK, Detail: detail}
}

// syncOnly checks the entry against groups.sync_only with the sync
// engine's own reader, restricted to this username.
func (r *loginRun) syncOnly() ldap.Step {
	cfg := newSyncConfig(r.s)
	if len(cfg.syncOnly) == 0 {
		return ldap.Step{Status: ldap.StepOK, Detail: "groups.sync_only is empty: every user in scope is synchronized"}
	}
	filter, err := loginScope(cfg.scope).UserFilter(r.username)
	if err != nil {
		return ldap.Step{Status: ldap.StepFailed, Detail: err.Error()}
	}
	cfg.scope.UserFilter = filter
	snap, err := readDirectory(r.ctx, r.conn, cfg, nil)
	if err != nil {
		d := ldap.Explain(err)
		return ldap.Step{Status: ldap.StepFailed, Detail: "cannot read the groups: " + d.Problem, Hint: d.Hint, Setting: "groups.sync_only"}
	}
	names := strings.Join(cfg.syncOnly, ", ")
	for _, u := range snap.Users {
		if ldap.DNEqual(u.DN, r.entry.DN) {
			return ldap.Step{Status: ldap.StepOK, Detail: "a member (directly or through nested groups) of " + names}
		}
	}
	for _, sk := range snap.Skipped {
		if sk.Kind == store.KindUser && ldap.DNEqual(sk.DN, r.entry.DN) {
			step := ldap.Step{Status: ldap.StepFailed, Detail: "a sync leaves this user out: " + sk.Detail}
			if sk.Reason == SkipOutsideScope {
				step.Hint, step.Setting = "add the user to one of "+names+" (or a group nested in one), or name one of the user's groups in groups.sync_only", "groups.sync_only"
			}
			return step
		}
	}
	return ldap.Step{Status: ldap.StepFailed, Detail: "not a member of " + names + ": a sync does not read this user", Setting: "groups.sync_only"}
}

// store finds the store user linked to the entry, by any of its stable
// ids, and checks that it may log in.
func (r *loginRun) store(db *store.DB) ldap.Step {
	if db == nil {
		opened, closeDB, err := OpenStore(r.ctx, r.s, true)
		if err != nil {
			return ldap.Step{Status: ldap.StepFailed, Detail: "cannot open the store read-only: " + err.Error(), Setting: "store.path"}
		}
		defer closeDB()
		db = opened
	}
	var link *store.Link
	for _, id := range r.entry.IDs {
		l, err := db.LinkByStableID(r.ctx, store.KindUser, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return ldap.Step{Status: ldap.StepFailed, Detail: "cannot read the store: " + err.Error(), Setting: "store.path"}
		}
		link = l
		break
	}
	if link == nil {
		detail := "no store user is linked to " + r.entry.DN + " yet"
		if u, err := db.GetUserByName(r.ctx, r.username); err == nil && u != nil {
			detail += fmt.Sprintf("; the store has a user %q (id %d) not linked to it", u.Username, u.ID)
		}
		return ldap.Step{Status: ldap.StepFailed, Detail: detail + ": the application does not know this user until a sync links or creates one",
			Hint: "run a sync (ldapwiz preview shows what it does with this user)"}
	}
	u, err := db.GetUser(r.ctx, link.LocalID)
	if err != nil {
		return ldap.Step{Status: ldap.StepFailed, Detail: fmt.Sprintf("the link points to store user id %d, which cannot be read: %v", link.LocalID, err)}
	}
	r.res.StoreUser = &LoginStoreUser{ID: u.ID, Username: u.Username, Disabled: u.Disabled, EnrollmentPending: u.EnrollmentPending, Deleted: u.Deleted()}
	who := fmt.Sprintf("store user %q (id %d)", u.Username, u.ID)
	switch {
	case u.Deleted():
		return ldap.Step{Status: ldap.StepFailed, Detail: who + " is deleted in the store (the next sync carries the deletion over)"}
	case u.Disabled:
		return ldap.Step{Status: ldap.StepFailed, Detail: who + " is disabled: the application refuses the login",
			Hint: "enable it with ldapwiz users enable " + u.Username + " (or in the directory, and sync)"}
	case u.EnrollmentPending:
		return ldap.Step{Status: ldap.StepFailed, Detail: who + " must enroll first (enrollment pending): the application sends them through enrollment instead of logging them in",
			Hint: "the user redeems the invitation; ldapwiz enroll retrigger --user " + u.Username + " sends a new one"}
	}
	return ldap.Step{Status: ldap.StepOK, Detail: who + " is enabled and not pending enrollment"}
}
