package cli

import (
	"context"
	"os"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// ldapwiz preview shows what groups.filter, groups.flatten_nested and
// sync.missing_users = "disable" with a grace period do: the filtered-out
// group is not listed, staff is created with the members of its nested
// groups, and a user gone from the directory is disabled with the date of
// its deletion, never deleted by that run.
func TestPreviewShowsScopeOptions(t *testing.T) {
	s := slapdtest.Start(t)
	vars := map[string]string{"LDAPWIZ_TEST_PW": s.AdminPassword}
	cfg := syncConfigFile(t, s, wizard.ModeImport, slapdtest.PeopleDN)
	body, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(body), "[sync]\n", "filter = \"(!(cn=archive-all))\"\nflatten_nested = true\n\n[sync]\nmissing_users = \"disable\"\nmissing_grace = \"72h\"\n", 1)
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := runCLI(t, vars, "validate", "-c", cfg); code != 0 {
		t.Fatalf("validate exit %d:\n%s\n%s", code, out, errs)
	}

	code, out, errs := runCLI(t, vars, "preview", "-c", cfg)
	if code != 0 {
		t.Fatalf("preview exit %d: %s", code, errs)
	}
	if strings.Contains(out, "archive-all") || !strings.Contains(out, "members of its nested groups") {
		t.Errorf("first preview:\n%.4000s", out)
	}
	if code, out, errs := runCLI(t, vars, "sync", "-c", cfg); code != 0 {
		t.Fatalf("sync exit %d:\n%s\n%s", code, out, errs)
	}

	ctx := context.Background()
	conn, err := ldap.Dial(ctx, ldap.Config{URL: s.URL, BindDN: s.AdminDN, BindPassword: s.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Delete(ctx, slapdtest.User1OU1DN); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCLI(t, vars, "preview", "-c", cfg)
	if code != 0 {
		t.Fatalf("preview exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "user1") || !strings.Contains(out, "disabled now") || !strings.Contains(out, "sync.missing_grace 72h") {
		t.Errorf("preview after user1's entry was deleted:\n%.3000s", out)
	}
	t.Logf("\n%s", out)
}
