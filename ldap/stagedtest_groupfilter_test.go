package ldap

import (
	"testing"

	"ldapwiz/internal/slapdtest"
)

// The connection test counts the groups with groups.filter, as the sync and
// the live count do: a filter that removes every group blames the filter,
// one that does not compile fails the step naming the setting.
func TestRunTestGroupFilter(t *testing.T) {
	s := slapdtest.Start(t)
	cfg := readerConfig(s, s.LDAPSURL)

	scope := fixtureScope()
	scope.GroupFilter = "!(cn=archive-all)"
	res := runTest(t, cfg, scope)
	wantStep(t, res, StepGroups, StepOK, "", "(&(objectClass=groupOfNames)(!(cn=archive-all)))")

	scope.GroupFilter = "(cn=no-such-group)"
	res = runTest(t, cfg, scope)
	wantStep(t, res, StepGroups, StepWarning, "groups.filter", "no groups match", "(cn=no-such-group)")

	scope.GroupFilter = "(cn=a"
	res = runTest(t, cfg, scope)
	wantStep(t, res, StepGroups, StepFailed, "groups.filter", "not a valid LDAP filter")
}
