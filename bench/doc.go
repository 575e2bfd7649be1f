// Package bench measures the sync engine against OpenLDAP's ldapsearch on a
// generated directory: preview of a first import (as JSON and as text), the
// first import, and no-change resyncs (import mode right after the import,
// quiet on SQLite, where the import certifies its end state; one-way and
// two-way, whose other settings make them read the store; and the
// import-mode one again, quiet: the directory read only to see that it did
// not change, the store not read), each as
// a ratio of wall and CPU time to ldapsearch reading the same attributes in
// the same run, with peak resident memory, the largest live heap and the
// store's size. Everything lives in the
// package's tests; run it with
//
//	go test ./bench -run '^$' -bench Engine -benchtime 1x -timeout 3h
//	go test ./bench -run '^$' -bench Engine -benchtime 1x -timeout 3h -args -sizes 100000 -rounds 3
//
// the first import next to the floor under it (the same rows written by
// plain multi-row inserts in one transaction, -store sqlite or postgres) with
//
//	go test ./bench -run '^$' -bench '^BenchmarkFloor$' -benchtime 1x -timeout 1h -args -sizes 100000 -rounds 2
//
// a no-change resync next to the two reads under it (ldapwiz's LDAP reader
// doing ldapsearch's searches, and plain SELECTs of the store's rows) with
//
//	go test ./bench -run '^$' -bench '^BenchmarkReadFloor$' -benchtime 1x -timeout 1h -args -sizes 100000 -rounds 3
//
// the incremental runs (0 and 100 changes, and --follow's latency) against
// slapd with syncprov with
//
//	go test ./bench -run '^$' -bench '^BenchmarkIncremental$' -benchtime 1x -timeout 1h -args -sizes 100000 -rounds 3
//
// and the CI-sized regression checks (.ci/run) with
//
//	go test -tags benchci ./bench -run '^(TestEngineCI|TestIncrementalCI)$' -v
package bench
