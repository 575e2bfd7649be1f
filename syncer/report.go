package syncer

import (
	"fmt"
	"io"
	"ldapwiz/config"
	"ldapwiz/enroll"
	"time"
)

// Report is the result of a sync run: its outcome, the plan with every
// action marked applied or failed, and the counts. It is what
// "ldapwiz sync --report FILE" saves as JSON.
type Report struct {
	RunID      int64     `json:"run_id,omitempty"` // the store's sync_runs id; 0 for dry runs
	Mode       string    `json:"mode"`
	Authority  string    `json:"authority"`
	DryRun     bool      `json:"dry_run"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	Outcome    string    `json:"outcome"` // store.OutcomeSuccess, OutcomeFailed, OutcomeRefused, OutcomeCancelled
	Error      string    `json:"error,omitempty"`
	Applied    int       `json:"applied"` // visible changes applied
	Failed     int       `json:"failed"`  // changes the server or store refused
	Plan       *Plan     `json:"plan,omitempty"`
	// Invites: enrollment invitations made after the run (enrollment.enabled).
	Invites *enroll.InviteReport `json:"invites,omitempty"`
	// Phases times each phase the run went through, in order.
	Phases []PhaseTiming `json:"phases,omitempty"`
}

// end stamps the outcome and returns the report.
func (r *Report) end(outcome string, err error) *Report {
	r.Outcome, r.FinishedAt = outcome, time.Now().UTC()
	if err != nil {
		r.Error = err.Error()
	}
	return r
}

// Duration is how long the run took.
func (r *Report) Duration() time.Duration { return r.FinishedAt.Sub(r.StartedAt) }

// WriteJSON writes the report as indented JSON (json.Encoder's text with a
// two-space indent), streaming the plan's actions one at a time.
func (r *Report) WriteJSON(w io.Writer) error { return EncodeJSONIndented(w, r, r.Plan) }

// SaveJSON writes the report to path as a new private file (mode 0600: it
// names users), atomically, never through a symbolic link
// (config.WritePrivate).
func (r *Report) SaveJSON(path string) error {
	if err := config.WritePrivateFrom(path, r.WriteJSON); err != nil {
		return fmt.Errorf("save the report: %w", err)
	}
	return nil
}
