package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestServiceUnitsVerify runs systemd-analyze verify on the unit files in
// assets/systemd, with ExecStart pointing at a freshly built binary (verify
// checks that it exists): no unit may draw a warning. A misspelt key is
// shown to draw one, so a silent verify means something.
func TestServiceUnitsVerify(t *testing.T) {
	ensureApt(t, "the service unit test", []string{"systemd-analyze"}, "systemd")
	bin := buildBinary(t)
	src := filepath.Join("..", "assets", "systemd")
	units, err := filepath.Glob(filepath.Join(src, "ldapwiz-*"))
	if err != nil || len(units) < 4 {
		t.Fatalf("unit files in %s: %v %v", src, units, err)
	}
	dir := t.TempDir()
	var names []string
	for _, u := range units {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(b), "/usr/local/bin/ldapwiz", bin)
		name := filepath.Base(u)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, "./"+name)
	}
	verify := func(args ...string) (string, error) {
		cmd := exec.Command("systemd-analyze", append([]string{"verify", "--man=no"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	if out, err := verify(names...); err != nil || out != "" {
		t.Fatalf("systemd-analyze verify %s: %v\n%s", strings.Join(names, " "), err, out)
	}

	bad := filepath.Join(dir, "ldapwiz-sync.service")
	b, _ := os.ReadFile(bad)
	if err := os.WriteFile(bad, []byte(strings.Replace(string(b), "WatchdogSec=", "WatchdogSecs=", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _ := verify("./ldapwiz-sync.service"); !strings.Contains(out, "Unknown key") {
		t.Errorf("a misspelt key drew no warning: %q", out)
	}
}
