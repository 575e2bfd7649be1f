package ui

// backend.go: the calls into the wizard and store packages that the UI runs
// from commands.

import (
	"ldapwiz/config"
	"ldapwiz/wizard"
)

// validateSettings runs the settings validation. It may read files (password
// files, ca_file) and stat store.path's directory: call it from commands only.
func validateSettings(s wizard.Settings, getenv func(string) string) []wizard.Problem {
	return wizard.Validate(s, wizard.ValidateOptions{Getenv: getenv})
}

// encodeSettings renders the settings exactly as the file will be written.
func encodeSettings(s wizard.Settings) ([]byte, error) {
	return config.EncodeCommented(s)
}

// saveFile writes the config file atomically, mode 0600, keeping a backup.
func saveFile(path string, data []byte) error {
	return config.SaveAtomic(path, data)
}
