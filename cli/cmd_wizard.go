package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"ldapwiz/config"
	"ldapwiz/ui"
	"ldapwiz/wizard"
)

// isWizardInvocation reports whether args open the wizard: no command, or
// only the config flag.
func isWizardInvocation(args []string) bool {
	if len(args) == 0 {
		return true
	}
	a := args[0]
	return a == "-c" || a == "--config" || a == "-config" ||
		strings.HasPrefix(a, "-c=") || strings.HasPrefix(a, "--config=") || strings.HasPrefix(a, "-config=")
}

// runWizard is "ldapwiz [-c FILE]": the terminal wizard on the config file,
// new or existing.
func runWizard(env *cliEnv, args []string) int {
	path, code := commandArgs(env, "ldapwiz", args, printUsage, nil)
	if code >= 0 {
		return code
	}
	opts, err := wizardOptions(env, path)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz: %v\n", err)
		return 2 // a config that cannot be loaded, as for the other commands
	}
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
