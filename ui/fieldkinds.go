package ui

import (
	"strconv"

	"ldapwiz/wizard"
)

// textS builds a free-text field bound through accessor functions on the settings.
func textS(k, label, help string, get func(*wizard.Settings) *string) *field {
	return &field{Key: k, Label: label, Help: help, Kind: kindText,
		get: func(s *wizard.Settings) string { return *get(s) },
		set: func(s *wizard.Settings, v string) { *get(s) = v }}
}

// intS builds a whole-number field.
func intS(k, label, help string, get func(*wizard.Settings) *int) *field {
	return &field{Key: k, Label: label, Help: help, Kind: kindInt,
		get: func(s *wizard.Settings) string { return strconv.Itoa(*get(s)) },
		set: func(s *wizard.Settings, v string) { n, _ := strconv.Atoi(v); *get(s) = n }}
}

// boolS builds a yes/no field.
func boolS(k, label, help string, get func(*wizard.Settings) *bool) *field {
	return &field{Key: k, Label: label, Help: help, Kind: kindBool,
		getB: func(s *wizard.Settings) bool { return *get(s) },
		setB: func(s *wizard.Settings, v bool) { *get(s) = v }}
}

// listS builds a list-of-strings field typed comma-separated.
func listS(k, label, help string, get func(*wizard.Settings) *[]string) *field {
	return &field{Key: k, Label: label, Help: help, Kind: kindList,
		get: func(s *wizard.Settings) string { return joinList(*get(s)) },
		set: func(s *wizard.Settings, v string) { *get(s) = splitList(v) }}
}

// choiceS builds a one-of-a-few field.
func choiceS(k, label, help string, get func(*wizard.Settings) *string, choices ...choice) *field {
	f := textS(k, label, help, get)
	f.Kind = kindChoice
	f.Choice = choices
	return f
}
