package ldap

import (
	"context"
	"strings"
	"testing"
	"time"

	"ldapwiz/internal/slapdtest"
)

// TestRunTestWithSeveralServers: with connection.url listing a server that
// refuses connections, one that never answers and slapd, the staged test
// passes against slapd (as a sync would fail over) and its TCP step names
// the two passed over; with only dead servers it tests the last and fails,
// naming the one passed over.
func TestRunTestWithSeveralServers(t *testing.T) {
	srv := slapdtest.Start(t)
	refusing, silent := refusingURL(t), silentURL(t)
	cfg := Config{URL: refusing + " " + silent + " " + srv.LDAPSURL, VerifyTLS: true, CAFile: srv.CAFile,
		BindDN: srv.AdminDN, BindPassword: srv.AdminPassword, Timeout: time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res := RunTest(ctx, cfg, fixtureScope(), nil)
	tcp := res.Step(StepTCP)
	if res.Failed() || tcp.Status != StepOK {
		t.Fatalf("the test against a list ending in slapd failed: %+v", res.Steps)
	}
	for _, want := range []string{"testing " + srv.LDAPSURL, refusing, silent} {
		if !strings.Contains(tcp.Detail, want) {
			t.Errorf("the TCP step does not say %q: %s", want, tcp.Detail)
		}
	}
	if b := res.Step(StepBind); b.Status != StepOK {
		t.Errorf("bind: %+v", b)
	}

	// Only dead servers: the last is tested (and fails), the others named.
	cfg.URL = refusing + " " + silent
	res = RunTest(ctx, cfg, fixtureScope(), nil)
	if tcp := res.Step(StepTCP); !res.Failed() || !strings.Contains(tcp.Detail, refusing) || !strings.Contains(tcp.Detail, "testing "+silent) {
		t.Errorf("only dead servers: %+v", res.Steps)
	}
}
