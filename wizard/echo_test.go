package wizard

import (
	"strings"
	"testing"
)

// TestHugeValuesAreNotEchoedWhole: a 200,000-character filter (or DN, or
// mode) gets a problem that quotes its start and says how long it is.
func TestHugeValuesAreNotEchoedWhole(t *testing.T) {
	huge := "(" + strings.Repeat("x", 200000)
	s := Default()
	s.Users.Filter = huge
	s.Users.SearchBase = strings.Repeat("ou=x,", 40000) + "="
	s.Sync.Mode = strings.Repeat("m", 200000)
	seen := 0
	for _, p := range Validate(s, ValidateOptions{}) {
		if len(p.Message) > 1000 {
			t.Errorf("%s: a %d-byte message", p.Setting, len(p.Message))
		}
		switch p.Setting {
		case "users.filter", "users.search_base", "sync.mode":
			seen++
			if !strings.Contains(p.Message, "characters)") {
				t.Errorf("%s: the message does not say how long the value is: %s", p.Setting, p.Message)
			}
		}
	}
	if seen != 3 {
		t.Fatalf("expected problems with the filter, the base and the mode; got %d", seen)
	}
	if got := Echo("short"); got != `"short"` {
		t.Errorf("Echo(short) = %s", got)
	}
}
