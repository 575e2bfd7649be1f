package harness

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestAptInstallFailureSaysWhatToInstall runs AptInstall with an apt-get
// that always fails (a stand-in first on PATH): the error names the
// packages, the command to install them by hand and apt's own words, which
// Apt.Ensure passes to t.Fatalf (the harnesses never skip).
func TestAptInstallFailureSaysWhatToInstall(t *testing.T) {
	bin := t.TempDir()
	log := filepath.Join(bin, "calls")
	for name, script := range map[string]string{
		"apt-get":                "#!/bin/sh\necho \"$*\" >>" + log + "\necho 'E: Unable to locate package' >&2\nexit 100\n",
		"debconf-set-selections": "#!/bin/sh\ncat >>" + log + "\n",
	} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
	err := AptInstall("slapd slapd/no_configuration boolean true\n", "slapd", "ldap-utils")
	if err == nil {
		t.Fatal("AptInstall succeeded with a failing apt-get")
	}
	for _, want := range []string{"could not install slapd ldap-utils",
		"apt-get update && apt-get install --no-install-recommends slapd ldap-utils", "Unable to locate package"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	calls, _ := os.ReadFile(log)
	want := "slapd slapd/no_configuration boolean true\n" +
		"-o DPkg::Lock::Timeout=300 install -y --no-install-recommends slapd ldap-utils\n" +
		"-o DPkg::Lock::Timeout=300 update\n"
	if string(calls) != want {
		t.Errorf("calls:\n%s\nwant:\n%s", calls, want)
	}
}

func TestMissingPackagesNamesUnknownOnes(t *testing.T) {
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		t.Fatalf("dpkg-query: %v", err)
	}
	got := MissingPackages([]string{"dpkg", "ldapwiz-no-such-package"})
	if !slices.Equal(got, []string{"ldapwiz-no-such-package"}) {
		t.Fatalf("MissingPackages = %v, want only the unknown package", got)
	}
}

func TestRunHidesTheSecretAndKeepsTheTail(t *testing.T) {
	err := Run([]string{"LW_X=from-env"}, "s3cret", "sh", "-c", `seq 1 100; echo "$LW_X"; exit 3`, "s3cret")
	var ce *CmdError
	if !errors.As(err, &ce) {
		t.Fatalf("Run = %v, want a *CmdError", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "s3cret") || !strings.Contains(msg, "********") {
		t.Errorf("secret not hidden: %s", msg)
	}
	if !strings.Contains(msg, "from-env") || strings.Contains(msg, "\n60\n") || !strings.Contains(msg, "\n100\n") {
		t.Errorf("output tail wrong: %s", msg)
	}
	if Run(nil, "", "true") != nil {
		t.Error("Run true failed")
	}
}

func TestSweepRunDirsRemovesOnlyDeadOwners(t *testing.T) {
	prefix := "ldapwiz-harness-test-" + strconv.Itoa(os.Getpid()) + "-"
	mine, err := MakeRunDir(prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(mine) })
	// A process that has exited (and been reaped) owns the other one.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dead) })
	if err := os.WriteFile(filepath.Join(dead, OwnerFile), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644); err != nil {
		t.Fatal(err)
	}
	var stopped []string
	SweepRunDirs(prefix, func(d string) { stopped = append(stopped, d) })
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("own run dir swept: %v", err)
	}
	if _, err := os.Stat(dead); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dead owner's run dir still there: %v", err)
	}
	if !slices.Equal(stopped, []string{dead}) {
		t.Errorf("stop called for %v, want %v", stopped, []string{dead})
	}
}

func TestLockFileExcludes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, err := LockFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan struct{})
	go func() {
		u, err := LockFile(path)
		if err == nil {
			u()
		}
		close(got)
	}()
	select {
	case <-got:
		t.Fatal("second LockFile did not wait")
	default:
	}
	unlock()
	<-got
}

// TestFreePortIsOutsideEphemeralRange checks that FreePort hands out
// ports an outgoing connection can never hold as its local port: below
// the kernel's ephemeral range, and free to listen on.
func TestFreePortIsOutsideEphemeralRange(t *testing.T) {
	low := ephemeralLow()
	for range 50 {
		port, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if port < fixedPortMin || port >= low {
			t.Fatalf("FreePort gave %d, want %d <= port < %d", port, fixedPortMin, low)
		}
		if PortBusy(port) {
			t.Fatalf("FreePort gave %d, which is busy", port)
		}
	}
}
