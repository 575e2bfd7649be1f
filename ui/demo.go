package ui

import "ldapwiz/wizard"

// Demo describes the directory the wizard was started against by
// "ldapwiz --demo": the Welcome screen says so, preselects the matching
// preset, and every preset chosen there is adjusted so that it keeps
// pointing at the demo directory (its address, CA, account and layout).
type Demo struct {
	Banner string                                // shown above the Welcome list: what runs where, and for how long
	Preset string                                // the preset preselected on Welcome (wizard.PresetOpenLDAP, wizard.PresetAD)
	Adjust func(wizard.Settings) wizard.Settings // applied to a preset chosen on Welcome
}

// presetSettings returns the settings of a preset chosen on Welcome, adjusted
// for the demo directory when the wizard runs against it.
func (m *Model) presetSettings(name string) (wizard.Settings, bool) {
	s, ok := wizard.Preset(name)
	if ok && m.opts.Demo != nil && m.opts.Demo.Adjust != nil {
		s = m.opts.Demo.Adjust(s)
	}
	return s, ok
}
