package syncer

import (
	"fmt"
	"ldapwiz/wizard"
	"strings"
)

// GuardError is a run refused by a safety guard before any change. The
// message names the numbers and how to proceed.
type GuardError struct {
	Guard   string // "empty-result" or "max_delete"
	Message string
}

// Error returns the guard's message: what it refused and the numbers.
func (e *GuardError) Error() string { return e.Message }

// CheckGuards applies the safety guards to a plan: the empty-result guard
// (the directory returned no users although store users are linked to
// entries) and sync.max_delete. It returns a *GuardError, or nil when the
// plan may run (always nil with force).
func CheckGuards(s wizard.Settings, plan *Plan, force bool) error {
	return checkGuards(s, newSyncConfig(s), plan, force)
}

// checkGuards is CheckGuards on a run's derived configuration.
func checkGuards(s wizard.Settings, cfg syncConfig, plan *Plan, force bool) error {
	if force {
		return nil
	}
	if plan.DirectoryUsers == 0 && plan.LinkedUsers > 0 {
		where := fmt.Sprintf("users.search_base %q, object class %q", cfg.userBase, cfg.userClass)
		if cfg.userFilter != "" {
			where += fmt.Sprintf(", filter %s", cfg.userFilter)
		}
		if len(cfg.syncOnly) > 0 {
			where += ", groups.sync_only " + strings.Join(cfg.syncOnly, ", ")
		}
		return &GuardError{Guard: "empty-result", Message: fmt.Sprintf(
			"refused: the directory returned 0 users (%s), but %d store users are linked to directory entries; "+
				"a mistyped search base or filter looks exactly like this and would delete them all. Nothing was changed. "+
				"Check the users settings (ldapwiz preview shows what is read), or run with --force if the directory really is empty",
			where, plan.LinkedUsers)}
	}
	users, groups := plan.Deletes()
	if limit := s.MaxDeleteLimit(plan.LinkedUsers); users > limit {
		return &GuardError{Guard: "max_delete", Message: fmt.Sprintf(
			"refused: the plan deletes %d users, more than sync.max_delete %q allows (%d of %d linked users). Nothing was changed. "+
				"Check the plan with ldapwiz preview; if the deletions are intended, raise sync.max_delete or run with --force",
			users, strings.TrimSpace(s.Sync.MaxDelete), limit, plan.LinkedUsers)}
	}
	if limit := s.MaxDeleteLimit(plan.LinkedGroups); groups > limit {
		return &GuardError{Guard: "max_delete", Message: fmt.Sprintf(
			"refused: the plan deletes %d groups, more than sync.max_delete %q allows (%d of %d linked groups). Nothing was changed. "+
				"Check the plan with ldapwiz preview; if the deletions are intended, raise sync.max_delete or run with --force",
			groups, strings.TrimSpace(s.Sync.MaxDelete), limit, plan.LinkedGroups)}
	}
	return nil
}
