package ui

import (
	"testing"

	"charm.land/bubbles/v2/spinner"

	"ldapwiz/ldap"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// TestNotUnsavedBeforeAnythingIsTouched: a new file is not "unsaved" on the
// Welcome screen before any choice; it is once a preset is chosen.
func TestNotUnsavedBeforeAnythingIsTouched(t *testing.T) {
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 80, 24)
	d.lacks("● unsaved")
	d.keys("enter")
	d.contains("● unsaved")
}

// TestCountsAgreeInNumber: one group, one change read in the singular.
func TestCountsAgreeInNumber(t *testing.T) {
	s := wizard.Default()
	s.Connection.BindPassword = "x"
	d := newDriver(t, Options{Path: "ldapwiz.toml", Settings: s, Exists: true}, 80, 24)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenGroups)
	c := d.m.liveCount("groups")
	c.running, c.done, c.n, c.err = false, true, 1, ""
	d.contains("✓ matches 1 group")
	d.lacks("1 groups")
	d.gotoScreen(wizard.ScreenRun)
	r := d.m.runS()
	r.stage, r.phases = runRunning, map[syncer.Phase]bool{}
	r.spin, r.bar = spinner.New(), newRunBar()
	r.ev = syncer.Event{Phase: syncer.PhaseApply, Done: 1}
	d.contains("1 change")
	d.lacks("1 changes")
}

// TestRunPhasesBeforeTheCurrentOneAreDone: a phase the engine reports no
// event for (reading the store) is ticked once a later phase runs.
func TestRunPhasesBeforeTheCurrentOneAreDone(t *testing.T) {
	s := wizard.Default()
	s.Connection.BindPassword = "x"
	d := newDriver(t, Options{Path: "ldapwiz.toml", Settings: s, Exists: true}, 120, 40)
	d.keys("enter")
	d.gotoScreen(wizard.ScreenRun)
	r := d.m.runS()
	r.stage, r.spin, r.bar = runRunning, spinner.New(), newRunBar()
	r.phases = map[syncer.Phase]bool{syncer.PhaseConnect: true, syncer.PhaseReadDirectory: true, syncer.PhasePlan: true}
	r.ev = syncer.Event{Phase: syncer.PhaseApply, Done: 1}
	d.contains("✓ reading store")
}

// TestTestSummaryWithoutAFailure: steps not run while nothing failed are
// not said to follow "the failure".
func TestTestSummaryWithoutAFailure(t *testing.T) {
	d := newDriver(t, Options{Path: "ldapwiz.toml"}, 120, 40)
	d.keys("enter")
	c := d.m.connS()
	res := ldap.TestResult{Steps: []ldap.Step{
		{ID: "dns", Title: "Resolve the host", Status: ldap.StepOK},
		{ID: "bind", Title: "Sign in", Status: ldap.StepWarning},
		{ID: "users", Title: "Count users", Status: ldap.StepNotRun},
	}}
	c.test.result, c.test.steps = &res, res.Steps
	d.contains("0 failed")
	d.lacks("after the failure")
	d.contains("1 step not run")
}
