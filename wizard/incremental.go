package wizard

import (
	"strings"
	"time"

	"ldapwiz/ldap"
)

// sync.incremental values: how a run reads only what changed since the
// previous one.
const (
	IncrementalAuto     = "auto"                  // the method the server offers, if any
	IncrementalOff      = "off"                   // every run reads the directory whole
	IncrementalSyncrepl = ldap.SyncMethodSyncrepl // RFC 4533 content sync
	IncrementalDirSync  = ldap.SyncMethodDirSync  // Active Directory's DirSync control
	IncrementalUSN      = ldap.SyncMethodUSN      // Active Directory's uSNChanged
)

// DefaultFullEvery is sync.full_every when it is empty.
const DefaultFullEvery = 24 * time.Hour

// EffectiveIncremental returns sync.incremental, "auto" when empty.
func (s Settings) EffectiveIncremental() string {
	if v := strings.TrimSpace(s.Sync.Incremental); v != "" {
		return v
	}
	return IncrementalAuto
}

// FullEveryDuration returns sync.full_every, DefaultFullEvery when empty
// or unreadable (validation reports the latter).
func (s Settings) FullEveryDuration() time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(s.Sync.FullEvery))
	if err != nil || d <= 0 {
		return DefaultFullEvery
	}
	return d
}

// incremental checks sync.incremental and sync.full_every.
func (c *checker) incremental() {
	s := c.s.Sync
	switch c.s.EffectiveIncremental() {
	case IncrementalAuto, IncrementalOff, IncrementalSyncrepl, IncrementalUSN:
	case IncrementalDirSync:
		c.warnf("sync.incremental", "incremental = %q is not read by this ldapwiz yet, so every run reads the directory whole; use \"auto\" (uSNChanged on Active Directory) or \"off\".", c.s.EffectiveIncremental())
	default:
		c.errorf("sync.incremental", "incremental %s is not \"auto\" (use what the server offers), \"off\" (always read the directory whole), \"syncrepl\", \"dirsync\" or \"usn\".", Echo(s.Incremental))
	}
	if strings.TrimSpace(s.FullEvery) == "" {
		return
	}
	if msg := durationProblem(s.FullEvery, "24h"); msg != "" {
		c.errorf("sync.full_every", "The full-read period %s", msg)
	}
}
