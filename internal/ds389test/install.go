package ds389test

import (
	"testing"

	"ldapwiz/internal/harness"
)

// packages returns the Debian packages the harness needs: 389-ds-base
// (ns-slapd, and dscreate from python3-lib389, which creates the instance),
// libnss3-tools (pk12util, certutil: the server's certificate database),
// openssl (the PKCS#12 bundle pk12util imports) and iproute2 (loopback in
// the network namespace dscreate runs in).
func packages() []string {
	return []string{"389-ds-base", "libnss3-tools", "openssl", "iproute2"}
}

// EnsureInstalled installs the 389 DS packages when any is missing, and
// fails the test with apt's output when that does not work.
func EnsureInstalled(t testing.TB) {
	t.Helper()
	harness.Apt{Who: "ds389test", Packages: packages()}.Ensure(t)
}
