package sambatest

import (
	"testing"

	"ldapwiz/internal/harness"
)

// packages returns the Debian packages an LDAP-only Samba AD DC needs (LAB.md):
// without samba-ad-provision the schema .ldf files are missing, without
// samba-dsdb-modules "Module [samba_secrets] not found", without
// samba-vfs-modules provision fails on acl_xattr.so. iproute2 brings up
// loopback in Samba's network namespace.
func packages() []string {
	return []string{"samba", "samba-ad-provision", "samba-dsdb-modules", "samba-vfs-modules", "ldap-utils", "iproute2"}
}

// EnsureInstalled installs the Samba AD packages when any is missing, and
// fails the test with apt's output when that does not work.
func EnsureInstalled(t testing.TB) {
	t.Helper()
	harness.Apt{Who: "sambatest", Packages: packages()}.Ensure(t)
}
