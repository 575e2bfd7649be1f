// Package ds389test runs a private 389 Directory Server for tests: it
// installs 389-ds-base with apt-get when it is missing, creates an instance
// without systemd under a private prefix (once per 389 DS version, cached
// under the system temp dir), gives it its own CA-signed certificate with
// SANs, turns on the MemberOf and Referential Integrity plug-ins, and loads
// a fixture by offline import (once per data set, cached too). Each Start
// copies the cached instance into a directory of its own and runs ns-slapd
// on free ports of 127.0.0.1 only, so every test sees a clean directory and
// tests in several processes can run at once. The server is stopped by PID
// when the test ends.
//
// Every failure to install, create or start fails the test with the tail of
// the command's output or of the server's error log; nothing is ever skipped.
package ds389test
