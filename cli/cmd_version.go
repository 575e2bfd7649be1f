package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newVersionCmd is "ldapwiz version" (also "ldapwiz --version").
func newVersionCmd(env *cliEnv) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the ldapwiz version",
		Args:  noArgs,
		Run: func(*cobra.Command, []string) {
			fmt.Fprintf(env.stdout, "ldapwiz %s\n", version)
		},
	}
}
