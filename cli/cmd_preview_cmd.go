package cli

import "github.com/spf13/cobra"

// newPreviewCmd is "ldapwiz preview [-c FILE] [--json [--indent]]".
func newPreviewCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	var asJSON, indent bool
	var prof profileFlags
	cmd := &cobra.Command{
		Use:     "preview",
		GroupID: groupRun,
		Short:   "Show what a sync would change on each side, changing nothing",
		Long: prose(`Shows what "ldapwiz sync" would change on each side (creates, updates with the old
and new value of each attribute, disables, deletes, memberships), the entries it
would skip and why, the conflicts and which side wins, and whether a safety guard
would refuse the run. It changes nothing.

--json prints the plan as compact JSON, one line (a first import of many users
plans one change per user); add --indent to indent it for reading.

--cpuprofile and --memprofile write Go profiles of the run for "go tool pprof": where
its CPU time went, and what it held where it held the most.

Exit codes: 0 the plan was printed, 1 the directory or the store could not be read,
2 bad usage or a config file that cannot be loaded or has errors.`),
		Example: `ldapwiz preview
ldapwiz preview --json > plan.json
ldapwiz preview --json --indent | less`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if indent && !asJSON {
				return usagef(cmd, "--indent indents the JSON of --json; add --json")
			}
			return exitWith(withProfiles(env, "ldapwiz preview", prof, func(heapPoint func()) int {
				return runPreview(env, cfg.path(env), asJSON, indent, heapPoint)
			}))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan as JSON (compact)")
	cmd.Flags().BoolVar(&indent, "indent", false, "with --json: indent the JSON for reading")
	prof.add(cmd)
	return cmd
}
