// Package cli is ldapwiz's command line: every command, its flags, exit
// codes and output wording. The root package's main only calls Main.
package cli

import (
	"context"
	"io"
	"os"

	"charm.land/fang/v2"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X ldapwiz/cli.version=...".
var version = "dev"

// cliEnv is what a command reads and writes: no globals, so tests can run
// commands side by side.
type cliEnv struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// logging: the --log-format and --log-level flags of this command tree.
	logging *logFlags
	// gc: what the process lets a run set of the collector (tuneGC,
	// phaseGC).
	gc gcTuning
}

// Main runs ldapwiz on the process's arguments, standard streams and
// environment, and returns the exit code. The garbage collector runs at
// gcPercent unless GOGC is set (tuneGC); a sync or preview runs it at
// planGCPercent while it plans, and a sync under a memory limit once it
// has planned unless GOMEMLIMIT is set (phaseGC).
func Main() int {
	env := &cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, gc: tuneGC(os.LookupEnv)}
	return run(env, os.Args[1:])
}

// run runs ldapwiz with args and returns the process exit code.
func run(env *cliEnv, args []string) int {
	return runContext(context.Background(), env, args)
}

// runContext is run with a context that ends long-running commands (sync
// --watch) as a signal would.
func runContext(ctx context.Context, env *cliEnv, args []string) int {
	root := newRootCmd(env)
	// Never nil: cobra would read os.Args instead.
	root.SetArgs(append([]string{}, args...))
	err := fang.Execute(ctx, root,
		fang.WithVersion(version),
		fang.WithoutManpage(), // "ldapwiz man" is ours: it writes to the command's stdout
		fang.WithErrorHandler(errorHandler(env)),
	)
	return exitCode(err)
}

// newRootCmd builds the whole command tree on env. Each call makes a fresh
// tree with its own flag values.
func newRootCmd(env *cliEnv) *cobra.Command {
	withLogs := *env
	withLogs.logging = newLogFlags()
	env = &withLogs
	cfg := &configFlag{}
	root := newWizardCmd(env, cfg)
	root.PersistentFlags().VarP(cfg, "config", "c", "the config file (default: $"+configEnvVar+", else ./"+defaultConfigPath+")")
	root.PersistentFlags().Var(&env.logging.format, "log-format", "structured log lines on stderr as text or json (sync --watch and serve always log; other commands when a --log flag is given)")
	root.PersistentFlags().Var(&env.logging.level, "log-level", "the least important log lines written")
	_ = root.MarkPersistentFlagFilename("config", "toml")
	root.SetFlagErrorFunc(flagError)
	root.SetIn(env.stdin)
	root.SetOut(env.stdout)
	root.SetErr(env.stderr)
	root.AddGroup(
		&cobra.Group{ID: groupSetup, Title: "set up"},
		&cobra.Group{ID: groupRun, Title: "synchronize"},
		&cobra.Group{ID: groupStore, Title: "the store"},
	)
	root.AddCommand(
		newValidateCmd(env, cfg),
		newTestConnCmd(env, cfg),
		newLoginCmd(env, cfg),
		newBrowseCmd(env, cfg),
		newDemoServerCmd(env),
		newServeCmd(env, cfg),
		newPreviewCmd(env, cfg),
		newSyncCmd(env, cfg),
		newExplainCmd(env, cfg),
		newUsersCmd(env, cfg),
		newEnrollCmd(env, cfg),
		newVersionCmd(env),
		newManCmd(),
	)
	// cobra's completion command, added now rather than when the tree runs,
	// so a shell it does not know is bad usage rather than help.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Args = subcommandArgs
			c.RunE = needsSubcommand("ldapwiz completion bash|zsh|fish|powershell")
		}
	}
	return root
}

// Command groups of "ldapwiz --help"; commands without one (version, man,
// completion, help) are listed first.
const (
	groupSetup = "setup"
	groupRun   = "run"
	groupStore = "store"
)
