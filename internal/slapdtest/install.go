// Package slapdtest starts a private OpenLDAP slapd on 127.0.0.1 for tests:
// it installs slapd and ldap-utils with apt-get when they are missing, builds
// a cn=config with TLS, loads a realistic fixture and stops the server (by
// PID) when the test ends. A server that cannot be installed or started fails
// the test loudly; it never skips.
package slapdtest

import (
	"os"
	"testing"

	"ldapwiz/internal/harness"
)

// Paths of the OpenLDAP programs the harness and tests use.
const (
	SlapdPath      = "/usr/sbin/slapd"
	SlapaddPath    = "/usr/sbin/slapadd"
	LdapsearchPath = "/usr/bin/ldapsearch"
)

// EnsureInstalled installs slapd and ldap-utils through apt-get when they are
// missing, holding a cross-process lock so parallel test binaries do not run
// apt-get at the same time. The package's own configuration is skipped
// (slapd/no_configuration): the harness writes its own cn=config. It fails
// the test with what to install when that is impossible.
func EnsureInstalled(t testing.TB) {
	t.Helper()
	harness.Apt{
		Who:      "slapdtest",
		Packages: []string{"slapd", "ldap-utils"},
		Missing:  missingPrograms,
		Preseed:  "slapd slapd/no_configuration boolean true\n",
	}.Ensure(t)
}

// missingPrograms returns the OpenLDAP programs that are not installed.
func missingPrograms() []string {
	var missing []string
	for _, p := range []string{SlapdPath, SlapaddPath, LdapsearchPath, "/usr/bin/ldapadd", "/usr/bin/ldapmodify", "/usr/bin/ldappasswd"} {
		if _, err := os.Stat(p); err != nil {
			missing = append(missing, p)
		}
	}
	return missing
}
