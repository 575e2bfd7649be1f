package wizard

import (
	"testing"
	"time"
)

// sync.incremental and sync.full_every are checked with the setting named
// and the fix.
func TestValidateIncremental(t *testing.T) {
	e := newTestEnv(t)
	cases := []problemCase{
		{"unknown method", "sync.incremental", Error, `"auto" (use what the server offers)`, func(s *Settings) { s.Sync.Incremental = "changelog" }},
		{"dirsync not read yet", "sync.incremental", Warning, "reads the directory whole", func(s *Settings) { s.Sync.Incremental = IncrementalDirSync }},
		{"full_every in days", "sync.full_every", Error, "Days are not a unit", func(s *Settings) { s.Sync.FullEvery = "1d" }},
		{"full_every negative", "sync.full_every", Error, "longer than zero", func(s *Settings) { s.Sync.FullEvery = "-1h" }},
	}
	checkProblemCases(t, e, cases, func(string) Screen { return ScreenSync })
}

// The defaults, "off", "syncrepl" and empty values are good, and the
// accessors fill in the defaults.
func TestIncrementalGoodVariants(t *testing.T) {
	e := newTestEnv(t)
	if d := Default(); d.Sync.Incremental != IncrementalAuto || d.Sync.FullEvery != "24h" {
		t.Fatalf("defaults incremental %q, full_every %q", d.Sync.Incremental, d.Sync.FullEvery)
	}
	for _, v := range []struct{ inc, every, want string }{{"", "", IncrementalAuto}, {IncrementalOff, "1h", IncrementalOff}, {IncrementalSyncrepl, "30m", IncrementalSyncrepl}, {IncrementalUSN, "", IncrementalUSN}} {
		s := e.valid()
		s.Sync.Incremental, s.Sync.FullEvery = v.inc, v.every
		for _, p := range Validate(s, e.opts()) {
			if p.Setting == "sync.incremental" || p.Setting == "sync.full_every" {
				t.Errorf("%+v: %s", v, p.Message)
			}
		}
		if s.EffectiveIncremental() != v.want {
			t.Errorf("%+v: EffectiveIncremental %q", v, s.EffectiveIncremental())
		}
	}
	s := e.valid()
	s.Sync.FullEvery = ""
	if s.FullEveryDuration() != DefaultFullEvery {
		t.Errorf("empty full_every: %s", s.FullEveryDuration())
	}
	s.Sync.FullEvery = "90m"
	if s.FullEveryDuration() != 90*time.Minute {
		t.Errorf("90m: %s", s.FullEveryDuration())
	}
}
