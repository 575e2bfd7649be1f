package harness

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// AptLockPath serialises package installs between test processes: every
// harness and the end-to-end tests take it around apt-get.
const AptLockPath = "/tmp/ldapwiz-apt.lock"

// policyRCPath is Debian's hook that tells apt whether to start daemons.
const policyRCPath = "/usr/sbin/policy-rc.d"

// aptLockTimeout is how long apt-get waits for dpkg's own lock, held by an
// apt-get outside the tests.
const aptLockTimeout = "DPkg::Lock::Timeout=300"

// Apt says which Debian packages a test needs and how to tell whether
// they are there.
type Apt struct {
	// Who needs the packages, the prefix of failure messages
	// ("slapdtest", "the end-to-end tests").
	Who string
	// Packages are the Debian packages to install.
	Packages []string
	// Missing returns what is missing (programs, files, ...), nothing when
	// all is there; then all Packages are installed. When nil, the missing
	// things are the Packages dpkg does not report installed, and only
	// those are installed.
	Missing func() []string
	// Preseed are debconf selections set before installing, one a line
	// ("slapd slapd/no_configuration boolean true").
	Preseed string
}

// Ensure installs the packages when anything is missing, holding
// AptLockPath so that parallel test processes never run apt-get at the same
// time, and checks again afterwards. It fails the test (never skips) with
// apt's output and the command to run by hand when that does not work.
func (a Apt) Ensure(t testing.TB) {
	t.Helper()
	if len(a.missing()) == 0 {
		return
	}
	unlock, err := LockFile(AptLockPath)
	if err != nil {
		t.Fatalf("%s: %v", a.Who, err)
	}
	defer unlock()
	missing := a.missing()
	if len(missing) == 0 {
		return // another process installed them while we waited
	}
	pkgs := a.Packages
	if a.Missing == nil {
		pkgs = missing
	}
	start := time.Now()
	if err := AptInstall(a.Preseed, pkgs...); err != nil {
		t.Fatalf("%s: %v", a.Who, err)
	}
	if still := a.missing(); len(still) > 0 {
		t.Fatalf("%s: apt-get installed %s but %s is still missing", a.Who, strings.Join(pkgs, " "), strings.Join(still, " "))
	}
	t.Logf("%s: installed %s in %s", a.Who, strings.Join(pkgs, " "), time.Since(start).Round(time.Millisecond))
}

func (a Apt) missing() []string {
	if a.Missing != nil {
		return a.Missing()
	}
	return MissingPackages(a.Packages)
}

// MissingPackages returns those of pkgs that dpkg does not report as
// installed.
func MissingPackages(pkgs []string) []string {
	// dpkg-query exits non-zero when it knows a package not at all, but
	// still prints the others: the output is what counts.
	out, _ := exec.Command("dpkg-query", append([]string{"-W", "-f=${Package} ${Status}\n"}, pkgs...)...).Output()
	installed := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if name, status, ok := strings.Cut(line, " "); ok && status == "install ok installed" {
			installed[strings.Split(name, ":")[0]] = true
		}
	}
	var missing []string
	for _, p := range pkgs {
		if !installed[p] {
			missing = append(missing, p)
		}
	}
	return missing
}

// AptInstall installs Debian packages without prompts and without starting
// system daemons (a temporary policy-rc.d denies it), after setting the
// debconf selections in preseed. It waits for dpkg's lock, and runs apt-get
// update and tries again when the first attempt fails (stale or missing
// package lists). The error names the command to run by hand. The caller
// should hold AptLockPath (Apt.Ensure does).
func AptInstall(preseed string, pkgs ...string) error {
	if err := aptInstall(preseed, pkgs); err != nil {
		return fmt.Errorf("could not install %s with apt-get; install them by hand with\n  apt-get update && apt-get install --no-install-recommends %s\n%w",
			strings.Join(pkgs, " "), strings.Join(pkgs, " "), err)
	}
	return nil
}

func aptInstall(preseed string, pkgs []string) error {
	if _, err := os.Stat(policyRCPath); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(policyRCPath, []byte("#!/bin/sh\nexit 101\n"), 0o755); err != nil {
			return fmt.Errorf("writing %s, which keeps apt from starting daemons: %w", policyRCPath, err)
		}
		defer os.Remove(policyRCPath)
	}
	if preseed != "" {
		cmd := exec.Command("debconf-set-selections")
		cmd.Stdin = strings.NewReader(preseed)
		if err := runCmd(cmd, ""); err != nil {
			return err
		}
	}
	install := append([]string{"-o", aptLockTimeout, "install", "-y", "--no-install-recommends"}, pkgs...)
	if err := runAptGet(install...); err == nil {
		return nil
	}
	if err := runAptGet("-o", aptLockTimeout, "update"); err != nil {
		return err
	}
	return runAptGet(install...)
}

// runAptGet runs apt-get non-interactively.
func runAptGet(args ...string) error {
	return Run([]string{"DEBIAN_FRONTEND=noninteractive"}, "", "apt-get", args...)
}
