package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"ldapwiz/internal/harness"
	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
)

// "ldapwiz test" with connection.url listing a refusing port and slapd:
// after the staged steps, "Each listed server:" heads one line per server,
// the refusing one a warning saying a sync passes over it, slapd's ok; the
// exit code is 0. --json carries the same in "servers", with each
// server's checks.
func TestTestCommandShowsEachServer(t *testing.T) {
	s := slapdtest.Start(t)
	dead := "ldap://" + harness.RefusingAddr(t)
	cfg := testConnConfig(t, s, dead+" "+s.LDAPSURL, "")
	vars := map[string]string{"LDAPWIZ_TEST_PW": slapdtest.ReaderPassword}
	code, out, errs := runTestConnCLI(t, vars, "-c", cfg)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	_, after, ok := strings.Cut(out, "Each listed server:\n")
	if !ok {
		t.Fatalf("no heading of the servers:\n%s", out)
	}
	lines := strings.Split(after, "\n")
	if !strings.HasPrefix(lines[0], "[warn] Server 1 of 2, "+dead+": does not answer") || !strings.Contains(lines[0], "a sync passes over it") {
		t.Errorf("the refusing server's line: %q", lines[0])
	}
	found := false
	for _, l := range lines {
		if strings.HasPrefix(l, "[ok]   Server 2 of 2, "+s.LDAPSURL+": answered; tested in full above") {
			found = true
		}
	}
	if !found {
		t.Errorf("no ok line for slapd:\n%s", after)
	}

	code, out, errs = runTestConnCLI(t, vars, "-c", cfg, "--json")
	var res ldap.TestResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 {
		t.Fatalf("exit %d, %v\n%s\n%s", code, err, out, errs)
	}
	if len(res.Servers) != 2 || res.Servers[0].URL != dead || res.Servers[0].Status != ldap.StepWarning ||
		res.Servers[1].URL != s.LDAPSURL || !res.Servers[1].Tested || res.Servers[1].Status != ldap.StepOK || len(res.Servers[1].Checks) == 0 {
		t.Errorf("--json servers: %+v", res.Servers)
	}
	if !strings.Contains(out, `"servers"`) || !strings.Contains(out, `"checks"`) {
		t.Errorf("--json does not name servers and checks:\n%s", out)
	}
}
