package wizard

import (
	"strings"
	"time"
)

// wrapFilter returns an extra LDAP filter setting with surrounding
// parentheses added when the user left them out ("mail=*" becomes
// "(mail=*)"); "" when no filter is set.
func wrapFilter(f string) string {
	f = strings.TrimSpace(f)
	if f == "" || strings.HasPrefix(f, "(") {
		return f
	}
	return "(" + f + ")"
}

// EffectiveGroupFilter returns groups.filter the way EffectiveUserFilter
// returns users.filter: parentheses added, "" when none is set.
func (s Settings) EffectiveGroupFilter() string { return wrapFilter(s.Groups.Filter) }

// EffectiveMissingUsers returns sync.missing_users, MissingDelete when
// it is empty (files written before the setting existed).
func (s Settings) EffectiveMissingUsers() string {
	if m := strings.TrimSpace(s.Sync.MissingUsers); m != "" {
		return m
	}
	return MissingDelete
}

// MissingGraceDuration parses sync.missing_grace: 0 when it is empty (a
// disabled missing user is kept, never deleted) or does not parse
// (validation reports that).
func (s Settings) MissingGraceDuration() time.Duration {
	v := strings.TrimSpace(s.Sync.MissingGrace)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0
	}
	return d
}
