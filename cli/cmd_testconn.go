package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// newTestConnCmd is "ldapwiz test [-c FILE] [--json]".
func newTestConnCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "test",
		GroupID: groupSetup,
		Short:   "Staged connection check of the directory, printed step by step",
		Long: prose(`Runs the staged connection test against the directory in the config file: DNS,
TCP, TLS or StartTLS, RootDSE, bind, search bases, matching users and groups, sample
entries and read access. Each step is printed as it completes, with how to fix a
failure and the setting to change. When connection.url lists several servers, the
full test runs against the one a sync would use, and then every listed server is
checked (connect, TLS, bind, the search bases) and its result shown: one that does
not answer is a warning (a sync passes over it), one that refuses the bind or lacks
a search base is a failure.

Exit codes: 0 nothing failed (warnings allowed), 1 a step failed, 2 bad usage or a
config file that cannot be loaded.`),
		Example: `ldapwiz test
ldapwiz test -c prod.toml --json`,
		Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			return exitWith(runTestConn(env, cfg.path(env), asJSON))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the whole result as JSON instead")
	return cmd
}

// loadDirectorySettings loads the config file, not validated, for a command
// that checks the directory itself (test, login), and builds the directory
// connection from it. When it cannot, the reason is printed on stderr after
// prefix and ok is false: exit with exitUsage.
func loadDirectorySettings(env *cliEnv, prefix, path string) (s wizard.Settings, cfg ldap.Config, ok bool) {
	s, err := loadSettings(path)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: cannot load the config:\n%v\n(\"ldapwiz validate -c %s\" lists every problem)\n", prefix, err, path)
		return s, cfg, false
	}
	if cfg, err = s.LDAPConfig(env.getenv); err != nil {
		fmt.Fprintf(env.stderr, "%s: %s: %v\n", prefix, path, err)
		return s, cfg, false
	}
	return s, cfg, true
}

// runTestConn implements "ldapwiz test [-c FILE] [--json]": the staged
// connection test, printed step by step as each completes. Exit codes: 0
// nothing failed, 1 a step failed, 2 bad usage or a config that cannot be
// loaded. (The file is not cmd_test.go: Go would take that for a test file.)
func runTestConn(env *cliEnv, path string, asJSON bool) int {
	s, cfg, ok := loadDirectorySettings(env, "ldapwiz test", path)
	if !ok {
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var report func(ldap.Step)
	if !asJSON {
		p := newStepPrinter(env.stdout, plainMarks(env))
		fmt.Fprintf(env.stdout, "Testing %s (config %s)\n", cfg.URL, path)
		report = p.print
	}
	res := ldap.RunTest(ctx, cfg, s.Scope().Test(), report)
	if st, ok := storeStep(ctx, s, env.getenv); ok {
		res.Steps = append(res.Steps, st)
		if report != nil {
			report(st)
		}
	}
	if asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz test: %v\n", err)
			return 1
		}
	} else {
		fmt.Fprintln(env.stdout, summarizeSteps(res.Steps))
	}
	if res.Failed() {
		return 1
	}
	return 0
}

// plainMarks reports whether output must stay plain ASCII without colour:
// stdout is not a terminal (a file, a pipe, /dev/null), or NO_COLOR is set
// (https://no-color.org).
func plainMarks(env *cliEnv) bool {
	if env.getenv("NO_COLOR") != "" {
		return true
	}
	return !isTerminal(env.stdout)
}

// stepPrinter writes one step per line, with its hint below it; the
// results of the listed servers (connection.url lists several) come under
// a heading of their own.
type stepPrinter struct {
	w       io.Writer
	plain   bool
	servers bool // the heading of the servers' results is written
}

func newStepPrinter(w io.Writer, plain bool) *stepPrinter { return &stepPrinter{w: w, plain: plain} }

// stepMarks are the marks for each status: terminal symbol, ANSI colour,
// ASCII fallback.
var stepMarks = map[ldap.StepStatus]struct{ symbol, color, ascii string }{
	ldap.StepOK:      {"✓", "32", "[ok]  "},
	ldap.StepWarning: {"!", "33", "[warn]"},
	ldap.StepFailed:  {"✗", "31", "[FAIL]"},
	ldap.StepNotRun:  {"-", "2", "[skip]"},
}

func (p *stepPrinter) print(s ldap.Step) {
	if strings.HasPrefix(s.ID, ldap.StepServerPrefix) && !p.servers {
		p.servers = true
		fmt.Fprintln(p.w, "Each listed server:")
	}
	m := stepMarks[s.Status]
	line := s.Title
	if s.Detail != "" {
		line += ": " + s.Detail
	}
	if p.plain {
		fmt.Fprintf(p.w, "%s %s\n", m.ascii, line)
	} else {
		fmt.Fprintf(p.w, "\x1b[%sm%s\x1b[0m %s\n", m.color, m.symbol, line)
	}
	if s.Hint != "" {
		indent := "  "
		if p.plain {
			indent = "       "
		}
		hint := "fix: " + s.Hint
		if s.Setting != "" && !strings.Contains(s.Hint, s.Setting) {
			hint += " [" + s.Setting + "]"
		}
		fmt.Fprintf(p.w, "%s%s\n", indent, hint)
	}
}

// summarizeSteps counts the steps by status: "9 ok, 1 warning, 0 failed, 2 not run".
func summarizeSteps(steps []ldap.Step) string {
	n := map[ldap.StepStatus]int{}
	for _, s := range steps {
		n[s.Status]++
	}
	verdict := "the connection works"
	switch {
	case n[ldap.StepFailed] > 0:
		verdict = "the connection test FAILED"
	case n[ldap.StepWarning] > 0:
		verdict = "the connection works, with warnings"
	}
	return fmt.Sprintf("%s: %d ok, %d warning(s), %d failed, %d not run", verdict, n[ldap.StepOK], n[ldap.StepWarning], n[ldap.StepFailed], n[ldap.StepNotRun])
}
