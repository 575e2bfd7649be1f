package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/spf13/cobra"

	"ldapwiz/config"
	"ldapwiz/wizard"
)

// newValidateCmd is "ldapwiz validate [-c FILE] [--json]".
func newValidateCmd(env *cliEnv, cfg *configFlag) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "validate",
		GroupID: groupSetup,
		Short:   "Check a config file and list every problem",
		Long: prose(`Checks the config file and lists every problem: unknown or misspelled keys,
values of the wrong type, and settings that are invalid or inconsistent. Each
problem names its setting and, in the file, its line. It does not contact the
directory (ldapwiz test does).

With --json it prints every problem with its severity, setting, the wizard screen
that edits it, and its message.

Exit codes: 0 no errors (warnings may be listed), 1 errors found or the file cannot
be read, 2 bad usage.`),
		Example: `ldapwiz validate
ldapwiz validate -c /etc/ldapwiz/prod.toml --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return exitWith(runValidate(env, cfg.path(env), asJSON))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the problems as JSON")
	return cmd
}

// runValidate implements "ldapwiz validate [-c FILE] [--json]": it lists
// every problem of the config file (load issues such as unknown keys, then
// the validation rules) and exits 1 when any is an error, 0 otherwise.
func runValidate(env *cliEnv, path string, asJSON bool) int {
	problems, err := validateFile(env, path)
	if err != nil {
		fmt.Fprintf(env.stderr, "ldapwiz validate: %v\n", err)
		return 1
	}
	errCount, warnCount := 0, 0
	for _, p := range problems {
		if p.Severity == wizard.Error.String() {
			errCount++
		} else {
			warnCount++
		}
	}
	if asJSON {
		if err := printValidateJSON(env.stdout, path, problems, errCount, warnCount); err != nil {
			fmt.Fprintf(env.stderr, "ldapwiz validate: %v\n", err)
			return 1
		}
	} else {
		lines := make([]string, len(problems))
		for i, p := range problems {
			lines[i] = p.text
		}
		printValidateResult(env.stdout, path, lines, errCount, warnCount)
	}
	if errCount > 0 {
		return 1
	}
	return 0
}

// validateProblem is one problem "ldapwiz validate" reports: a load issue
// of the file or a validation problem of its settings.
type validateProblem struct {
	Severity string        `json:"severity"` // "error" or "warning"
	Setting  string        `json:"setting"`  // dotted key; "" for a syntax error before any key
	Screen   wizard.Screen `json:"screen"`   // the wizard screen that edits Setting
	Message  string        `json:"message"`
	Line     int           `json:"line,omitempty"` // in the file; 0 when the setting is not written there
	Column   int           `json:"column,omitempty"`
	text     string        // the line the plain output prints
}

// validateFile lists the problems of the config file: load issues first,
// then the validation problems, errors before warnings. A file that cannot
// be read at all (missing, unreadable) is the error.
func validateFile(env *cliEnv, path string) ([]validateProblem, error) {
	var problems []validateProblem
	s, err := loadSettings(path)
	var ce *config.ConfigError
	switch {
	case err == nil:
	case errors.As(err, &ce):
		for _, is := range ce.Issues {
			problems = append(problems, validateProblem{
				Severity: wizard.Error.String(), Setting: is.Key, Screen: wizard.ScreenFor(is.Key),
				Message: is.Message, Line: is.Line, Column: is.Column, text: "error: " + is.String(),
			})
		}
		if ce.Syntax {
			return problems, nil
		}
	default:
		return nil, err
	}

	keyLines := map[string]int{}
	if data, err := os.ReadFile(path); err == nil {
		keyLines = config.KeyLines(data)
	}
	found := wizard.Validate(s, wizard.ValidateOptions{Getenv: env.getenv})
	found = append(found, storeProblems(s, found, env.getenv)...)
	sort.SliceStable(found, func(i, j int) bool { return found[i].Severity > found[j].Severity })
	for _, p := range found {
		line := keyLines[p.Setting]
		problems = append(problems, validateProblem{
			Severity: p.Severity.String(), Setting: p.Setting, Screen: p.Screen,
			Message: p.Message, Line: line, text: problemLine(p, line),
		})
	}
	return problems, nil
}

// printValidateJSON writes the result of "ldapwiz validate --json".
func printValidateJSON(w io.Writer, path string, problems []validateProblem, errs, warns int) error {
	if problems == nil {
		problems = []validateProblem{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		File     string            `json:"file"`
		OK       bool              `json:"ok"` // no errors; warnings allowed
		Errors   int               `json:"errors"`
		Warnings int               `json:"warnings"`
		Problems []validateProblem `json:"problems"`
	}{path, errs == 0, errs, warns, problems})
}

// problemLine renders a problem as "error: line 3: connection.bind_dn: ...",
// leaving the line out when the setting is not written in the file.
func problemLine(p wizard.Problem, line int) string {
	if line == 0 {
		return p.String()
	}
	return fmt.Sprintf("%s: line %d: %s: %s", p.Severity, line, p.Setting, p.Message)
}

func printValidateResult(w io.Writer, path string, lines []string, errs, warns int) {
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	switch {
	case errs > 0:
		fmt.Fprintf(w, "%s: %s, %s; fix the errors and run ldapwiz validate again\n", path, count(errs, "error"), count(warns, "warning"))
	case warns > 0:
		fmt.Fprintf(w, "%s: ok, %s\n", path, count(warns, "warning"))
	default:
		fmt.Fprintf(w, "%s: ok\n", path)
	}
}

// count renders "1 error" or "3 errors".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
