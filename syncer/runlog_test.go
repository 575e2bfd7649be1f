package syncer

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/store"
	"ldapwiz/wizard"
)

// TestRunLogLines runs a two-way sync against slapd whose bind account may
// only read, so that writing a store user to the directory fails, with a
// JSON logger: every line parses as JSON, there is a line for the start,
// each phase, the failed change (with its LDAP result code, 50) and the
// end, the report times the same phases, and no line holds the bind
// password.
func TestRunLogLines(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{})
	e.sync(wizard.ModeTwoWay, wizard.AuthorityLDAP)
	if _, err := e.db.CreateUser(e.ctx, store.NewUser{Username: "logged", Email: "logged@example.com", LastName: "Logger"}); err != nil {
		t.Fatal(err)
	}
	e.s.Connection.BindDN, e.s.Connection.BindPassword = slapdtest.ReaderDN, slapdtest.ReaderPassword

	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	rep, err := e.trySync(wizard.ModeTwoWay, wizard.AuthorityLDAP, Options{Logger: log})
	if err == nil || rep.Failed == 0 {
		t.Fatalf("a write with a read-only account: err %v, %d failed", err, rep.Failed)
	}

	var msgs []string
	var failed, finished map[string]any
	phases := 0
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("a log line is not JSON: %q: %v", line, err)
		}
		msg, _ := m["msg"].(string)
		msgs = append(msgs, msg)
		switch msg {
		case "sync change failed":
			failed = m
		case "sync run finished":
			finished = m
		case "sync phase finished":
			phases++
		}
	}
	if strings.Contains(buf.String(), slapdtest.ReaderPassword) || strings.Contains(buf.String(), slapdtest.AdminPassword) {
		t.Errorf("the log holds a password:\n%s", buf.String())
	}
	if len(msgs) == 0 || msgs[0] != "sync run started" || finished == nil {
		t.Fatalf("want a start and an end line, got %q", msgs)
	}
	if failed == nil || failed["name"] != "logged" || failed["result_code"] != float64(50) || failed["level"] != "WARN" {
		t.Errorf("failed-change line: %v", failed)
	}
	if finished["outcome"] != store.OutcomeFailed || finished["level"] != "ERROR" || finished["failed"] != float64(rep.Failed) {
		t.Errorf("end line: %v", finished)
	}
	want := []Phase{PhaseConnect, PhaseReadDirectory, PhaseReadStore, PhasePlan, PhaseApply}
	if len(rep.Phases) != len(want) || phases != len(want) {
		t.Fatalf("report phases %v and %d phase lines, want %v", rep.Phases, phases, want)
	}
	for i, p := range rep.Phases {
		if p.Phase != want[i] || p.Duration <= 0 {
			t.Errorf("phase %d: %+v, want %s with a duration", i, p, want[i])
		}
	}
}
