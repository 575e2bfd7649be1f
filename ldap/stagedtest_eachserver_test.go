package ldap

import (
	"context"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
)

// serverSteps returns the per-server steps of a result, in order.
func serverSteps(res TestResult) []Step {
	var out []Step
	for _, s := range res.Steps {
		if strings.HasPrefix(s.ID, StepServerPrefix) {
			out = append(out, s)
		}
	}
	return out
}

// TestRunTestShowsEveryServer: slapd listed after a refusing port and a
// listener that never answers. The full test runs against slapd; then each
// listed server has a step and a ServerResult: the two dead ones are
// warnings naming why (a sync passes over them), slapd's is OK. The run
// stays within the timeouts it must spend (the silent server is not waited
// for twice), and every step is reported once.
func TestRunTestShowsEveryServer(t *testing.T) {
	srv := slapdtest.Start(t)
	refusing, silent := refusingURL(t), silentURL(t)
	cfg := Config{URL: refusing + " " + silent + " " + srv.LDAPSURL, VerifyTLS: true, CAFile: srv.CAFile,
		BindDN: srv.AdminDN, BindPassword: srv.AdminPassword, Timeout: time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var reported []Step
	start := time.Now()
	res := RunTest(ctx, cfg, fixtureScope(), func(s Step) { reported = append(reported, s) })
	took := time.Since(start)
	if res.Failed() {
		t.Fatalf("the test failed: %+v", res.Steps)
	}
	if took > 5*time.Second {
		t.Errorf("the test took %s with a 1s timeout", took)
	}
	if len(reported) != len(res.Steps) {
		t.Errorf("reported %d steps, result has %d", len(reported), len(res.Steps))
	}
	steps := serverSteps(res)
	if len(steps) != 3 || len(res.Servers) != 3 {
		t.Fatalf("want 3 server steps and results, got %d and %d: %+v", len(steps), len(res.Servers), res.Steps)
	}
	for i, want := range []struct {
		url    string
		status StepStatus
		tested bool
		detail string
	}{
		{refusing, StepWarning, false, "refused"},
		{silent, StepWarning, false, "passes over"},
		{srv.LDAPSURL, StepOK, true, "tested in full"},
	} {
		st, sr := steps[i], res.Servers[i]
		if sr.URL != want.url || sr.Status != want.status || sr.Tested != want.tested || st.Status != want.status {
			t.Errorf("server %d: want %s %s tested=%v, got %+v (step %+v)", i+1, want.url, want.status, want.tested, sr, st)
		}
		if !strings.Contains(st.Title, want.url) || !strings.Contains(st.Detail, want.detail) {
			t.Errorf("server %d step does not name %s and say %q: %+v", i+1, want.url, want.detail, st)
		}
		if len(sr.Checks) == 0 {
			t.Errorf("server %d has no checks", i+1)
		}
	}
}

// TestRunTestChecksTheOtherServers: two slapd servers, the second without
// the fixture's entries, users.search_base an OU only the first holds.
// The full test passes against the first;
// the second is then checked on its own connection: connected, bound, and
// its missing users.search_base is a failure (a sync that reached it first
// would stop there), so the whole test fails. Listed the other way round,
// the first is tested (and fails) and the second's check passes.
func TestRunTestChecksTheOtherServers(t *testing.T) {
	full := slapdtest.Start(t)
	empty := slapdtest.StartWith(t, slapdtest.Options{NoFixture: true})
	cfg := Config{URL: full.URL + " " + empty.URL, BindDN: full.AdminDN, BindPassword: full.AdminPassword, Timeout: 5 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	scope := fixtureScope()
	scope.UserBase = slapdtest.PlatformOU
	res := RunTest(ctx, cfg, scope, nil)
	steps := serverSteps(res)
	if len(steps) != 2 {
		t.Fatalf("want 2 server steps: %+v", res.Steps)
	}
	if steps[0].Status != StepOK || !res.Servers[0].Tested {
		t.Errorf("the tested server: %+v", res.Servers[0])
	}
	second := res.Servers[1]
	if second.Status != StepFailed || steps[1].Status != StepFailed || second.Setting != "users.search_base" ||
		!strings.Contains(second.Detail, slapdtest.PlatformOU) || second.Tested {
		t.Errorf("the second server's missing base is not a failure naming users.search_base: %+v", second)
	}
	checks := map[string]StepStatus{}
	for _, c := range second.Checks {
		checks[c.ID] = c.Status
	}
	if checks[StepTCP] != StepOK || checks[StepBind] != StepOK || checks[StepUserBase] != StepFailed {
		t.Errorf("the second server's checks: %+v", second.Checks)
	}
	if !res.Failed() {
		t.Error("a listed server without the search base does not fail the test")
	}

	cfg.URL = empty.URL + " " + full.URL
	res = RunTest(ctx, cfg, scope, nil)
	steps = serverSteps(res)
	if len(steps) != 2 || steps[0].Status != StepFailed || !res.Servers[0].Tested || steps[1].Status != StepOK ||
		!strings.Contains(steps[1].Detail, "users.search_base read") {
		t.Errorf("listed the other way round: %+v", res.Steps)
	}

	// One server: no per-server steps.
	cfg.URL = full.URL
	if res := RunTest(ctx, cfg, scope, nil); len(serverSteps(res)) != 0 || res.Servers != nil {
		t.Errorf("a single server got per-server steps: %+v", res.Steps)
	}
}

// TestRunTestCancelledServersNotRun: a test cancelled before the other
// servers are checked shows them as not run, never as answering.
func TestRunTestCancelledServersNotRun(t *testing.T) {
	srv := slapdtest.Start(t)
	cfg := Config{URL: srv.URL + " " + srv.URL + "/", BindDN: srv.AdminDN, BindPassword: srv.AdminPassword, Timeout: 5 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	res := RunTest(ctx, cfg, fixtureScope(), func(s Step) {
		if s.ID == StepAccess {
			cancel()
		}
	})
	cancel()
	steps := serverSteps(res)
	if len(steps) != 2 || steps[1].Status != StepNotRun || !strings.Contains(steps[1].Detail, "cancelled") {
		t.Errorf("the second server after a cancel: %+v", steps)
	}
}
