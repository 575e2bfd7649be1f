package cli

import "github.com/spf13/cobra"

// subcommandArgs is the Args check of a command that only groups
// subcommands (users, enroll): any argument left is not one of them.
func subcommandArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef(cmd, "unknown subcommand %q%s", args[0], didYouMean(cmd, args[0]))
	}
	return nil
}

// didYouMean suggests the subcommand of cmd closest to a mistyped one, or "".
func didYouMean(cmd *cobra.Command, typed string) string {
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, which SuggestionsFor alone does not apply
	}
	if s := cmd.SuggestionsFor(typed); len(s) > 0 {
		return "; did you mean " + s[0] + "?"
	}
	return ""
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
