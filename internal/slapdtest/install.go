// Package slapdtest starts a private OpenLDAP slapd on 127.0.0.1 for tests:
// it installs slapd and ldap-utils with apt-get when they are missing, builds
// a cn=config with TLS, loads a realistic fixture and stops the server (by
// PID) when the test ends. A server that cannot be installed or started fails
// the test loudly; it never skips.
package slapdtest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// Paths of the OpenLDAP programs the harness and tests use.
const (
	SlapdPath      = "/usr/sbin/slapd"
	SlapaddPath    = "/usr/sbin/slapadd"
	LdapsearchPath = "/usr/bin/ldapsearch"
)

const aptLockFile = "/tmp/ldapwiz-apt.lock"

// EnsureInstalled installs slapd and ldap-utils through apt-get when they are
// missing, holding a cross-process lock so parallel test binaries do not run
// apt-get at the same time. It fails the test with what to install when that
// is impossible.
func EnsureInstalled(t testing.TB) {
	t.Helper()
	if err := ensureInstalled(); err != nil {
		t.Fatalf("slapdtest: %v", err)
	}
}

func installed() bool {
	for _, p := range []string{SlapdPath, SlapaddPath, LdapsearchPath, "/usr/bin/ldapadd", "/usr/bin/ldapmodify", "/usr/bin/ldappasswd"} {
		if _, err := os.Stat(p); err != nil {
			return false
		}
	}
	return true
}

func ensureInstalled() error {
	if installed() {
		return nil
	}
	lock, err := os.OpenFile(aptLockFile, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("cannot open %s: %v", aptLockFile, err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("cannot lock %s: %v", aptLockFile, err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if installed() { // another process installed it while we waited
		return nil
	}
	return AptInstall("slapd", "ldap-utils")
}

// AptInstall installs Debian packages without prompts and without starting
// system services (a temporary policy-rc.d denies it). It runs apt-get update
// and retries once when the first attempt fails. The caller should hold a
// lock against concurrent apt-get runs.
func AptInstall(pkgs ...string) error {
	const policy = "/usr/sbin/policy-rc.d"
	if _, err := os.Stat(policy); os.IsNotExist(err) {
		if err := os.WriteFile(policy, []byte("#!/bin/sh\nexit 101\n"), 0o755); err == nil {
			defer os.Remove(policy)
		}
	}
	if err := runShell(`echo "slapd slapd/no_configuration boolean true" | debconf-set-selections`); err != nil {
		return fmt.Errorf("debconf-set-selections failed: %v (install by hand: apt-get install slapd ldap-utils)", err)
	}
	install := "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends " + strings.Join(pkgs, " ")
	if err := runShell(install); err != nil {
		if err2 := runShell("apt-get update && " + install); err2 != nil {
			return fmt.Errorf("could not install %s with apt-get (%v); install them by hand: apt-get update && apt-get install %s",
				strings.Join(pkgs, " "), err2, strings.Join(pkgs, " "))
		}
	}
	return nil
}

func runShell(script string) error {
	cmd := exec.Command("sh", "-c", script)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	out, err := cmd.CombinedOutput()
	if err != nil {
		tail := string(out)
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return fmt.Errorf("%v: %s", err, tail)
	}
	return nil
}
