package cli

import "fmt"

func runVersion(env *cliEnv, args []string) int {
	fmt.Fprintf(env.stdout, "ldapwiz %s\n", version)
	return 0
}
