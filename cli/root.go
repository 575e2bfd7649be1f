// Package cli is ldapwiz's command line: every command, its flags, exit
// codes and output wording. The root package's main only calls Main.
package cli

import (
	"fmt"
	"io"
	"os"
)

// command is one ldapwiz subcommand.
type command struct {
	name    string // as typed: "validate"
	summary string // one line for --help
	run     func(env *cliEnv, args []string) int
}

// commands lists every subcommand that works, in the order --help shows them.
// Add a command here and in a cmd_NAME.go file of its own.
func commands() []command {
	return []command{
		{"validate", "check a config file and list every problem", runValidate},
		{"version", "print the ldapwiz version", runVersion},
		{"browse", "the directory browser alone, on the config's connection settings", runBrowse},
		{"test", "staged connection check of the directory, printed step by step (--json)", runTestConn},
		{"users", "list / show / add / set / passwd / disable / enable / delete store users", runUsers},
		{"enroll", "enrollment invitations: invites (the queue) / send / retrigger (--user, --email, --all-ldap)", runEnroll},
		{"preview", "show what a sync would change on each side, changing nothing (--json)", runPreview},
		{"sync", "synchronize the store and the directory (--dry-run, --force, --report FILE, --watch)", runSync},
		{"demo-server", "run the embedded demo directory alone (--listen ADDR, --ad)", runDemoServer},
	}
}

// version is set at build time with -ldflags "-X ldapwiz/cli.version=...".
var version = "dev"

// cliEnv is what a command reads and writes: no globals, so tests can run
// commands side by side.
type cliEnv struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// Main runs ldapwiz on the process's arguments, standard streams and
// environment, and returns the exit code.
func Main() int {
	env := &cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	return run(env, os.Args[1:])
}

// run dispatches args to a subcommand and returns the process exit code.
func run(env *cliEnv, args []string) int {
	if isWizardInvocation(args) {
		return runWizard(env, args)
	}
	switch args[0] {
	case "-h", "--help", "help":
		printUsage(env.stdout)
		return 0
	case "--demo":
		return runDemo(env, args[1:])
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(env, args[1:])
		}
	}
	fmt.Fprintf(env.stderr, "ldapwiz: unknown command %q; run \"ldapwiz --help\" for the list\n", args[0])
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "ldapwiz: set up and run an LDAP / Active Directory integration.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  ldapwiz [-c FILE]          open the wizard on FILE")
	fmt.Fprintln(w, "  ldapwiz --demo [--ad]      open the wizard on the embedded demo directory")
	fmt.Fprintln(w, "  ldapwiz COMMAND [-c FILE] [options]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The config file is ./ldapwiz.toml unless -c/--config FILE or LDAPWIZ_CONFIG says otherwise.")
	fmt.Fprintln(w, "Exit codes: 0 success, 1 the check or run found errors, 2 bad usage.")
}
