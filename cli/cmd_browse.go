package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"ldapwiz/ui"
)

// newBrowseCmd is "ldapwiz browse [-c FILE]".
func newBrowseCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	return &cobra.Command{
		Use:     "browse",
		GroupID: groupSetup,
		Short:   "The directory browser alone, on the config file's connection settings",
		Long: prose(`Opens the directory browser alone, full screen, on the connection settings of
the config file: expand and collapse entries, filter within a node, read an entry's
attributes. It changes nothing.`),
		Example: `ldapwiz browse -c prod.toml`,
		Args:    noArgs,
		RunE: func(*cobra.Command, []string) error {
			return exitWith(runBrowse(env, cfg.path(env)))
		},
	}
}

// runBrowse is "ldapwiz browse [-c FILE]": the directory browser alone, on
// the connection settings of the config file.
func runBrowse(env *cliEnv, path string) int {
	s, err := loadSettings(path)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz browse: %v\n", err)
		return 2 // a config that cannot be loaded, as for the other commands
	}
	return runUI(env, ui.NewBrowse(path, s, env.getenv, colourWanted(env)))
}
