package wizard

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// echoLimit is how many characters of a value a message quotes back.
const echoLimit = 120

// Echo quotes a value the user wrote for a message, cut to its first 120
// characters when longer ("…" and the full length follow), so a huge value
// (a 200,000-character filter) is not printed back whole. Never pass it a
// secret.
func Echo(v string) string {
	n := utf8.RuneCountInString(v)
	if n <= echoLimit {
		return strconv.Quote(v)
	}
	r := []rune(v)
	return fmt.Sprintf("%s… (%d characters)", strconv.Quote(string(r[:echoLimit])), n)
}
