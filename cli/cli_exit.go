package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"charm.land/fang/v2"
	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes, as README.md documents them.
const (
	exitOK    = 0 // success; warnings may have been printed
	exitFound = 1 // the check, test or run found errors
	exitUsage = 2 // bad usage, or a config file that cannot be loaded
)

// exitError ends a command with a non-zero exit code. The command has
// already said why on stderr, so nothing more is printed.
type exitError struct{ code int }

// Error says which exit code the command ends with.
func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitWith turns a command's exit code into what its RunE returns: nil for
// success, else an *exitError.
func exitWith(code int) error {
	if code == exitOK {
		return nil
	}
	return &exitError{code}
}

// usageError is bad usage of a command (an unknown flag, a missing or extra
// argument): exit code 2, printed by the error handler with a pointer to
// the command's --help.
type usageError struct {
	cmd string // the command's path, "ldapwiz users show"
	msg string
}

// Error is the message, after the command's path.
func (e *usageError) Error() string { return e.cmd + ": " + e.msg }

// usagef is a usageError of cmd.
func usagef(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: cmd.CommandPath(), msg: fmt.Sprintf(format, args...)}
}

// exitCode maps what the command tree returned to the process exit code.
// Every failure of a command's own work is an *exitError; whatever else
// cobra returns (a flag or argument it could not parse) is bad usage.
func exitCode(err error) int {
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	}
	return exitUsage
}

// flagError is the command tree's FlagErrorFunc: it names the command and,
// for -c/--config, says what the flag wants.
func flagError(cmd *cobra.Command, err error) error {
	var missing *pflag.ValueRequiredError
	var invalid *pflag.InvalidValueError
	switch {
	case errors.As(err, &missing) && missing.GetFlag().Name == "config":
		name := "--" + missing.GetSpecifiedName()
		if len(missing.GetSpecifiedName()) == 1 {
			name = "-" + missing.GetSpecifiedName()
		}
		return usagef(cmd, "%s needs a file name, e.g. %s ldapwiz.toml", name, name)
	case errors.As(err, &invalid) && invalid.GetFlag().Name == "config":
		return usagef(cmd, "-c/--config: %v", invalid.Unwrap())
	}
	return usagef(cmd, "%v", err)
}

// errorHandler prints what ended the command tree with an error: nothing
// for an *exitError (the command has printed it), else the error and where
// to find the usage, styled on a terminal and plain otherwise.
func errorHandler(env *cliEnv) fang.ErrorHandler {
	return func(w io.Writer, styles fang.Styles, err error) {
		var ee *exitError
		if errors.As(err, &ee) {
			return
		}
		cmd, msg := "ldapwiz", err.Error()
		var ue *usageError
		if errors.As(err, &ue) {
			cmd, msg = ue.cmd, ue.msg
		}
		if !isTerminal(env.stderr) {
			fmt.Fprintf(env.stderr, "%s: %s\nRun \"%s --help\" for usage.\n", cmd, msg, cmd)
			return
		}
		text := styles.ErrorText.UnsetTransform()
		fmt.Fprintln(w, styles.ErrorHeader.String())
		fmt.Fprintln(w, text.Render(cmd+": "+strings.TrimSuffix(msg, ".")+"."))
		fmt.Fprintln(w)
		fmt.Fprintln(w, lipgloss.JoinHorizontal(lipgloss.Left,
			text.UnsetWidth().Render("Try"),
			styles.Program.Flag.Render(" "+cmd+" --help "),
			text.UnsetWidth().UnsetMargins().Render("for usage."),
		))
		fmt.Fprintln(w)
	}
}
