package ui

import (
	"context"
	"time"

	"ldapwiz/wizard"
)

// Common is what every screen and component of one session shares: the
// session's context, the one set of styles, the one keymap and the size of
// the terminal. The root model builds it once and hands the same pointer
// down, so a colour change or a resize is seen everywhere at once.
type Common struct {
	// Ctx is the session's context: it ends when the program ends (or the
	// SSH session drops), and every directory call derives from it.
	Ctx    context.Context
	Styles *Styles
	Keys   *KeyMap
	Width  int
	Height int
}

// newCommon builds the shared value for a session on parent (nil: a
// session of its own), with the default keymap and the styles for color.
// The session's context ends when parent does or when cancel is called
// (the program quits).
func newCommon(parent context.Context, color bool) (c *Common, cancel context.CancelFunc) {
	if parent == nil {
		parent = context.Background() // the root of a session nobody else ends
	}
	ctx, cancel := context.WithCancel(parent)
	st, keys := NewStyles(color), DefaultKeyMap()
	return &Common{Ctx: ctx, Styles: &st, Keys: &keys, Width: 80, Height: 24}, cancel
}

// dirBudget bounds a piece of directory work of about ops round trips by
// the settings' connection.timeout: each round trip may take that long.
func dirBudget(s wizard.Settings, ops int) time.Duration {
	return time.Duration(max(ops, 1)) * s.TimeoutDuration()
}
