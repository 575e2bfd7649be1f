package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unsafe"
)

// Run outcomes.
const (
	OutcomeRunning     = "running"     // not finished (or the process died: see OutcomeInterrupted)
	OutcomeSuccess     = "success"     // finished, every change applied
	OutcomeFailed      = "failed"      // stopped by an error; Run.Error says which
	OutcomeCancelled   = "cancelled"   // stopped by the user
	OutcomeRefused     = "refused"     // a safety guard stopped it before any change
	OutcomeInterrupted = "interrupted" // its process died; found when the next sync took the lock
)

// Sides of a change.
const (
	SideLDAP  = "ldap"  // the change was written to the directory
	SideStore = "store" // the change was written to the store
)

// Change operations.
const (
	OpCreate       = "create"
	OpUpdate       = "update"
	OpDelete       = "delete"
	OpDisable      = "disable"
	OpEnable       = "enable"
	OpRename       = "rename"
	OpPassword     = "password"
	OpAddMember    = "add_member"
	OpRemoveMember = "remove_member"
)

// Counts are a run's tallies by name ("users_read", "created", ...), chosen
// by the sync engine.
type Counts map[string]int

// Run is one sync run (or dry run).
type Run struct {
	ID         int64
	StartedAt  time.Time
	FinishedAt time.Time // zero while running
	Mode       string
	DryRun     bool
	Owner      string
	Outcome    string
	Counts     Counts
	Error      string
}

// Change is one change a run applied: the audit log and the run report.
type Change struct {
	ID    int64
	RunID int64
	At    time.Time
	Side  string // SideLDAP or SideStore
	Op    string // OpCreate ...
	Kind  Kind
	Name  string // username or group name
	DN    string
	// Detail is free JSON chosen by the engine (old and new values, ...);
	// never put a password in it.
	Detail json.RawMessage
}

const runColumns = `id, started_at, finished_at, mode, dry_run, owner, outcome, counts, error`

func scanRun(r rowScanner) (*Run, error) {
	var run Run
	var started, finished sql.NullString
	var counts string
	if err := r.Scan(&run.ID, &started, &finished, &run.Mode, &run.DryRun, &run.Owner, &run.Outcome, &counts, &run.Error); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(counts), &run.Counts); err != nil {
		return nil, fmt.Errorf("store: run %d has unreadable counts: %w", run.ID, err)
	}
	var err error
	if run.StartedAt, err = parseTime(started); err != nil {
		return nil, err
	}
	run.FinishedAt, err = parseTime(finished)
	return &run, err
}

// BeginRun records the start of a run and returns it.
func (q Queries) BeginRun(ctx context.Context, mode string, dryRun bool, owner string) (*Run, error) {
	r, err := scanRun(q.queryRow(ctx, `INSERT INTO sync_runs (started_at, mode, dry_run, owner, outcome) VALUES (?, ?, ?, ?, ?) RETURNING `+runColumns,
		fmtTime(now()), mode, boolInt(dryRun), owner, OutcomeRunning))
	if err != nil {
		return nil, fmt.Errorf("store: record the start of the run: %w", err)
	}
	return r, nil
}

// FinishRun records the end of a run: its outcome, counts and error text
// (empty when none).
func (q Queries) FinishRun(ctx context.Context, id int64, outcome string, counts Counts, errText string) error {
	if counts == nil {
		counts = Counts{}
	}
	js, err := json.Marshal(counts)
	if err != nil {
		return fmt.Errorf("store: encode run counts: %w", err)
	}
	res, err := q.exec(ctx, `UPDATE sync_runs SET finished_at = ?, outcome = ?, counts = ?, error = ? WHERE id = ?`,
		fmtTime(now()), outcome, string(js), errText, id)
	if err != nil {
		return fmt.Errorf("store: record the end of run %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errorf(ErrNotFound, "no sync run with id %d", id)
	}
	return nil
}

// GetRun returns one run.
func (q Queries) GetRun(ctx context.Context, id int64) (*Run, error) {
	r, err := scanRun(q.queryRow(ctx, `SELECT `+runColumns+` FROM sync_runs WHERE id = ?`, id))
	return scanOne(r, err, func() error { return errorf(ErrNotFound, "no sync run with id %d", id) }, "read run %d", id)
}

// ListRuns returns the latest runs, newest first, at most limit of them.
// With Changes it reads the audit log; both are API for applications and
// operators, and ldapwiz itself does not use them.
func (q Queries) ListRuns(ctx context.Context, limit int) ([]Run, error) {
	rows, err := q.query(ctx, `SELECT `+runColumns+` FROM sync_runs ORDER BY id DESC LIMIT ?`, limit)
	return scanAll(rows, err, "list runs", scanRun)
}

// LastSuccessfulRun returns the newest run that finished with
// OutcomeSuccess and was not a dry run (ErrNotFound when none): the
// engine estimates progress totals from its counts.
func (q Queries) LastSuccessfulRun(ctx context.Context) (*Run, error) {
	r, err := scanRun(q.queryRow(ctx, `SELECT `+runColumns+` FROM sync_runs
		WHERE outcome = ? AND dry_run = 0 ORDER BY id DESC LIMIT 1`, OutcomeSuccess))
	return scanOne(r, err, func() error { return errorf(ErrNotFound, "no sync has succeeded yet") }, "read the last run")
}

// LastRunCounts returns the counts of the last successful run, or nil when
// there is none.
func (q Queries) LastRunCounts(ctx context.Context) (Counts, error) {
	r, err := q.LastSuccessfulRun(ctx)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return r.Counts, nil
}

// AddChange records one applied change and returns its id. At defaults to
// now and Detail to {}.
func (q Queries) AddChange(ctx context.Context, c Change) (int64, error) {
	detail, err := checkChange(&c, now)
	if err != nil {
		return 0, err
	}
	var id int64
	err = q.queryRow(ctx, `INSERT INTO changes (run_id, at, side, op, kind, name, dn, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.RunID, fmtTime(c.At), c.Side, c.Op, c.Kind, c.Name, c.DN, detail).Scan(&id)
	if err != nil {
		return 0, changeError(fmt.Errorf("store: record %s of %s %q in run %d: %w", c.Op, c.Kind, c.Name, c.RunID, err))
	}
	return id, nil
}

// AddChanges records applied changes in that order, as AddChange does for
// each, atomically, in multi-row statements (the ids are not returned).
// None is written unless every one is accepted (a detail that is not JSON
// is refused by the schema, as ErrInvalid).
func (q Queries) AddChanges(ctx context.Context, cs []Change) error {
	args := make([]any, 0, changeCols*min(len(cs), bulkRows))
	details := make([]string, len(cs))
	ats := make([]any, len(cs))
	t := now()
	clock := func() time.Time { return t }
	for i := range cs {
		c := cs[i]
		detail, err := checkChange(&c, clock)
		if err != nil {
			return err
		}
		details[i], ats[i] = detail, fmtTime(c.At)
	}
	return q.atomic(ctx, func(q Queries) error {
		for start := 0; start < len(cs); start += bulkRows {
			chunk := cs[start:min(start+bulkRows, len(cs))]
			args = args[:0]
			for i, c := range chunk {
				args = append(args, c.RunID, ats[start+i], c.Side, c.Op, c.Kind, c.Name, c.DN, details[start+i])
			}
			if _, err := q.bulkExec(ctx, changesInsert.text(len(chunk)), len(chunk), args); err != nil {
				return changeError(fmt.Errorf("store: record %d changes in run %d: %w", len(chunk), chunk[0].RunID, err))
			}
		}
		return nil
	})
}

// changesInsert records a chunk of changes, changeCols values each.
var changesInsert = newBulkStatement(func(rows int) string {
	return `INSERT INTO changes (run_id, at, side, op, kind, name, dn, detail) VALUES ` + valueRows(changeCols, rows)
})

// changeCols is how many values changesInsert takes per change.
const changeCols = 8

// changeError is err, from writing change rows, as ErrInvalid when the
// schema refused a detail that is not JSON.
func changeError(err error) error {
	if isJSONViolation(err, "detail") {
		return errorf(ErrInvalid, "change detail is not valid JSON: %v", err)
	}
	return err
}

// checkChange checks a change to record and fills in its defaults: At
// from clock, and the detail text ({} when empty).
func checkChange(c *Change, clock func() time.Time) (detail string, err error) {
	if c.Side != SideLDAP && c.Side != SideStore {
		return "", errorf(ErrInvalid, "change side %q: want %q or %q", c.Side, SideLDAP, SideStore)
	}
	if !c.Kind.valid() {
		return "", errorf(ErrInvalid, "change kind %q: want %q or %q", c.Kind, KindUser, KindGroup)
	}
	if c.At.IsZero() {
		c.At = clock()
	}
	if len(c.Detail) == 0 {
		return "{}", nil
	}
	// Whether the detail is JSON is the schema's rule (the column's
	// CHECK), not checked here a second time: a first import records
	// 100,000 details, and reading each twice cost 4% of its CPU. A
	// statement the check refuses is ErrInvalid (changeError).
	//
	// The text is bound to the insert and not kept past it, and the
	// caller's bytes do not change during the call: no copy.
	return unsafe.String(&c.Detail[0], len(c.Detail)), nil
}

// Changes returns the changes of a run in the order they were applied: the
// audit log, read by applications and operators (see ListRuns). ldapwiz
// itself does not use it.
func (q Queries) Changes(ctx context.Context, runID int64) ([]Change, error) {
	rows, err := q.query(ctx, `SELECT id, run_id, at, side, op, kind, name, dn, detail FROM changes WHERE run_id = ? ORDER BY id`, runID)
	return scanAll(rows, err, fmt.Sprintf("list changes of run %d", runID), scanChange)
}

func scanChange(r rowScanner) (*Change, error) {
	var c Change
	var at sql.NullString
	var detail string
	if err := r.Scan(&c.ID, &c.RunID, &at, &c.Side, &c.Op, &c.Kind, &c.Name, &c.DN, &detail); err != nil {
		return nil, err
	}
	var err error
	if c.At, err = parseTime(at); err != nil {
		return nil, err
	}
	c.Detail = json.RawMessage(detail)
	return &c, nil
}

// markInterruptedRuns closes real (not dry) runs left "running" by a
// process that died; called by whoever just took the sync lock, so none of
// them can be live. Dry runs need no lock, so they are left alone.
func (q Queries) markInterruptedRuns(ctx context.Context) error {
	_, err := q.exec(ctx, `UPDATE sync_runs SET outcome = ?, finished_at = ?,
		error = CASE WHEN error = '' THEN 'the process running this sync stopped before it finished' ELSE error END
		WHERE finished_at IS NULL AND dry_run = 0`, OutcomeInterrupted, fmtTime(now()))
	if err != nil {
		return fmt.Errorf("store: close interrupted runs: %w", err)
	}
	return nil
}
