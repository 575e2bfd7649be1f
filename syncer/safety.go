package syncer

import (
	"fmt"
	"ldapwiz/wizard"
	"strings"
)

// GuardError is a run refused by a safety guard before any change. The
// message names the numbers and how to proceed.
type GuardError struct {
	Guard  string // "empty-result" or "max_delete"
	Reason string // what the run would do, e.g. "the plan deletes 40 users, more than …"
	Advice string // how to go on
}

// Error returns the guard's message: what it refused and the numbers.
func (e *GuardError) Error() string {
	return "refused: " + e.Reason + ". Nothing was changed. " + e.Advice
}

// Preview words the refusal for a preview, where nothing was about to
// change: "A sync with these settings would be refused: <reason>. <advice>".
func (e *GuardError) Preview() string {
	return "A sync with these settings would be refused: " + e.Reason + ". " + e.Advice
}

// CheckGuards applies the safety guards to a plan: the empty-result guard
// (the directory returned no users although store users are linked to
// entries) and sync.max_delete. It returns a *GuardError, or nil when the
// plan may run (always nil with force).
func CheckGuards(s wizard.Settings, plan *Plan, force bool) error {
	return checkGuards(s, newSyncConfig(s), plan, force)
}

// maxDeleteAdvice is how to go on after the max_delete guard refused.
const maxDeleteAdvice = "Check the plan with ldapwiz preview; if the deletions are intended, raise sync.max_delete or run with --force"

// checkGuards is CheckGuards on a run's derived configuration.
func checkGuards(s wizard.Settings, cfg syncConfig, plan *Plan, force bool) error {
	if force {
		return nil
	}
	if plan.DirectoryUsers == 0 && plan.LinkedUsers > 0 {
		where := fmt.Sprintf("users.search_base %s, object class %s", wizard.Echo(cfg.userBase), wizard.Echo(cfg.userClass))
		if cfg.userFilter != "" {
			where += ", filter " + wizard.Echo(cfg.userFilter)
		}
		if len(cfg.syncOnly) > 0 {
			where += ", groups.sync_only " + strings.Join(cfg.syncOnly, ", ")
		}
		return &GuardError{Guard: "empty-result", Reason: fmt.Sprintf(
			"the directory returned 0 users (%s), but %d store users are linked to directory entries; "+
				"a mistyped search base or filter looks exactly like this and would delete them all",
			where, plan.LinkedUsers),
			Advice: "Check the users settings (ldapwiz preview shows what is read), or run with --force if the directory really is empty"}
	}
	users, groups := plan.Deletes()
	if limit := s.MaxDeleteLimit(plan.LinkedUsers); users > limit {
		return &GuardError{Guard: "max_delete", Reason: fmt.Sprintf(
			"the plan deletes %d users, more than sync.max_delete %q allows (%d of %d linked users)",
			users, strings.TrimSpace(s.Sync.MaxDelete), limit, plan.LinkedUsers), Advice: maxDeleteAdvice}
	}
	if limit := s.MaxDeleteLimit(plan.LinkedGroups); groups > limit {
		return &GuardError{Guard: "max_delete", Reason: fmt.Sprintf(
			"the plan deletes %d groups, more than sync.max_delete %q allows (%d of %d linked groups)",
			groups, strings.TrimSpace(s.Sync.MaxDelete), limit, plan.LinkedGroups), Advice: maxDeleteAdvice}
	}
	return nil
}
