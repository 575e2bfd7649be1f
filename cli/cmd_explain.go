package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// newExplainCmd is "ldapwiz explain USER | --group NAME [--json]".
func newExplainCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	var asJSON bool
	var group string
	cmd := &cobra.Command{
		Use:     "explain USER | --group NAME",
		GroupID: groupRun,
		Short:   "Say where one user or group stands, step by step, and what the next sync does to it",
		Long: prose(`Finds the directory entry (by username, DN or e-mail address) and the store user,
and says in plain words where they stand, step by step, with the settings that
decide each step: found under users.search_base? of users.object_class? which clause
of users.filter removes them? a member of groups.sync_only, through which nested
group? username attribute present, valid and unique? linked to which store user,
by which stable id? Last, what the next sync would do to them and why (create,
update with the old and new value of each attribute, disable, delete, nothing,
skipped and the reason, a conflict and who wins), taken from the same plan
"ldapwiz preview" shows. It changes nothing.

--group NAME explains a group instead: found, in scope (groups.search_base,
groups.object_class, groups.sync_only), its members that are users in scope, its
store group, and what the next sync does to it.

Exit codes: 0 the explanation was printed (whatever it says), 1 the directory or
the store could not be read, 2 bad usage or a config file that cannot be loaded or
has errors.`),
		Example: `ldapwiz explain jdoe
ldapwiz explain jdoe@example.com
ldapwiz explain "uid=jdoe,ou=people,dc=example,dc=com" --json
ldapwiz explain --group engineering`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case group != "" && len(args) > 0:
				return usagef(cmd, "give a user or --group NAME, not both")
			case group == "" && len(args) != 1:
				return usagef(cmd, "name one user: ldapwiz explain USER (a username, a DN or an e-mail address), or --group NAME")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			who := group
			if len(args) == 1 {
				who = args[0]
			}
			if strings.TrimSpace(who) == "" {
				return usagef(cmd, "the name is empty: give a username, a DN or an e-mail address")
			}
			return exitWith(runExplain(env, cfg.path(env), who, group != "", asJSON))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the explanation as JSON")
	cmd.Flags().StringVar(&group, "group", "", "explain the group NAME (a name or a DN) instead of a user")
	return cmd
}

// runExplain explains one user (or group) with the settings at path,
// reading the store read-only. Exit codes as newExplainCmd says.
func runExplain(env *cliEnv, path, who string, group, asJSON bool) int {
	s, _, err := loadValidSettings(path, wizard.ValidateOptions{Getenv: env.getenv})
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz explain: %v\n", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	db, closeDB, err := syncer.OpenStore(ctx, s, true)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz explain: %v\n", err)
		return exitFound
	}
	defer closeDB()
	explain := syncer.ExplainUser
	if group {
		explain = syncer.ExplainGroup
	}
	x, err := explain(ctx, s, db, who, syncer.Options{Getenv: env.getenv})
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz explain: %v\n", err)
		return exitFound
	}
	if asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(x); err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz explain: %v\n", err)
			return exitFound
		}
		return exitOK
	}
	printExplanation(env.stdout, x, !isTerminal(env.stdout))
	return exitOK
}

// explainMarks are the marks of each step status: on a terminal, and in
// plain ASCII.
var explainMarks = map[string][2]string{
	syncer.StepPass: {"✓", "[ok]  "},
	syncer.StepFail: {"✗", "[FAIL]"},
	syncer.StepInfo: {"·", "[info]"},
}

// printExplanation writes an explanation for a person: each step with the
// settings that decide it, then the next sync's verdict.
func printExplanation(w io.Writer, x *syncer.Explanation, plain bool) {
	mode := x.Mode + " sync"
	if x.Mode == wizard.ModeTwoWay {
		mode += ", authority " + x.Authority
	}
	fmt.Fprintf(w, "Explaining %s %q (%s", x.Kind, x.Query, mode)
	if x.Server != "" {
		fmt.Fprintf(w, "; directory server %s", x.Server)
	}
	fmt.Fprintln(w, ")")
	for _, s := range x.Steps {
		m := explainMarks[s.Status]
		mark := m[0]
		if plain {
			mark = m[1]
		}
		fmt.Fprintf(w, "%s %s: %s\n", mark, s.Step, s.Detail)
		if len(s.Settings) > 0 {
			fmt.Fprintf(w, "       decided by %s\n", strings.Join(s.Settings, ", "))
		}
	}
	fmt.Fprintf(w, "\nOutcome: %s: %s\n", x.Outcome, x.Summary)
}
