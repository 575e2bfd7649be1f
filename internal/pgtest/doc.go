// Package pgtest starts a private PostgreSQL on 127.0.0.1 for tests and
// hands each test its own role (password authenticated) and database.
//
// One server serves a whole test binary: the first NewDB starts it (initdb
// as the postgres user into a run directory, then the postgres server as a
// child process on a free port, its socket in that directory, TLS with a
// throw-away CA from internal/certgen) and every test gets a fresh role and
// database on it (CREATE DATABASE takes milliseconds; a server takes a
// second). The server is the test process's child and receives SIGINT
// (a fast shutdown) when that process exits, however it exits; a run
// directory whose owner died anyway is swept, its server stopped by PID,
// by the next start. The binaries are installed with apt-get when missing;
// the newest major version installed is used (Debian 12 has 15).
// A server that cannot be installed or started fails the test loudly; it
// never skips.
package pgtest
