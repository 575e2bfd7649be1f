package wizard

import (
	"testing"
	"time"
)

// groups.filter, sync.missing_users, sync.missing_grace and
// groups.flatten_nested are checked with the setting named and the fix.
func TestValidateScopeOptions(t *testing.T) {
	e := newTestEnv(t)
	cases := []problemCase{
		{"group filter unbalanced", "groups.filter", Error, "is not a valid LDAP filter", func(s *Settings) { s.Groups.Filter = "(cn=a" }},
		{"group filter two conditions", "groups.filter", Error, "wrap them in (&...)", func(s *Settings) { s.Groups.Filter = "(cn=a)(cn=b)" }},
		{"group filter without parentheses", "groups.filter", Error, "checked with parentheses added", func(s *Settings) { s.Groups.Filter = "cn=a)(" }},
		{"missing users unknown", "sync.missing_users", Error, `"delete"`, func(s *Settings) { s.Sync.MissingUsers = "remove" }},
		{"grace in days", "sync.missing_grace", Error, "Days are not a unit", func(s *Settings) {
			s.Sync.MissingUsers, s.Sync.MissingGrace = MissingDisable, "3d"
		}},
		{"grace negative", "sync.missing_grace", Error, "longer than zero", func(s *Settings) {
			s.Sync.MissingUsers, s.Sync.MissingGrace = MissingDisable, "-1h"
		}},
		{"grace with delete", "sync.missing_grace", Warning, `only applies with missing_users = "disable"`, func(s *Settings) { s.Sync.MissingGrace = "72h" }},
		{"disable in one-way", "sync.missing_users", Warning, "one-way", func(s *Settings) {
			s.Sync.MissingUsers, s.Sync.Mode = MissingDisable, ModeOneWay
		}},
		{"flatten without member attribute", "groups.flatten_nested", Warning, "groups.member_attribute", func(s *Settings) {
			s.Groups.FlattenNested, s.Groups.MemberAttribute = true, ""
		}},
	}
	checkProblemCases(t, e, cases, ScreenFor)
}

// The good variants produce no problem, and the accessors read them.
func TestScopeOptionsGoodVariants(t *testing.T) {
	e := newTestEnv(t)
	s := e.valid()
	s.Groups.Filter, s.Groups.FlattenNested = "!(cn=archive*)", true
	s.Sync.MissingUsers, s.Sync.MissingGrace = MissingDisable, "72h"
	if ps := Validate(s, e.opts()); len(ps) != 0 {
		t.Fatalf("problems:\n%s", renderProblems(ps))
	}
	if got := s.Scope().GroupFilter; got != "(&(objectClass=groupOfNames)(!(cn=archive*)))" {
		t.Errorf("group filter %q", got)
	}
	if s.MissingGraceDuration() != 72*time.Hour || s.EffectiveMissingUsers() != MissingDisable {
		t.Errorf("missing %q after %v", s.EffectiveMissingUsers(), s.MissingGraceDuration())
	}
	s.Sync.MissingUsers, s.Sync.MissingGrace = "", ""
	if ps := Validate(s, e.opts()); len(ps) != 0 || s.EffectiveMissingUsers() != MissingDelete || s.MissingGraceDuration() != 0 {
		t.Fatalf("an older file without missing_users: %q, problems:\n%s", s.EffectiveMissingUsers(), renderProblems(ps))
	}
}
