package main

import (
	"errors"
	"fmt"
	"strings"

	"ldapwiz/store"
	"ldapwiz/wizard"
)

// defaultConfigPath is used when neither -c/--config nor LDAPWIZ_CONFIG is given.
const defaultConfigPath = "ldapwiz.toml"

// configEnvVar names the environment variable that overrides the default config path.
const configEnvVar = "LDAPWIZ_CONFIG"

// splitConfigFlag takes -c FILE, -c=FILE, --config FILE or --config=FILE out
// of args, wherever it appears before a "--", and returns the file (or "")
// and the remaining args for the command's own flags.
func splitConfigFlag(args []string) (file string, rest []string, err error) {
	rest = make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, value, hasValue := strings.Cut(a, "=")
		if name != "-c" && name != "--config" && name != "-config" {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) || args[i+1] == "" {
				return "", nil, fmt.Errorf("%s needs a file name, e.g. %s ldapwiz.toml", name, name)
			}
			i++
			value = args[i]
		}
		if value == "" {
			return "", nil, fmt.Errorf("%s needs a file name, e.g. %s=ldapwiz.toml", name, name)
		}
		if file != "" && file != value {
			return "", nil, fmt.Errorf("the config file is given twice (%s and %s); give one -c/--config", file, value)
		}
		file = value
	}
	return file, rest, nil
}

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

// configFromArgs is what most commands start with: it takes the config
// flag out of args and resolves the path.
func configFromArgs(env *cliEnv, args []string) (path string, rest []string, err error) {
	flagValue, rest, err := splitConfigFlag(args)
	if err != nil {
		return "", nil, err
	}
	return resolveConfigPath(env, flagValue), rest, nil
}

// loadSettings reads the config file over the defaults. A *store.ConfigError
// without Syntax comes back together with the settings that did decode (the
// caller may validate them); a missing file gives a *store.NoConfigError
// (errors.Is fs.ErrNotExist).
func loadSettings(path string) (wizard.Settings, error) {
	s := wizard.Default()
	err := store.LoadTOML(path, &s)
	var ce *store.ConfigError
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
	problems := wizard.Validate(s, opts)
	var errs []string
	var warnings []wizard.Problem
	for _, p := range problems {
		if p.Severity == wizard.Error {
			errs = append(errs, p.String())
		} else {
			warnings = append(warnings, p)
		}
	}
	if len(errs) > 0 {
		return wizard.Settings{}, warnings, fmt.Errorf("%s has errors; fix them (ldapwiz validate -c %s lists them):\n  %s", path, path, strings.Join(errs, "\n  "))
	}
	return s, warnings, nil
}
