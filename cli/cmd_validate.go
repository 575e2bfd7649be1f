package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"ldapwiz/config"
	"ldapwiz/wizard"
)

// runValidate implements "ldapwiz validate [-c FILE]": it lists every
// problem of the config file (load issues such as unknown keys, then the
// validation rules) and exits 1 when any is an error, 0 otherwise.
func runValidate(env *cliEnv, args []string) int {
	path, code := commandArgs(env, "ldapwiz validate", args, printValidateUsage, nil)
	if code >= 0 {
		return code
	}

	var lines []string
	errCount, warnCount := 0, 0
	s, err := loadSettings(path)
	var ce *config.ConfigError
	switch {
	case err == nil:
	case errors.As(err, &ce):
		for _, is := range ce.Issues {
			lines = append(lines, "error: "+is.String())
		}
		errCount += len(ce.Issues)
		if ce.Syntax {
			printValidateResult(env.stdout, path, lines, errCount, warnCount)
			return 1
		}
	default:
		fmt.Fprintf(env.stderr, "ldapwiz validate: %v\n", err)
		return 1
	}

	keyLines := map[string]int{}
	if data, err := os.ReadFile(path); err == nil {
		keyLines = config.KeyLines(data)
	}
	problems := wizard.Validate(s, wizard.ValidateOptions{Getenv: env.getenv})
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Severity > problems[j].Severity })
	for _, p := range problems {
		if p.Severity == wizard.Error {
			errCount++
		} else {
			warnCount++
		}
		lines = append(lines, problemLine(p, keyLines[p.Setting]))
	}
	printValidateResult(env.stdout, path, lines, errCount, warnCount)
	if errCount > 0 {
		return 1
	}
	return 0
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

func printValidateUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: ldapwiz validate [-c FILE]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Checks the config file and lists every problem: unknown or misspelled keys,")
	fmt.Fprintln(w, "values of the wrong type, and settings that are invalid or inconsistent.")
	fmt.Fprintln(w, "It does not contact the directory (ldapwiz test does).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Exit status: 0 no errors (warnings may be listed), 1 errors found, 2 bad usage.")
}
