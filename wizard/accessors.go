package wizard

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Defaults the accessors fall back to when a setting does not parse; run
// Validate first to catch such settings.
const (
	defaultTimeout   = 10 * time.Second
	defaultInterval  = 5 * time.Minute
	defaultTokenTTL  = 48 * time.Hour
	defaultMaxDelete = "10%"
)

// TimeoutDuration returns connection.timeout, or 10s when it is not a
// positive duration.
func (s Settings) TimeoutDuration() time.Duration {
	return positiveDuration(s.Connection.Timeout, defaultTimeout)
}

// IntervalDuration returns sync.interval, or 5m when it is not a positive duration.
func (s Settings) IntervalDuration() time.Duration {
	return positiveDuration(s.Sync.Interval, defaultInterval)
}

// TokenTTLDuration returns enrollment.token_ttl, or 48h when it is not a
// positive duration.
func (s Settings) TokenTTLDuration() time.Duration {
	return positiveDuration(s.Enrollment.TokenTTL, defaultTokenTTL)
}

func positiveDuration(v string, def time.Duration) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d <= 0 {
		return def
	}
	return d
}

// MaxDeleteLimit returns how many deletions a run may make when linked
// entries are linked: sync.max_delete as a count ("25"), or as a percentage
// of linked rounded up ("10%" of 5 is 1; "0%" is 0; "100%" is linked). A
// max_delete that does not parse counts as "10%".
func (s Settings) MaxDeleteLimit(linked int) int {
	n, pct, err := parseMaxDelete(s.Sync.MaxDelete)
	if err != nil {
		n, pct, _ = parseMaxDelete(defaultMaxDelete)
	}
	if !pct {
		return int(n)
	}
	return int(math.Ceil(float64(linked) * n / 100))
}

// parseMaxDelete parses "N" (a whole number >= 0) or "N%" (0 to 100, decimals allowed).
func parseMaxDelete(v string) (n float64, percent bool, err error) {
	v = strings.TrimSpace(v)
	if p, ok := strings.CutSuffix(v, "%"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || f < 0 || f > 100 || math.IsNaN(f) {
			return 0, true, strconv.ErrSyntax
		}
		return f, true, nil
	}
	i, err := strconv.ParseUint(v, 10, 31)
	if err != nil {
		return 0, false, err
	}
	return float64(i), false, nil
}

// EffectiveRDNAttribute returns users.rdn_attribute, or
// users.username_attribute when it is empty.
func (s Settings) EffectiveRDNAttribute() string {
	if r := strings.TrimSpace(s.Users.RDNAttribute); r != "" {
		return r
	}
	return strings.TrimSpace(s.Users.UsernameAttribute)
}

// EffectiveUserFilter returns users.filter with surrounding parentheses
// added when the user left them out ("mail=*" becomes "(mail=*)"); "" when
// no filter is set.
func (s Settings) EffectiveUserFilter() string { return wrapFilter(s.Users.Filter) }
