package ui

import (
	"runtime/debug"

	tea "charm.land/bubbletea/v2"
)

// giveBackMemory is the command a screen returns once a preview's or a
// sync run's answer has arrived: what the run read of both sides is
// garbage by then (the screen keeps the plan), and so is the plan the
// answer replaced, but the runtime keeps their pages until its next
// collection, which a wizard being read does not reach soon. It gives them
// back to the system, off the update loop (at 100,000 users a preview
// reads and plans in about 90 MB and keeps a plan of about 55). It
// answers nothing.
func giveBackMemory() tea.Msg {
	debug.FreeOSMemory()
	return nil
}
