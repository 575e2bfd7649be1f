package sambatest

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// packages returns the Debian packages an LDAP-only Samba AD DC needs (LAB.md):
// without samba-ad-provision the schema .ldf files are missing, without
// samba-dsdb-modules "Module [samba_secrets] not found", without
// samba-vfs-modules provision fails on acl_xattr.so. iproute2 brings up
// loopback in Samba's network namespace.
func packages() []string {
	return []string{"samba", "samba-ad-provision", "samba-dsdb-modules", "samba-vfs-modules", "ldap-utils", "iproute2"}
}

// installLockPath serialises package installs between test processes.
const installLockPath = "/tmp/ldapwiz-apt.lock"

// policyRCPath is Debian's hook that tells apt whether to start daemons.
const policyRCPath = "/usr/sbin/policy-rc.d"

// EnsureInstalled installs the Samba AD packages when any is missing, and
// fails the test with apt's output when that does not work.
func EnsureInstalled(t testing.TB) {
	t.Helper()
	if len(missingPackages(packages())) == 0 {
		return
	}
	unlock, err := lockFile(installLockPath)
	if err != nil {
		t.Fatalf("sambatest: %v", err)
	}
	defer unlock()
	missing := missingPackages(packages()) // another process may have installed them meanwhile
	if len(missing) == 0 {
		return
	}
	start := time.Now()
	if err := installPackages(missing); err != nil {
		t.Fatalf("sambatest: installing %s failed; install them by hand with\n  apt-get install --no-install-recommends %s\n%v",
			strings.Join(missing, " "), strings.Join(missing, " "), err)
	}
	t.Logf("sambatest: installed %s in %s", strings.Join(missing, " "), time.Since(start).Round(time.Millisecond))
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
	cmd := exec.Command("apt-get", args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return &cmdError{cmd: "apt-get " + strings.Join(args, " "), err: err, out: out}
	}
	return nil
}
