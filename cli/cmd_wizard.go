package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"ldapwiz/config"
	"ldapwiz/ui"
	"ldapwiz/wizard"
)

// newWizardCmd is the root command: "ldapwiz [-c FILE]" opens the wizard,
// "ldapwiz --demo [--ad] [--listen ADDR]" opens it on the demo directory.
func newWizardCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	var demo bool
	var d demoFlags
	cmd := &cobra.Command{
		Use:   "ldapwiz",
		Short: "Set up and run an LDAP / Active Directory integration",
		Long: prose(`ldapwiz sets up and runs the synchronization between an LDAP or Active Directory
directory and an application's user store.

Without a command it opens the terminal wizard on the config file, new or existing;
with --demo, on the embedded demo directory. The commands run the same engine
headless, from a shell, cron or CI.

The config file is ./ldapwiz.toml unless -c/--config FILE or $LDAPWIZ_CONFIG names
another. Exit codes: 0 success, 1 the check or run found errors, 2 bad usage or a
config file that cannot be loaded.`),
		Example: `# the wizard on ./ldapwiz.toml, new or existing
ldapwiz
ldapwiz -c /etc/ldapwiz/prod.toml
# the wizard against the embedded demo directory, Active Directory flavour
ldapwiz --demo --ad
# what is wrong with the config file, as JSON
ldapwiz validate --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef(cmd, "unknown command %q%s", args[0], didYouMean(cmd, args[0]))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !demo && (cmd.Flags().Changed("ad") || cmd.Flags().Changed("listen")) {
				return usagef(cmd, "--ad and --listen go with --demo: ldapwiz --demo --ad")
			}
			if demo {
				return exitWith(runDemo(env, cfg.path(env), d))
			}
			return exitWith(runWizard(env, cfg.path(env)))
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "open the wizard on the embedded demo directory (stops when the wizard exits)")
	d.register(cmd, "with --demo: ")
	return cmd
}

// runWizard is "ldapwiz [-c FILE]": the terminal wizard on the config file,
// new or existing.
func runWizard(env *cliEnv, path string) int {
	opts, err := wizardOptions(env, path)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz: %v\n", err)
		return 2 // a config that cannot be loaded, as for the other commands
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // the directory calls still in flight end with the program
	opts.Context = ctx
	return runUI(env, ui.New(opts))
}

// wizardOptions loads the config file (when it exists) for the wizard.
func wizardOptions(env *cliEnv, path string) (ui.Options, error) {
	opts := ui.Options{Path: path, Settings: wizard.Default(), Getenv: env.getenv, Color: colourWanted(env)}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return opts, nil
	}
	if err != nil {
		return opts, fmt.Errorf("cannot read %s: %w", path, err)
	}
	s, err := loadSettings(path)
	var ce *config.ConfigError
	if err != nil && (!errors.As(err, &ce) || ce.Syntax) {
		return opts, fmt.Errorf("%v\nFix the file by hand (or move it away to start afresh), then run ldapwiz again", err)
	}
	if ce != nil {
		// Unknown keys or wrong types: the wizard opens on what decoded; saving rewrites the file cleanly.
		fmt.Fprintf(env.stderr, "ldapwiz: %v\nThe wizard opens with the rest of the file; saving rewrites it without the problems above.\n", err)
	}
	opts.Settings, opts.Exists, opts.OnDisk = s, true, data
	return opts, nil
}

// colourWanted guesses from the environment whether the terminal shows
// colour; Bubble Tea confirms with its own detection once running.
func colourWanted(env *cliEnv) bool {
	var vars []string
	for _, k := range []string{"TERM", "COLORTERM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"} {
		if v := env.getenv(k); v != "" {
			vars = append(vars, k+"="+v)
		}
	}
	p := colorprofile.Detect(os.Stdout, vars)
	return p != colorprofile.NoTTY && p != colorprofile.Ascii
}

// runUI runs a Bubble Tea model full screen on the terminal.
func runUI(env *cliEnv, m tea.Model) int {
	p := tea.NewProgram(m, tea.WithInput(env.stdin), tea.WithOutput(env.stdout))
	if _, err := p.Run(); err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz: the terminal UI stopped: %v\n", err)
		return 1
	}
	return 0
}
