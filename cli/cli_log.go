package cli

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// logFlags are the persistent --log-format and --log-level flags: the
// structured log lines of sync runs and the SSH server, on stderr.
type logFlags struct {
	format   enumFlag
	level    enumFlag
	explicit bool // either flag was given
}

// newLogFlags returns the flags at their defaults: text, info.
func newLogFlags() *logFlags {
	lf := &logFlags{}
	lf.format = enumFlag{value: "text", allowed: []string{"text", "json"}, set: &lf.explicit}
	lf.level = enumFlag{value: "info", allowed: []string{"debug", "info", "warn", "error"}, set: &lf.explicit}
	return lf
}

// logger returns the logger the flags ask for, writing to w. Commands that
// run as services (sync --watch, serve) log always; others only when a
// flag asked for it (always false): their output is already for a person.
func (lf *logFlags) logger(w io.Writer, always bool) *slog.Logger {
	if lf == nil || (!always && !lf.explicit) {
		return nil
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(lf.level.value)) // validated by Set
	opts := &slog.HandlerOptions{Level: level}
	if lf.format.value == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// enumFlag is a flag whose value is one of a few words.
type enumFlag struct {
	value   string
	allowed []string
	set     *bool // set to true when the flag is given
}

// String returns the value.
func (f *enumFlag) String() string { return f.value }

// Set accepts one of the allowed words.
func (f *enumFlag) Set(v string) error {
	for _, a := range f.allowed {
		if v == a {
			f.value = v
			if f.set != nil {
				*f.set = true
			}
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", v, strings.Join(f.allowed, ", "))
}

// Type names the values in help.
func (f *enumFlag) Type() string { return strings.Join(f.allowed, "|") }
