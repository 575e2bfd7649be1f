package serve

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"ldapwiz/config"
	"ldapwiz/ui"
	"ldapwiz/wizard"
)

// wizardOptions loads the config file afresh for one session: each session
// starts from the file as it is on disk now, so sessions share nothing but
// the file (and the wizard's save-conflict check keeps one from silently
// overwriting another's save).
func wizardOptions(path string) (ui.Options, error) {
	opts := ui.Options{Path: path, Settings: wizard.Default()}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return opts, nil
	}
	if err != nil {
		return opts, fmt.Errorf("cannot read %s: %w", path, err)
	}
	s := wizard.Default()
	err = config.LoadTOML(path, &s)
	var ce *config.ConfigError
	if err != nil && (!errors.As(err, &ce) || ce.Syntax) {
		return opts, fmt.Errorf("%v; fix the file by hand on the server", err)
	}
	opts.Settings, opts.Exists, opts.OnDisk = s, true, data
	return opts, nil
}
