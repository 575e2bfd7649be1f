package wizard

import (
	"testing"
	"time"
)

func TestDurationAccessors(t *testing.T) {
	s := Default()
	s.Connection.Timeout, s.Sync.Interval, s.Enrollment.TokenTTL = "3s", "90s", "72h"
	if s.TimeoutDuration() != 3*time.Second || s.IntervalDuration() != 90*time.Second || s.TokenTTLDuration() != 72*time.Hour {
		t.Fatalf("got %v %v %v", s.TimeoutDuration(), s.IntervalDuration(), s.TokenTTLDuration())
	}
	s.Connection.Timeout, s.Sync.Interval, s.Enrollment.TokenTTL = "x", "-1m", ""
	if s.TimeoutDuration() != 10*time.Second || s.IntervalDuration() != 5*time.Minute || s.TokenTTLDuration() != 48*time.Hour {
		t.Fatalf("fallbacks: %v %v %v", s.TimeoutDuration(), s.IntervalDuration(), s.TokenTTLDuration())
	}
}

func TestMaxDeleteLimit(t *testing.T) {
	cases := []struct {
		v      string
		linked int
		want   int
	}{
		{"10%", 100, 10}, {"10%", 5, 1}, {"10%", 0, 0}, {"0%", 50, 0}, {"100%", 7, 7},
		{"2.5%", 1000, 25}, {"25", 3, 25}, {"0", 100, 0}, {" 5 % ", 200, 10}, {"junk", 100, 10},
	}
	for _, c := range cases {
		s := Default()
		s.Sync.MaxDelete = c.v
		if got := s.MaxDeleteLimit(c.linked); got != c.want {
			t.Errorf("MaxDeleteLimit(%q, %d) = %d, want %d", c.v, c.linked, got, c.want)
		}
	}
}

func TestEffectiveRDNAndFilter(t *testing.T) {
	s := Default()
	if s.EffectiveRDNAttribute() != "uid" {
		t.Fatalf("rdn falls back to username: %q", s.EffectiveRDNAttribute())
	}
	s.Users.RDNAttribute = "cn"
	if s.EffectiveRDNAttribute() != "cn" {
		t.Fatal("rdn attribute ignored")
	}
	for in, want := range map[string]string{"": "", "mail=*": "(mail=*)", " (mail=*) ": "(mail=*)", "&(a=1)(b=2)": "(&(a=1)(b=2))"} {
		s.Users.Filter = in
		if got := s.EffectiveUserFilter(); got != want {
			t.Errorf("EffectiveUserFilter(%q) = %q, want %q", in, got, want)
		}
	}
}
