package ldap

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/harness"
	"ldapwiz/internal/slapdtest"
)

// fixtureScope selects the standard fixture's users and groups.
func fixtureScope() TestScope {
	return TestScope{
		UserBase: slapdtest.PeopleDN, UserObjectClass: "inetOrgPerson", UsernameAttribute: "uid", UserMemberAttribute: "memberOf",
		GroupBase: slapdtest.GroupsDN, GroupObjectClass: "groupOfNames", GroupNameAttribute: "cn", GroupMemberAttribute: "member",
		UserAttributes: map[string]string{"users.attributes.email": "mail", "users.attributes.first_name": "givenName", "users.attributes.last_name": "sn"},
	}
}

// readerConfig reaches s at url as the fixture's read-only service account,
// trusting the test CA.
func readerConfig(s *slapdtest.Server, url string) Config {
	return Config{URL: url, VerifyTLS: true, CAFile: s.CAFile, BindDN: slapdtest.ReaderDN, BindPassword: slapdtest.ReaderPassword, Timeout: 5 * time.Second}
}

// runTest runs the staged test, checks the invariants every run must keep
// (all steps in order, each reported once, no password anywhere) and returns
// the result.
func runTest(t *testing.T, cfg Config, scope TestScope) TestResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var reported []Step
	res := RunTest(ctx, cfg, scope, func(s Step) { reported = append(reported, s) })
	if len(res.Steps) != len(stepTitles) || len(reported) != len(stepTitles) {
		t.Fatalf("got %d steps, %d reported; want %d each", len(res.Steps), len(reported), len(stepTitles))
	}
	for i, s := range res.Steps {
		if s.ID != stepTitles[i].id || reported[i] != s {
			t.Errorf("step %d is %q (reported %q), want %q", i, s.ID, reported[i].ID, stepTitles[i].id)
		}
		if (s.Status == StepFailed && (s.Hint == "" || s.Setting == "")) || (s.Status == StepWarning && s.Hint == "") {
			t.Errorf("step %s is %s without hint or setting: %+v", s.ID, s.Status, s)
		}
		if s.Hint != "" && s.Setting != "" && !strings.Contains(s.Hint, s.Setting) && !strings.Contains(s.Hint, strings.SplitN(s.Setting, ".", 2)[1]) {
			t.Errorf("step %s: hint does not name its setting %s: %q", s.ID, s.Setting, s.Hint)
		}
	}
	js, _ := json.Marshal(res)
	for _, pw := range []string{slapdtest.ReaderPassword, slapdtest.AdminPassword, slapdtest.UserPassword, "wrong-password-xyz"} {
		if strings.Contains(string(js), pw) {
			t.Errorf("the result contains a password: %s", js)
		}
	}
	t.Logf("result:\n%s", dumpSteps(res))
	return res
}

func dumpSteps(res TestResult) string {
	var b strings.Builder
	for _, s := range res.Steps {
		fmt.Fprintf(&b, "  %-12s %-8s %s | hint: %s | setting: %s\n", s.ID, s.Status, s.Detail, s.Hint, s.Setting)
	}
	return b.String()
}

// wantStatuses checks each named step's status.
func wantStatuses(t *testing.T, res TestResult, want map[string]StepStatus) {
	t.Helper()
	for id, st := range want {
		if got := res.Step(id).Status; got != st {
			t.Errorf("step %s: status %s, want %s: %+v", id, got, st, res.Step(id))
		}
	}
	if t.Failed() {
		t.Logf("result:\n%s", dumpSteps(res))
	}
}

// wantStep checks a step's status and setting, and that its detail and
// hint hold the given phrases.
func wantStep(t *testing.T, res TestResult, id string, status StepStatus, setting string, phrases ...string) {
	t.Helper()
	s := res.Step(id)
	if s.Status != status || s.Setting != setting {
		t.Errorf("step %s: %s/%s, want %s/%s", id, s.Status, s.Setting, status, setting)
	}
	text := s.Detail + " | " + s.Hint
	for _, p := range phrases {
		if !strings.Contains(text, p) {
			t.Errorf("step %s: %q lacks %q", id, text, p)
		}
	}
	if t.Failed() {
		t.Logf("result:\n%s", dumpSteps(res))
	}
}

// wantNotRunAfter checks that every step after id did not run.
func wantNotRunAfter(t *testing.T, res TestResult, id string) {
	t.Helper()
	after := false
	for _, s := range res.Steps {
		if after && s.Status != StepNotRun {
			t.Errorf("step %s ran (%s) after %s failed", s.ID, s.Status, id)
		}
		after = after || s.ID == id
	}
}

func allOK(t *testing.T, res TestResult) {
	t.Helper()
	for _, s := range res.Steps {
		if s.Status != StepOK {
			t.Errorf("step %s: %s, want ok: %s | %s", s.ID, s.Status, s.Detail, s.Hint)
		}
	}
}

func TestRunTestPassesOverLDAPSAndStartTLS(t *testing.T) {
	s := slapdtest.Start(t)
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"ldaps", readerConfig(s, s.LDAPSURL)},
		{"starttls", func() Config { c := readerConfig(s, s.URL); c.StartTLS = true; return c }()},
		{"ldaps by host name", readerConfig(s, fmt.Sprintf("ldaps://localhost:%d", s.TLSPort))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runTest(t, tc.cfg, fixtureScope())
			allOK(t, res)
			if res.RootDSE == nil || res.RootDSE.Vendor != "OpenLDAP" || !res.RootDSE.PagedResults || !res.RootDSE.PasswordModify ||
				!res.RootDSE.StartTLS || res.RootDSE.ActiveDirectory || len(res.RootDSE.NamingContexts) != 1 || res.RootDSE.NamingContexts[0] != slapdtest.BaseDN {
				t.Errorf("RootDSE: %+v", res.RootDSE)
			}
			if res.Cert == nil || !res.Cert.Verified || res.Cert.Subject != "CN=localhost" || !strings.Contains(strings.Join(res.Cert.Names(), ","), "127.0.0.1") {
				t.Errorf("certificate: %+v", res.Cert)
			}
			wantStep(t, res, StepTLS, StepOK, "", "CN=localhost", "ldapwiz test CA")
			wantStep(t, res, StepUsers, StepOK, "", "300 users match")
			wantStep(t, res, StepAccess, StepOK, "", "entryUUID")
		})
	}
}

func TestRunTestPlainLDAPWarns(t *testing.T) {
	s := slapdtest.Start(t)
	res := runTest(t, readerConfig(s, s.URL), fixtureScope())
	wantStep(t, res, StepTLS, StepWarning, "connection.start_tls", "not encrypted", "ldaps://")
	for _, st := range res.Steps[3:] {
		if st.Status != StepOK {
			t.Errorf("step %s: %s", st.ID, st.Status)
		}
	}
}

func TestRunTestWrongPassword(t *testing.T) {
	s := slapdtest.Start(t)
	cfg := readerConfig(s, s.LDAPSURL)
	cfg.BindPassword = "wrong-password-xyz"
	res := runTest(t, cfg, fixtureScope())
	wantStep(t, res, StepBind, StepFailed, "connection.bind_password_file", "invalid credentials", slapdtest.ReaderDN)
	wantNotRunAfter(t, res, StepBind)
	wantStatuses(t, res, map[string]StepStatus{StepTLS: StepOK, StepRootDSE: StepOK})
}

func TestRunTestNothingListening(t *testing.T) {
	res := runTest(t, Config{URL: "ldap://" + harness.RefusingAddr(t), VerifyTLS: true, Timeout: 3 * time.Second}, fixtureScope())
	wantStep(t, res, StepTCP, StepFailed, "connection.url", "connection refused", "389")
	wantStatuses(t, res, map[string]StepStatus{StepDNS: StepOK})
	wantNotRunAfter(t, res, StepTCP)
}

func TestRunTestUnknownHost(t *testing.T) {
	res := runTest(t, Config{URL: "ldaps://no-such-host.invalid", VerifyTLS: true, Timeout: 3 * time.Second}, fixtureScope())
	wantStep(t, res, StepDNS, StepFailed, "connection.url", "no-such-host.invalid")
	wantNotRunAfter(t, res, StepDNS)
}

func TestRunTestProtocolMixups(t *testing.T) {
	s := slapdtest.Start(t)
	t.Run("ldaps to the plain port", func(t *testing.T) {
		res := runTest(t, readerConfig(s, fmt.Sprintf("ldaps://127.0.0.1:%d", s.Port)), fixtureScope())
		wantStep(t, res, StepTLS, StepFailed, "connection.url", "plain LDAP on this port", "start_tls")
		wantNotRunAfter(t, res, StepTLS)
	})
	t.Run("ldap to the ldaps port", func(t *testing.T) {
		res := runTest(t, readerConfig(s, fmt.Sprintf("ldap://127.0.0.1:%d", s.TLSPort)), fixtureScope())
		wantStep(t, res, StepRootDSE, StepFailed, "connection.url", "expects TLS", "ldaps://")
		wantNotRunAfter(t, res, StepRootDSE)
	})
	t.Run("StartTLS to the ldaps port", func(t *testing.T) {
		cfg := readerConfig(s, fmt.Sprintf("ldap://127.0.0.1:%d", s.TLSPort))
		cfg.StartTLS = true
		res := runTest(t, cfg, fixtureScope())
		wantStep(t, res, StepTLS, StepFailed, "connection.url", "expects TLS", "ldaps://")
		wantNotRunAfter(t, res, StepTLS)
	})
	t.Run("StartTLS on an ldaps URL", func(t *testing.T) {
		cfg := readerConfig(s, s.LDAPSURL)
		cfg.StartTLS = true
		res := runTest(t, cfg, fixtureScope())
		wantStep(t, res, StepTLS, StepFailed, "connection.start_tls", "already encrypted")
		wantNotRunAfter(t, res, StepTLS)
	})
}
