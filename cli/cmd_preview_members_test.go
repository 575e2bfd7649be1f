package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// TestPreviewJSONListsMembershipsTheSyncApplies (issue 17, defect 4): a
// first import's preview --json names the members each new group gets, the
// text preview lists them and counts the memberships, and the sync that
// follows applies exactly the changes the preview listed.
func TestPreviewJSONListsMembershipsTheSyncApplies(t *testing.T) {
	s := slapdtest.Start(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)

	code, out, errs := runCLI(t, vars, "preview", "-c", cfg, "--json")
	var pj struct {
		Plan syncer.Plan `json:"plan"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &pj) != nil {
		t.Fatalf("preview --json exit %d: %s %.500s", code, errs, out)
	}
	n := pj.Plan.MembershipChanges("")
	if n == 0 {
		t.Fatalf("a first import with groups lists no membership in preview --json: %.2000s", out)
	}
	code, text, _ := runCLI(t, vars, "preview", "-c", cfg)
	if code != 0 || !strings.Contains(text, "      members (") || !strings.Contains(text, "Memberships added or removed: ") {
		t.Errorf("the text preview does not list the memberships:\n%.3000s", text)
	}

	report := filepath.Join(t.TempDir(), "report.json")
	if code, out, errs := runCLI(t, vars, "sync", "-c", cfg, "--report", report); code != 0 {
		t.Fatalf("sync exit %d:\n%s\n%s", code, out, errs)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep syncer.Report
	if err := json.Unmarshal(data, &rep); err != nil || rep.Plan == nil {
		t.Fatalf("report: %v", err)
	}
	key := func(a syncer.Action) string {
		return strings.Join([]string{a.Side, a.Op, string(a.Kind), a.Name, a.Member(), strings.Join(a.Members(), ",")}, "|")
	}
	var listed, applied []string
	for _, a := range pj.Plan.Visible() {
		listed = append(listed, key(a))
	}
	for _, a := range rep.Plan.Visible() {
		if a.Done {
			applied = append(applied, key(a))
		}
	}
	slices.Sort(listed)
	slices.Sort(applied)
	if !slices.Equal(listed, applied) {
		t.Fatalf("the sync applied %d changes; preview --json listed %d", len(applied), len(listed))
	}
	if got := rep.Plan.MembershipChanges(""); got != n {
		t.Fatalf("the sync applied %d memberships; preview --json listed %d", got, n)
	}
}
