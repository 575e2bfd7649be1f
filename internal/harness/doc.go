// Package harness holds what the test-server harnesses (slapdtest,
// sambatest, ds389test) and the end-to-end tests share, so that each rule
// exists once:
//
//   - installing Debian packages with apt-get under one cross-process lock
//     (AptLockPath), without starting daemons and without prompts, retrying
//     after apt-get update, and failing the test with the command to run by
//     hand (Apt, AptInstall);
//   - exclusive file locks between test processes (LockFile);
//   - running a command and, when it fails, an error carrying the tail of its
//     output (Run, CmdError, Tail, FileTail);
//   - per-run directories owned by a test process, and sweeping those left
//     behind by processes that died before their cleanup ran (MakeRunDir,
//     SweepRunDirs);
//   - small process helpers: pid files, free ports, output buffers;
//   - an address that refuses connections for the whole test (RefusingAddr).
//
// It is for tests only; nothing here is ever skipped quietly.
package harness
