package wizard

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// ValidateOptions controls what Validate may look at outside the settings:
// environment variables and files. Nil fields use the real os functions, so
// the zero value validates against this machine.
type ValidateOptions struct {
	Getenv   func(string) string               // os.Getenv when nil
	ReadFile func(string) ([]byte, error)      // os.ReadFile when nil: password files, ca_file
	Stat     func(string) (fs.FileInfo, error) // os.Stat when nil: store.path's directory, secret files' modes
	Writable func(string) error                // can this process write the file or directory? nil asks the kernel
}

// Validate checks every setting and returns all problems found, errors and
// warnings, grouped by screen in flow order. No problem contains a secret:
// passwords, password files' contents and environment values are never quoted.
// It does not contact the directory.
func Validate(s Settings, opts ValidateOptions) []Problem {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.ReadFile == nil {
		opts.ReadFile = os.ReadFile
	}
	if opts.Stat == nil {
		opts.Stat = os.Stat
	}
	if opts.Writable == nil {
		opts.Writable = writable
	}
	c := &checker{s: s, opts: opts}
	c.connection()
	c.users()
	c.accountState()
	c.groups()
	c.sync()
	c.enrollment()
	c.smtp()
	c.store()
	c.secretFileModes()
	c.nothingConfigured()
	return c.out
}

// HasErrors reports whether any problem is an Error.
func HasErrors(problems []Problem) bool {
	for _, p := range problems {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// ScreenFor returns the wizard screen that edits a dotted setting, e.g.
// ScreenUsers for "users.attributes.email". Unknown settings map to ScreenReview.
func ScreenFor(setting string) Screen {
	section, _, _ := strings.Cut(setting, ".")
	switch section {
	case "connection":
		return ScreenConnection
	case "users":
		return ScreenUsers
	case "groups":
		return ScreenGroups
	case "sync", "store":
		return ScreenSync
	case "enrollment", "smtp":
		return ScreenEnrollment
	}
	return ScreenReview
}

// checker accumulates problems while the rules run.
type checker struct {
	s    Settings
	opts ValidateOptions
	out  []Problem
}

func (c *checker) add(sev Severity, setting, format string, args ...any) {
	c.out = append(c.out, Problem{
		Severity: sev,
		Setting:  setting,
		Screen:   ScreenFor(setting),
		Message:  capitalize(fmt.Sprintf(format, args...)),
	})
}

func (c *checker) errorf(setting, format string, args ...any) {
	c.add(Error, setting, format, args...)
}

func (c *checker) warnf(setting, format string, args ...any) {
	c.add(Warning, setting, format, args...)
}

// capitalize upper-cases the first letter of a message that starts with a
// plain word; a message starting with a setting name (bind_dn, smtp.port)
// keeps it as written.
func capitalize(m string) string {
	word, _, _ := strings.Cut(m, " ")
	if m == "" || m[0] < 'a' || m[0] > 'z' || strings.ContainsAny(word, "._=") {
		return m
	}
	return strings.ToUpper(m[:1]) + m[1:]
}
