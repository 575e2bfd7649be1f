package cli

import (
	"fmt"
	"io"

	"ldapwiz/ui"
)

// runBrowse is "ldapwiz browse [-c FILE]": the directory browser alone, on
// the connection settings of the config file.
func runBrowse(env *cliEnv, args []string) int {
	path, code := commandArgs(env, "ldapwiz browse", args, printBrowseUsage, nil)
	if code >= 0 {
		return code
	}
	s, err := loadSettings(path)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz browse: %v\n", err)
		return 2 // a config that cannot be loaded, as for the other commands
	}
	return runUI(env, ui.NewBrowse(path, s, env.getenv, colourWanted(env)))
}

func printBrowseUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: ldapwiz browse [-c FILE]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Opens the directory browser alone, on the connection settings of the config file.")
}
