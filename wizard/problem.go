package wizard

// Severity says whether a Problem blocks saving a usable configuration.
type Severity int

// Severities, least severe first.
const (
	Warning Severity = iota
	Error
)

// String returns "warning" or "error".
func (s Severity) String() string {
	if s == Error {
		return "error"
	}
	return "warning"
}

// Screen names a wizard screen: where a Problem can be fixed.
type Screen string

// The wizard screens, in flow order.
const (
	ScreenWelcome    Screen = "welcome"
	ScreenConnection Screen = "connection"
	ScreenUsers      Screen = "users"
	ScreenGroups     Screen = "groups"
	ScreenSync       Screen = "sync"
	ScreenEnrollment Screen = "enrollment"
	ScreenReview     Screen = "review"
	ScreenPreview    Screen = "preview"
	ScreenRun        Screen = "run"
)

// Problem is one thing wrong with a configuration.
type Problem struct {
	Severity Severity
	Setting  string // dotted TOML key, e.g. "users.search_base"
	Screen   Screen // the wizard screen that edits Setting
	Message  string // what is wrong and how to fix it, one or two sentences; never contains a secret
}

// String renders the problem as "error: users.search_base: message".
func (p Problem) String() string {
	return p.Severity.String() + ": " + p.Setting + ": " + p.Message
}
