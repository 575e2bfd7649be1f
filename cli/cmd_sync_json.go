package cli

import (
	"encoding/json"
	"io"
	"time"

	"ldapwiz/syncer"
)

// syncSummaryJSON is what "ldapwiz sync --json" prints: the outcome and
// counts of the run, the changes that failed, and where the full report
// (every planned change) was saved, if anywhere.
type syncSummaryJSON struct {
	Outcome       string           `json:"outcome"` // success, failed, refused, cancelled
	Error         string           `json:"error,omitempty"`
	Mode          string           `json:"mode"`
	Authority     string           `json:"authority"`
	DryRun        bool             `json:"dry_run"`
	StartedAt     time.Time        `json:"started_at"`
	FinishedAt    time.Time        `json:"finished_at"`
	DurationMS    int64            `json:"duration_ms"`
	Planned       int              `json:"planned"` // visible changes planned
	Applied       int              `json:"applied"`
	Failed        int              `json:"failed"`
	Skipped       int              `json:"skipped"`
	Conflicts     int              `json:"conflicts"`
	Changes       map[string]int   `json:"changes"` // planned changes by "side op kind", e.g. "store create user"
	FailedActions []syncer.Action  `json:"failed_actions"`
	Invites       *syncInvitesJSON `json:"invites,omitempty"`
	Report        string           `json:"report,omitempty"` // the --report file
}

// syncInvitesJSON counts the enrollment invitations made after a run.
type syncInvitesJSON struct {
	Sent   int `json:"sent"`
	Queued int `json:"queued"`
}

// printSyncJSON writes the summary of rep as indented JSON; report is the
// file the full report was saved to ("" when none).
func printSyncJSON(w io.Writer, rep *syncer.Report, report string) error {
	out := syncSummaryJSON{
		Outcome: rep.Outcome, Error: rep.Error, Mode: rep.Mode, Authority: rep.Authority, DryRun: rep.DryRun,
		StartedAt: rep.StartedAt, FinishedAt: rep.FinishedAt, DurationMS: rep.Duration().Milliseconds(),
		Applied: rep.Applied, Failed: rep.Failed, Changes: map[string]int{}, FailedActions: []syncer.Action{},
		Report: report,
	}
	if p := rep.Plan; p != nil {
		out.Planned, out.Skipped, out.Conflicts, out.Changes = p.Changes(), len(p.Skipped), len(p.Conflicts), p.Summary()
		for _, a := range p.Actions {
			if a.Failed {
				out.FailedActions = append(out.FailedActions, a)
			}
		}
	}
	if inv := rep.Invites; inv != nil {
		out.Invites = &syncInvitesJSON{Sent: inv.Sent, Queued: inv.Queued}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
