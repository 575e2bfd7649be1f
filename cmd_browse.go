package main

import (
	"fmt"

	"ldapwiz/ui"
)

// runBrowse is "ldapwiz browse [-c FILE]": the directory browser alone, on
// the connection settings of the config file.
func runBrowse(env *cliEnv, args []string) int {
	path, rest, err := configFromArgs(env, args)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz browse: %v\n", err)
		return 2
	}
	if len(rest) > 0 {
		fmt.Fprintf(env.stderr, "ldapwiz browse: unexpected argument %q (the only option is -c FILE)\n", rest[0])
		return 2
	}
	s, err := loadSettings(path)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz browse: %v\n", err)
		return 1
	}
	return runUI(env, ui.NewBrowse(path, s, env.getenv, colourWanted(env)))
}
