package store

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

func TestRunsAndChanges(t *testing.T) { forBackends(t, testRunsAndChanges) }

func testRunsAndChanges(t *testing.T, be backend) {
	ctx := context.Background()
	db := be.open(t)
	if c, err := db.LastRunCounts(ctx); err != nil || c != nil {
		t.Fatalf("no runs yet: %v %v", c, err)
	}
	run, err := db.BeginRun(ctx, "two-way", false, "ldapwiz sync")
	if err != nil || run.Outcome != OutcomeRunning || !run.FinishedAt.IsZero() {
		t.Fatalf("BeginRun: %+v %v", run, err)
	}
	detail := json.RawMessage(`{"mail":{"old":"a@x","new":"b@x"}}`)
	for _, c := range []Change{
		{RunID: run.ID, Side: SideLDAP, Op: OpCreate, Kind: KindUser, Name: "alice", DN: "uid=alice,dc=x"},
		{RunID: run.ID, Side: SideStore, Op: OpUpdate, Kind: KindUser, Name: "bob", Detail: detail},
		{RunID: run.ID, Side: SideLDAP, Op: OpAddMember, Kind: KindGroup, Name: "staff"},
	} {
		if _, err := db.AddChange(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AddChange(ctx, Change{RunID: run.ID, Side: "elsewhere", Op: OpCreate, Kind: KindUser}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad side: %v", err)
	}
	if _, err := db.AddChange(ctx, Change{RunID: run.ID, Side: SideLDAP, Op: OpCreate, Kind: KindUser, Detail: json.RawMessage("{")}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad detail: %v", err)
	}
	if _, err := db.AddChange(ctx, Change{RunID: 999, Side: SideLDAP, Op: OpCreate, Kind: KindUser}); err == nil {
		t.Fatal("change of a missing run accepted")
	}
	changes, err := db.Changes(ctx, run.ID)
	if err != nil || len(changes) != 3 {
		t.Fatalf("Changes: %v %v", changes, err)
	}
	if changes[0].Name != "alice" || changes[1].Op != OpUpdate || string(changes[1].Detail) != string(detail) || string(changes[0].Detail) != "{}" || changes[2].At.IsZero() {
		t.Fatalf("changes read back: %+v", changes)
	}
	counts := Counts{"users_read": 300, "created": 1}
	if err := db.FinishRun(ctx, run.ID, OutcomeSuccess, counts, ""); err != nil {
		t.Fatal(err)
	}
	// A later dry run and a failed run do not count as "last run".
	dry, _ := db.BeginRun(ctx, "two-way", true, "preview")
	_ = db.FinishRun(ctx, dry.ID, OutcomeSuccess, Counts{"users_read": 1}, "")
	failed, _ := db.BeginRun(ctx, "two-way", false, "sync")
	_ = db.FinishRun(ctx, failed.ID, OutcomeFailed, Counts{"users_read": 2}, "ldap: connection refused")
	last, err := db.LastRunCounts(ctx)
	if err != nil || last["users_read"] != 300 {
		t.Fatalf("LastRunCounts: %v %v", last, err)
	}
	runs, err := db.ListRuns(ctx, 10)
	if err != nil || len(runs) != 3 || runs[0].ID != failed.ID || runs[0].Error != "ldap: connection refused" || !runs[1].DryRun || runs[2].DryRun {
		t.Fatalf("ListRuns: %+v %v", runs, err)
	}
	if err := db.FinishRun(ctx, 999, OutcomeSuccess, nil, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FinishRun of a missing run: %v", err)
	}
	mustIntegrity(t, db)
}
