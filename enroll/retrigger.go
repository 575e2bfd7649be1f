package enroll

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"ldapwiz/store"
)

// errNoUsers: a retrigger selection matched nobody.
var errNoUsers = errors.New("no user matches")

// RetriggerSelection picks the users "ldapwiz enroll retrigger" works on:
// exactly one of its fields is set.
type RetriggerSelection struct {
	Username string // one user, by name (ignoring case)
	Email    string // every live user with this e-mail address (ignoring case)
	// AllLDAP: every live, enabled user created from the directory
	// (from_ldap); disabled users are left out.
	AllLDAP bool
}

// RetriggerResult says what a retrigger changed (or, in a dry run, would).
type RetriggerResult struct {
	Users  []string // usernames changed, in name order
	DryRun bool
	// SkippedDisabled counts disabled users --all-ldap left out.
	SkippedDisabled int
	Invites         InviteReport // empty in a dry run
}

// Retrigger forces enrollment again for the selected users: each is marked
// enrollment_pending, its unused invitations are deleted (their tokens stop
// working) and a new one is made; with enrollment.auto_invite it is mailed
// (or queued), otherwise queued for "ldapwiz enroll send". With dryRun
// nothing changes and the result lists who would be changed. It works
// whatever enrollment.enabled says: it is an administrator's explicit act.
func (e *Enroller) Retrigger(ctx context.Context, sel RetriggerSelection, dryRun bool) (RetriggerResult, error) {
	res := RetriggerResult{DryRun: dryRun}
	users, skipped, err := e.selectUsers(ctx, sel)
	if err != nil {
		return res, err
	}
	res.SkippedDisabled = skipped
	for _, u := range users {
		res.Users = append(res.Users, u.Username)
	}
	if dryRun {
		return res, nil
	}
	m := e.newMailer()
	defer m.close()
	for i := range users {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if err := e.invite(ctx, m, &users[i], &res.Invites); err != nil {
			return res, err
		}
	}
	return res, nil
}

// selectUsers resolves a selection to live users.
func (e *Enroller) selectUsers(ctx context.Context, sel RetriggerSelection) (users []store.User, skippedDisabled int, err error) {
	set := 0
	for _, b := range []bool{sel.Username != "", sel.Email != "", sel.AllLDAP} {
		if b {
			set++
		}
	}
	if set != 1 {
		return nil, 0, fmt.Errorf("choose the users with exactly one of --user NAME, --email ADDRESS or --all-ldap")
	}
	switch {
	case sel.Username != "":
		u, err := e.db.GetUserByName(ctx, sel.Username)
		if err != nil {
			return nil, 0, fmt.Errorf("%w: %v (ldapwiz users list shows the users)", errNoUsers, err)
		}
		if u.Deleted() {
			return nil, 0, fmt.Errorf("user %q is deleted; restore it or pick another user", u.Username)
		}
		return []store.User{*u}, 0, nil
	case sel.Email != "":
		addr := strings.TrimSpace(sel.Email)
		all, err := e.db.ListUsers(ctx, store.UserFilter{Search: addr})
		if err != nil {
			return nil, 0, err
		}
		for _, u := range all {
			if strings.EqualFold(strings.TrimSpace(u.Email), addr) {
				users = append(users, u)
			}
		}
		if len(users) == 0 {
			return nil, 0, fmt.Errorf("%w: no user has the e-mail address %q (ldapwiz users list --search shows the users)", errNoUsers, addr)
		}
		return users, 0, nil
	}
	yes := true
	all, err := e.db.ListUsers(ctx, store.UserFilter{FromLDAP: &yes})
	if err != nil {
		return nil, 0, err
	}
	for _, u := range all {
		if u.Disabled {
			skippedDisabled++
			continue
		}
		users = append(users, u)
	}
	return users, skippedDisabled, nil
}
