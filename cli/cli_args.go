package cli

import "github.com/spf13/cobra"

// subcommandArgs is the Args check of a command that only groups
// subcommands (users, enroll): any argument left is not one of them.
func subcommandArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef(cmd, "unknown subcommand %q", args[0])
	}
	return nil
}

// needsSubcommand is the RunE of a command that only groups subcommands:
// given none, it is bad usage, and usage shows how to give one.
func needsSubcommand(usage string) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		return usagef(cmd, "a subcommand is missing.\nUsage: %s", usage)
	}
}

// noArgs is the Args check of commands that take no positional argument.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef(cmd, "unexpected argument %q", args[0])
	}
	return nil
}
