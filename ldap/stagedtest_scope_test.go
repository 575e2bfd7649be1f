package ldap

import (
	"context"
	"strings"
	"testing"

	"ldapwiz/internal/slapdtest"
)

// noMemberOfLDIF adds users without memberOf (slapadd runs no overlay) and a
// group that lists them: what a server without the memberOf overlay shows.
const noMemberOfLDIF = `dn: ou=nomemberof,dc=example,dc=com
objectClass: organizationalUnit
ou: nomemberof

dn: uid=nomo1,ou=nomemberof,dc=example,dc=com
objectClass: inetOrgPerson
uid: nomo1
cn: No Memberof One
sn: One

dn: uid=nomo2,ou=nomemberof,dc=example,dc=com
objectClass: inetOrgPerson
uid: nomo2
cn: No Memberof Two
sn: Two

dn: cn=nomo-team,ou=groups,dc=example,dc=com
objectClass: groupOfNames
cn: nomo-team
member: uid=nomo1,ou=nomemberof,dc=example,dc=com
member: uid=nomo2,ou=nomemberof,dc=example,dc=com

`

func TestRunTestScopeProblems(t *testing.T) {
	s := slapdtest.StartWith(t, slapdtest.Options{ExtraLDIF: noMemberOfLDIF})
	cfg := readerConfig(s, s.LDAPSURL)

	t.Run("search base does not exist", func(t *testing.T) {
		scope := fixtureScope()
		scope.UserBase = "ou=contractors,ou=engineering,ou=people,dc=example,dc=com"
		res := runTest(t, cfg, scope)
		wantStep(t, res, StepUserBase, StepFailed, "users.search_base", "does not exist", "closest existing entry is ou=engineering,ou=people,dc=example,dc=com")
		wantStatuses(t, res, map[string]StepStatus{StepUsers: StepNotRun, StepUserSample: StepNotRun, StepAccess: StepNotRun,
			StepGroupBase: StepOK, StepGroups: StepOK, StepGroupSample: StepOK})
	})
	t.Run("search base is not a DN", func(t *testing.T) {
		scope := fixtureScope()
		scope.GroupBase = "groups"
		res := runTest(t, cfg, scope)
		wantStep(t, res, StepGroupBase, StepFailed, "groups.search_base", "not a valid DN", "dc=example,dc=com")
		wantStatuses(t, res, map[string]StepStatus{StepUsers: StepOK, StepGroups: StepNotRun})
	})
	t.Run("object class nobody has", func(t *testing.T) {
		scope := fixtureScope()
		scope.UserObjectClass = "posixAccount"
		res := runTest(t, cfg, scope)
		wantStep(t, res, StepUsers, StepWarning, "users.object_class", "no users match", "posixAccount", "inetOrgPerson (")
		wantStatuses(t, res, map[string]StepStatus{StepUserSample: StepNotRun, StepAccess: StepNotRun})
		if res.Failed() {
			t.Errorf("zero users is a warning, not a failure:\n%s", dumpSteps(res))
		}
	})
	t.Run("filter removes everyone", func(t *testing.T) {
		scope := fixtureScope()
		scope.UserFilter = "departmentNumber=42"
		res := runTest(t, cfg, scope)
		wantStep(t, res, StepUsers, StepWarning, "users.filter", "removes all 300", "(departmentNumber=42)")
	})
	t.Run("base without entries", func(t *testing.T) {
		scope := fixtureScope()
		scope.UserBase = "ou=empty,dc=example,dc=com"
		res := runTest(t, cfg, scope)
		wantStep(t, res, StepUsers, StepWarning, "users.search_base", "has no entries below it")
	})
	t.Run("invalid filter", func(t *testing.T) {
		scope := fixtureScope()
		scope.UserFilter = "(&(uid=a)"
		res := runTest(t, cfg, scope)
		wantStep(t, res, StepUsers, StepFailed, "users.filter", "not a valid LDAP filter")
	})
	t.Run("memberOf missing", func(t *testing.T) {
		scope := fixtureScope()
		scope.UserBase = "ou=nomemberof,dc=example,dc=com"
		res := runTest(t, cfg, scope)
		wantStep(t, res, StepUserSample, StepWarning, "users.member_attribute",
			"none of the 2 sampled users has memberOf", "cn=nomo-team,ou=groups,dc=example,dc=com", "memberOf overlay is not enabled", "groups.member_attribute (member)")
	})
	t.Run("member attribute nobody has", func(t *testing.T) {
		scope := fixtureScope()
		scope.UserMemberAttribute = "isMemberOf"
		res := runTest(t, cfg, scope)
		wantStep(t, res, StepUserSample, StepWarning, "users.member_attribute", "none of the 20 sampled users has isMemberOf")
	})
	t.Run("username attribute nobody has", func(t *testing.T) {
		scope := fixtureScope()
		scope.UsernameAttribute = "sAMAccountName"
		res := runTest(t, cfg, scope)
		wantStep(t, res, StepUserSample, StepFailed, "users.username_attribute", "has sAMAccountName", "has: ", "uid")
	})
	t.Run("group member attribute nobody has", func(t *testing.T) {
		scope := fixtureScope()
		scope.GroupMemberAttribute = "uniqueMember"
		res := runTest(t, cfg, scope)
		wantStep(t, res, StepGroupSample, StepWarning, "groups.member_attribute", "none of the 8 groups has uniqueMember")
	})
	t.Run("mapped attribute nobody shows", func(t *testing.T) {
		scope := fixtureScope()
		scope.UserAttributes["users.attributes.phone"] = "mobile"
		res := runTest(t, cfg, scope)
		wantStep(t, res, StepAccess, StepWarning, "users.attributes.phone", "no sampled user shows mobile")
	})
}

func TestRunTestAnonymousBind(t *testing.T) {
	s := slapdtest.Start(t)
	cfg := readerConfig(s, s.LDAPSURL)
	cfg.BindDN, cfg.BindPassword = "", ""
	res := runTest(t, cfg, fixtureScope())
	wantStep(t, res, StepBind, StepWarning, "connection.bind_dn", "anonymously")
	// The fixture's ACLs hide the tree from anonymous users.
	wantStep(t, res, StepUserBase, StepFailed, "users.search_base", "does not exist", "bound anonymously")
	wantStatuses(t, res, map[string]StepStatus{StepRootDSE: StepOK, StepTLS: StepOK})
}

func TestRunTestBindDNNotADN(t *testing.T) {
	s := slapdtest.Start(t)
	cfg := readerConfig(s, s.LDAPSURL)
	cfg.BindDN = "reader"
	res := runTest(t, cfg, fixtureScope())
	wantStep(t, res, StepBind, StepFailed, "connection.bind_dn", "not a valid DN", "user@domain")
}

func TestRunTestEmptyPassword(t *testing.T) {
	s := slapdtest.Start(t)
	cfg := readerConfig(s, s.LDAPSURL)
	cfg.BindPassword = ""
	res := runTest(t, cfg, fixtureScope())
	wantStep(t, res, StepBind, StepFailed, "connection.bind_password_file", "password is empty")
}

func TestRunTestCancelled(t *testing.T) {
	s := slapdtest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	var got []Step
	res := RunTest(ctx, readerConfig(s, s.LDAPSURL), fixtureScope(), func(st Step) {
		got = append(got, st)
		if st.ID == StepBind {
			cancel()
		}
	})
	if len(res.Steps) != len(stepTitles) || len(got) != len(stepTitles) {
		t.Fatalf("steps: %d, reported %d", len(res.Steps), len(got))
	}
	for _, st := range res.Steps[5:] {
		if st.Status != StepNotRun || !strings.Contains(st.Detail, "cancelled") {
			t.Errorf("step %s after cancel: %s %s", st.ID, st.Status, st.Detail)
		}
	}
}

// TestRunTestAccessStepFailsWhenACLsHideWhatSyncNeeds runs the access step
// against a slapd whose ACLs hide entryUUID and mail from the bind account:
// the stable id failure names connection.bind_dn, and the hidden mapped
// attribute is reported too.
func TestRunTestAccessStepFailsWhenACLsHideWhatSyncNeeds(t *testing.T) {
	s := slapdtest.StartWith(t, slapdtest.Options{ExtraACL: []string{
		`to attrs=entryUUID,mail by dn.exact="@READER@" none by users read by * none`,
	}})
	res := runTest(t, readerConfig(s, s.LDAPSURL), fixtureScope())
	wantStep(t, res, StepAccess, StepFailed, "connection.bind_dn",
		"no stable id (entryUUID", "on the 20 sampled users", "no sampled user shows mail (users.attributes.email)", "read access to entryUUID")
	wantStatuses(t, res, map[string]StepStatus{StepBind: StepOK, StepUsers: StepOK, StepUserSample: StepOK})
}

// TestRunTestZeroGroups covers the groups step's warning form: a group
// object class no entry has is reported with what the base does hold, and
// the group sample does not run.
func TestRunTestZeroGroups(t *testing.T) {
	s := slapdtest.Start(t)
	scope := fixtureScope()
	scope.GroupObjectClass = "groupOfUniqueNames"
	res := runTest(t, readerConfig(s, s.LDAPSURL), scope)
	wantStep(t, res, StepGroups, StepWarning, "groups.object_class", "no groups match", "groupOfUniqueNames", "groupOfNames (")
	wantStatuses(t, res, map[string]StepStatus{StepGroupSample: StepNotRun, StepUsers: StepOK, StepAccess: StepOK})
	if res.Failed() {
		t.Errorf("zero groups is a warning, not a failure:\n%s", dumpSteps(res))
	}
}
