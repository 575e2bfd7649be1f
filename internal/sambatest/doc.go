// Package sambatest runs a private Samba 4 Active Directory domain controller
// for tests: it installs the Debian packages when they are missing, provisions
// the domain EXAMPLE.TEST (once, into a cache copied per run), gives it its own
// CA-signed certificate, and starts it inside a private network namespace so
// that several test processes can each run one at the same time. Its LDAP
// (389) and LDAPS (636) ports are forwarded to free ports on 127.0.0.1 of the
// host. The server is stopped by process group when the test ends.
//
// Every failure to install, provision or start fails the test with the tail
// of the command's output; nothing is ever skipped.
package sambatest
