package syncer

import (
	"fmt"
	"time"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// missingMark is what a store action records about a user whose entry is
// gone under sync.missing_users = "disable": marking it missing (since,
// disabling it when disable), or clearing the mark when it is back
// (enabling it again when enable).
type missingMark struct {
	clear   bool
	since   time.Time
	disable bool // mark: the sync disables the user (it was enabled)
	enable  bool // clear: the sync enables the user it had disabled
}

// missingReason is the reason of every deletion of a user gone from the
// directory.
const missingReason = "no longer in the directory (deleted, moved out of users.search_base, or no longer matching the filter or sync_only)"

// planGoneMissing plans a linked user whose entry just left the directory,
// under sync.missing_users = "disable": the user is disabled in the store
// (kept disabled when an administrator had disabled it) and marked missing
// since now; with sync.missing_grace, a later run deletes it once that
// long has passed.
func (pl *planner) planGoneMissing(p *userPair) {
	u, cfg := p.st, pl.cfg
	now := cfg.clock()
	later := "kept disabled until it comes back (sync.missing_grace is not set)"
	if cfg.missingGrace > 0 {
		later = fmt.Sprintf("deleted from the store after sync.missing_grace %s, at the first sync from %s, unless it comes back",
			graceText(cfg.missingGrace), now.Add(cfg.missingGrace).Format("2006-01-02 15:04 MST"))
	}
	reason := missingReason + "; sync.missing_users = \"disable\": disabled now, " + later
	if u.Disabled {
		reason = missingReason + "; sync.missing_users = \"disable\": already disabled, " + later
	}
	pl.add(bucketUserChange, Action{Side: SideStore, Op: OpDisable, Kind: store.KindUser, Name: u.Username, DN: p.link.DN,
		Reason: reason, apply: &applyData{user: p, more: &applyMore{missing: &missingMark{since: now, disable: !u.Disabled}}}})
}

// planStillMissing plans a user marked missing by an earlier run whose
// entry is still gone: deleted once sync.missing_grace has passed (or when
// sync.missing_users is "delete" now), left alone otherwise. Its deletion
// counts against sync.max_delete like any other.
func (pl *planner) planStillMissing(p *userPair) {
	u, cfg := p.st, pl.cfg
	since := u.MissingSince.UTC().Format("2006-01-02 15:04 MST")
	var reason string
	switch {
	case cfg.missingUsers != wizard.MissingDisable:
		reason = missingReason + "; missing since " + since + ", and sync.missing_users is \"delete\""
	case cfg.missingGrace > 0 && !cfg.clock().Before(u.MissingSince.Add(cfg.missingGrace)):
		reason = missingReason + "; missing since " + since + ", longer than sync.missing_grace " + graceText(cfg.missingGrace)
	default:
		return // disabled, waiting for the grace period or for the entry to come back
	}
	pl.add(bucketUserDelete, Action{Side: SideStore, Op: OpDelete, Kind: store.KindUser, Name: u.Username, DN: p.link.DN,
		Reason: reason, apply: &applyData{user: p}})
}

// planReturned plans a user marked missing whose entry is back: the mark
// is cleared and, when the sync had disabled the user, it is enabled again
// (unless the directory itself has the account disabled); the user keeps
// its store state. p.st is replaced by the user as it will be, so the
// merge that follows compares the user as it was before it went missing.
func (pl *planner) planReturned(p *userPair) {
	u := p.st
	if u.MissingSince.IsZero() {
		return
	}
	dirDisabled := false
	for _, f := range pl.cfg.fields {
		if f == FieldDisabled {
			dirDisabled = p.dir.value(FieldDisabled) == "true"
		}
	}
	enable := u.MissingDisabled && u.Disabled && !dirDisabled
	a := Action{Side: SideStore, Op: OpLink, Kind: store.KindUser, Name: u.Username, DN: p.dir.DN,
		Reason: "back in the directory: no longer missing", Hidden: true,
		apply: &applyData{user: p, baseSet: store.Values{}, more: &applyMore{missing: &missingMark{clear: true, enable: enable}}}}
	if enable {
		a.Op, a.Hidden = OpEnable, false
		a.Reason = "back in the directory: enabled again (disabled by sync.missing_users = \"disable\" when it went missing on " +
			u.MissingSince.UTC().Format("2006-01-02 15:04 MST") + ")"
	}
	pl.add(bucketUserChange, a)
	tmp := *u
	tmp.MissingSince, tmp.MissingDisabled = time.Time{}, false
	if enable {
		tmp.Disabled = false
	}
	p.st = &tmp
}

// graceText words a grace period the way it is usually written: "72h",
// "90m", "1h30m".
func graceText(d time.Duration) string {
	s := d.String()
	for _, suffix := range []string{"m0s", "h0m"} {
		if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
			s = s[:len(s)-len(suffix)+1]
		}
	}
	return s
}
