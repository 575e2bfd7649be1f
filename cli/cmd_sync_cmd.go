package cli

import "github.com/spf13/cobra"

// syncFlags are the flags of "ldapwiz sync".
type syncFlags struct {
	dryRun, force, watch, follow, breakLock, json bool
	report, metricsListen                         string
	prof                                          profileFlags
}

// newSyncCmd is "ldapwiz sync [-c FILE] [--dry-run] [--force] [--report
// FILE] [--watch | --json]" and "ldapwiz sync --break-lock".
func newSyncCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	var o syncFlags
	cmd := &cobra.Command{
		Use:     "sync",
		GroupID: groupRun,
		Short:   "Synchronize the store and the directory",
		Long: prose(`Synchronizes the store and the directory in the mode of the config file (import,
one-way or two-way). Progress is drawn on a terminal and printed as plain lines
otherwise; the summary goes to stdout (as JSON with --json). A run that would delete
more than sync.max_delete, or finds no users at all, is refused unless --force.

--watch runs a sync every sync.interval until SIGINT or SIGTERM, one line per run,
with structured log lines on stderr (--log-format, --log-level) and, with
--metrics-listen, Prometheus metrics; under systemd it reports readiness and
pings the watchdog (Type=notify, WatchdogSec=). --watch --follow also applies
directory changes as they arrive (an RFC 4533 persist search, or uSNChanged polled
on Active Directory), reconnecting when the directory restarts.
--break-lock removes the lock of a sync that no longer runs (e.g. killed on another
host), then exits without syncing.
--cpuprofile and --memprofile write Go profiles of the run for "go tool pprof": where
its CPU time went, and what it held where it held the most.

Exit codes: 0 the run succeeded (or the lock was removed), 1 it failed or was refused,
2 bad usage or a config file that cannot be loaded or has errors. With --watch, the
code of the last run.`),
		Example: `ldapwiz sync --dry-run
ldapwiz sync --report /var/log/ldapwiz/last.json
ldapwiz sync --json | jq .outcome
ldapwiz sync --watch
ldapwiz sync --watch --follow
ldapwiz sync --watch --log-format json --metrics-listen 127.0.0.1:9464
ldapwiz sync --break-lock`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case o.breakLock && (o.dryRun || o.force || o.watch || o.json || o.report != ""):
				return usagef(cmd, "--break-lock only removes the lock; run the sync again without it")
			case o.metricsListen != "" && !o.watch:
				return usagef(cmd, "--metrics-listen serves metrics while --watch runs; add --watch")
			case o.follow && !o.watch:
				return usagef(cmd, "--follow applies directory changes as they arrive while --watch runs; add --watch")
			case o.watch && o.json:
				return usagef(cmd, "--json prints the summary of one run; with --watch, save each run's report with --report FILE")
			}
			return exitWith(withProfiles(env, "ldapwiz sync", o.prof, func(heapPoint func()) int {
				return runSyncContext(cmd.Context(), env, cfg.path(env), o, heapPoint)
			}))
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.dryRun, "dry-run", false, "plan and print what would change, change nothing")
	f.BoolVar(&o.force, "force", false, "run even when max_delete or the empty-result guard would refuse")
	f.StringVar(&o.report, "report", "", "save the run's full report (JSON) to this FILE")
	f.BoolVar(&o.watch, "watch", false, "run a sync every sync.interval until interrupted (SIGINT or SIGTERM), one summary line per run")
	f.BoolVar(&o.follow, "follow", false, "with --watch: apply directory changes as they arrive (RFC 4533 persist search, or uSNChanged polled on AD); store changes still go out every sync.interval")
	f.BoolVar(&o.breakLock, "break-lock", false, "remove the sync lock left by a sync that no longer runs, then exit without syncing")
	f.BoolVar(&o.json, "json", false, "print the run's summary as JSON")
	f.StringVar(&o.metricsListen, "metrics-listen", "", "with --watch: serve Prometheus metrics on ADDR (host:port) at /metrics")
	o.prof.add(cmd)
	_ = cmd.MarkFlagFilename("report", "json")
	return cmd
}
