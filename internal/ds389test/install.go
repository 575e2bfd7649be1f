package ds389test

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// packages returns the Debian packages the harness needs: 389-ds-base
// (ns-slapd, and dscreate from python3-lib389, which creates the instance),
// libnss3-tools (pk12util, certutil: the server's certificate database),
// openssl (the PKCS#12 bundle pk12util imports) and iproute2 (loopback in
// the network namespace dscreate runs in).
func packages() []string {
	return []string{"389-ds-base", "libnss3-tools", "openssl", "iproute2"}
}

// installLockPath serialises package installs between test processes; the
// other harnesses take the same lock.
const installLockPath = "/tmp/ldapwiz-apt.lock"

// policyRCPath is Debian's hook that tells apt whether to start daemons.
const policyRCPath = "/usr/sbin/policy-rc.d"

// EnsureInstalled installs the 389 DS packages when any is missing, and
// fails the test with apt's output when that does not work.
func EnsureInstalled(t testing.TB) {
	t.Helper()
	if len(missingPackages(packages())) == 0 {
		return
	}
	unlock, err := lockFile(installLockPath)
	if err != nil {
		t.Fatalf("ds389test: %v", err)
	}
	defer unlock()
	missing := missingPackages(packages()) // another process may have installed them meanwhile
	if len(missing) == 0 {
		return
	}
	start := time.Now()
	if err := installPackages(missing); err != nil {
		t.Fatalf("ds389test: installing %s failed; install them by hand with\n  apt-get install --no-install-recommends %s\n%v",
			strings.Join(missing, " "), strings.Join(missing, " "), err)
	}
	t.Logf("ds389test: installed %s in %s", strings.Join(missing, " "), time.Since(start).Round(time.Millisecond))
}

// missingPackages returns those of pkgs that dpkg does not report as installed.
func missingPackages(pkgs []string) []string {
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

// installPackages runs apt-get install with a temporary policy-rc.d so that
// apt starts no system daemons, and retries after apt-get update when the
// package lists are stale or missing.
func installPackages(pkgs []string) error {
	if _, err := os.Stat(policyRCPath); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(policyRCPath, []byte("#!/bin/sh\nexit 101\n"), 0o755); err != nil {
			return err
		}
		defer os.Remove(policyRCPath)
	}
	install := append([]string{"-o", "DPkg::Lock::Timeout=300", "install", "-y", "--no-install-recommends"}, pkgs...)
	if err := runApt(install...); err == nil {
		return nil
	}
	if err := runApt("-o", "DPkg::Lock::Timeout=300", "update"); err != nil {
		return err
	}
	return runApt(install...)
}

// runApt runs apt-get non-interactively and returns its output tail on failure.
func runApt(args ...string) error {
	return run([]string{"DEBIAN_FRONTEND=noninteractive"}, "apt-get", args...)
}
