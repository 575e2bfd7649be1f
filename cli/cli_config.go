package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"ldapwiz/config"
	"ldapwiz/wizard"
)

// defaultConfigPath is used when neither -c/--config nor LDAPWIZ_CONFIG is given.
const defaultConfigPath = "ldapwiz.toml"

// configEnvVar names the environment variable that overrides the default config path.
const configEnvVar = "LDAPWIZ_CONFIG"

// configFlag is the value of the persistent -c/--config flag: the config
// file named on the command line, given at most once (the same file twice
// is fine).
type configFlag struct{ file string }

// String returns the file given, or "" (pflag.Value).
func (f *configFlag) String() string { return f.file }

// Type names the flag's value kind for completion and help (pflag.Value).
func (f *configFlag) Type() string { return "string" }

// Set records the file, refusing an empty name or a second, different file
// (pflag.Value).
func (f *configFlag) Set(v string) error {
	switch {
	case v == "":
		return errors.New("needs a file name, e.g. --config=ldapwiz.toml")
	case f.file != "" && f.file != v:
		return fmt.Errorf("the config file is given twice (%s and %s); give one -c/--config", f.file, v)
	}
	f.file = v
	return nil
}

// path is the config file a command works on (see resolveConfigPath).
func (f *configFlag) path(env *cliEnv) string { return resolveConfigPath(env, f.file) }

// resolveConfigPath picks the config file: the -c/--config value, else
// $LDAPWIZ_CONFIG, else ./ldapwiz.toml.
func resolveConfigPath(env *cliEnv, flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := env.getenv(configEnvVar); v != "" {
		return v
	}
	return defaultConfigPath
}

// loadSettings reads the config file over the defaults. A *store.ConfigError
// without Syntax comes back together with the settings that did decode (the
// caller may validate them); a missing file gives a *store.NoConfigError
// (errors.Is fs.ErrNotExist).
func loadSettings(path string) (wizard.Settings, error) {
	s := wizard.Default()
	err := config.LoadTOML(path, &s)
	var ce *config.ConfigError
	if err != nil && (!errors.As(err, &ce) || ce.Syntax) {
		return wizard.Settings{}, err
	}
	return s, err
}

// loadValidSettings loads the config file and validates it, for commands
// that need a usable configuration: any load issue or validation error is
// returned as one error listing them all; warnings are returned separately.
func loadValidSettings(path string, opts wizard.ValidateOptions) (wizard.Settings, []wizard.Problem, error) {
	s, err := loadSettings(path)
	if err != nil {
		return wizard.Settings{}, nil, err
	}
	errs, warnings := splitProblems(wizard.Validate(s, opts))
	if len(errs) > 0 {
		return wizard.Settings{}, warnings, settingErrors(path, errs)
	}
	return s, warnings, nil
}

// splitProblems separates the errors (rendered one per string) from the
// warnings; with sections, only the problems of settings in those sections
// ("enrollment", "smtp", ...) count.
func splitProblems(problems []wizard.Problem, sections ...string) (errs []string, warnings []wizard.Problem) {
	for _, p := range problems {
		if len(sections) > 0 {
			section, _, _ := strings.Cut(p.Setting, ".")
			if !slices.Contains(sections, section) {
				continue
			}
		}
		if p.Severity == wizard.Error {
			errs = append(errs, p.String())
		} else {
			warnings = append(warnings, p)
		}
	}
	return errs, warnings
}

// settingErrors is the one error every command gives for validation errors
// in the config file: each on its own line, and how to list them again.
func settingErrors(path string, errs []string) error {
	return fmt.Errorf("%s has errors; fix them (ldapwiz validate -c %s lists them):\n  %s", path, path, strings.Join(errs, "\n  "))
}

// loadTolerantSettings loads the config file for a command that only needs
// some sections of it (users, enroll): unknown keys or wrong types
// elsewhere in the file are printed as a warning and the settings that
// decoded are used; validation errors in the given sections (none: no
// validation) stop the command. A missing file is explained with
// missingHint, the other ways to go on ("or name it with -c FILE"). When
// the command must stop, the reason is printed on stderr after prefix
// ("ldapwiz enroll send") and ok is false: exit with code 2.
func loadTolerantSettings(env *cliEnv, prefix, path, missingHint string, sections ...string) (s wizard.Settings, ok bool) {
	s, err := loadSettings(path)
	var ce *config.ConfigError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(env.stderr, "%s: config file %s not found: create it with \"ldapwiz\", %s\n", prefix, path, missingHint)
		return s, false
	case err != nil && !errors.As(err, &ce):
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, err)
		return s, false
	case err != nil:
		fmt.Fprintf(env.stderr, "%s: warning: %s has problems (run \"ldapwiz validate\"); going on with the rest of the file: %v\n", prefix, path, err)
	}
	if len(sections) == 0 {
		return s, true
	}
	if errs, _ := splitProblems(wizard.Validate(s, wizard.ValidateOptions{Getenv: env.getenv}), sections...); len(errs) > 0 {
		fmt.Fprintf(env.stderr, "%s: %v\n", prefix, settingErrors(path, errs))
		return s, false
	}
	return s, true
}
