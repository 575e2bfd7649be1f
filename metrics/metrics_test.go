package metrics

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ldapwiz/store"
	"ldapwiz/syncer"
)

// scrape returns what /metrics answers.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// TestObserveRun records a run with an applied, a failed directory write
// (result code 50) and a hidden action, then a refused and a locked-out
// run: each shows under its name and labels.
func TestObserveRun(t *testing.T) {
	m := New()
	start := time.Unix(1_800_000_000, 0)
	plan := &syncer.Plan{Actions: []syncer.Action{
		{Side: syncer.SideStore, Op: syncer.OpCreate, Kind: store.KindUser, Name: "ann", Done: true},
		syncer.Action{Side: syncer.SideLDAP, Op: syncer.OpUpdate, Kind: store.KindUser, Name: "bob", Failed: true}.With(syncer.ActionDetail{ResultCode: 50}),
		{Side: syncer.SideStore, Op: syncer.OpLink, Kind: store.KindUser, Name: "ann", Hidden: true, Done: true},
	}}
	m.ObserveRun(&syncer.Report{Outcome: store.OutcomeFailed, StartedAt: start, FinishedAt: start.Add(1500 * time.Millisecond), Plan: plan,
		Phases: []syncer.PhaseTiming{{Phase: syncer.PhaseReadDirectory, Duration: time.Second, Items: 10}}}, fmt.Errorf("1 of 2 changes failed"))
	m.ObserveRun(&syncer.Report{Outcome: store.OutcomeRefused, StartedAt: start, FinishedAt: start}, &syncer.GuardError{Guard: "max_delete"})
	m.ObserveRun(&syncer.Report{Outcome: store.OutcomeRefused, StartedAt: start, FinishedAt: start}, fmt.Errorf("lock: %w", store.ErrSyncRunning))
	m.WatchSessions(func() int { return 3 })

	got := scrape(t, m)
	for _, want := range []string{
		`ldapwiz_sync_runs_total{outcome="failed"} 1`,
		`ldapwiz_sync_runs_total{outcome="refused"} 2`,
		`ldapwiz_sync_changes_planned_total{kind="user",side="store"} 1`,
		`ldapwiz_sync_changes_applied_total{kind="user",side="store"} 1`,
		`ldapwiz_sync_changes_failed_total{kind="user",side="ldap"} 1`,
		`ldapwiz_directory_errors_total{code="50"} 1`,
		`ldapwiz_sync_guard_refusals_total{guard="max_delete"} 1`,
		`ldapwiz_sync_lock_waits_total 1`,
		`ldapwiz_sync_phase_duration_seconds_sum{phase="reading directory"} 1`,
		`ldapwiz_sync_last_run_success 0`,
		`ldapwiz_sync_last_run_start_timestamp_seconds 1.8e+09`,
		`ldapwiz_ssh_sessions_open 3`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(got, `ldapwiz_sync_changes_planned_total{kind="user",side="store"} 2`) {
		t.Error("a hidden (bookkeeping) action was counted")
	}
}
