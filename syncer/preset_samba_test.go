package syncer

import (
	"context"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/sambatest"
	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// adPresetFor returns the Active Directory preset with only the fields a
// user must fill in changed: URL, bind account, password (from an
// environment variable) and the test CA.
func adPresetFor(t *testing.T, srv *sambatest.Server) (wizard.Settings, func(string) string) {
	t.Helper()
	s, ok := wizard.Preset(wizard.PresetAD)
	if !ok {
		t.Fatal("no AD preset")
	}
	s.Connection.URL = srv.LDAPSURL
	s.Connection.BindDN = srv.AdminUPN
	s.Connection.BindPasswordEnv = "LDAPWIZ_TEST_BIND_PASSWORD"
	s.Connection.CAFile = srv.CAFile
	getenv := func(k string) string {
		if k == s.Connection.BindPasswordEnv {
			return srv.AdminPassword
		}
		return ""
	}
	return s, getenv
}

// presetScope is what the users and groups settings select (as the
// Connection screen and `ldapwiz test` build it).
func presetScope(s wizard.Settings) ldap.TestScope {
	return ldap.TestScope{
		UserBase: s.Users.SearchBase, UserObjectClass: s.Users.ObjectClass, UserFilter: s.Users.Filter,
		UsernameAttribute: s.Users.UsernameAttribute, UserMemberAttribute: s.Users.MemberAttribute,
		GroupBase: s.Groups.SearchBase, GroupObjectClass: s.Groups.ObjectClass,
		GroupNameAttribute: s.Groups.NameAttribute, GroupMemberAttribute: s.Groups.MemberAttribute,
		UserAttributes: map[string]string{
			"users.attributes.email": s.Users.Attributes.Email, "users.attributes.first_name": s.Users.Attributes.FirstName,
			"users.attributes.last_name": s.Users.Attributes.LastName, "users.attributes.phone": s.Users.Attributes.Phone,
		},
	}
}

// seedPresetUsers adds users carrying the attributes the preset maps, and
// a group holding them.
func seedPresetUsers(t *testing.T, srv *sambatest.Server) {
	t.Helper()
	admin := srv.AdminConn(t)
	var members []string
	for _, u := range []struct{ sam, given, sn string }{{"alice", "Alice", "Liddell"}, {"bob", "Bob", "Doe"}, {"chloé", "Chloé", "Ñúñez"}} {
		dn := srv.AddUser(t, u.sam, "Us3r!Passw0rd", false)
		req := goldap.NewModifyRequest(dn, nil)
		req.Replace("givenName", []string{u.given})
		req.Replace("sn", []string{u.sn})
		req.Replace("mail", []string{u.sam + "@example.test"})
		req.Replace("telephoneNumber", []string{"+1 555 0100"})
		if err := admin.Modify(req); err != nil {
			t.Fatalf("seeding %s: %v", dn, err)
		}
		members = append(members, dn)
	}
	srv.AddGroup(t, "staff", members...)
}

func presetSteps(res ldap.TestResult) string {
	var b strings.Builder
	for _, s := range res.Steps {
		b.WriteString("  " + s.ID + " " + string(s.Status) + ": " + s.Detail + " | hint: " + s.Hint + "\n")
	}
	return b.String()
}

// TestADPresetAgainstSamba checks that the AD preset, with only the URL,
// bind account, password and CA filled in, validates and passes the staged
// connection test against a Samba AD domain once its search bases sit in
// the domain's naming context.
func TestADPresetAgainstSamba(t *testing.T) {
	srv := sambatest.Start(t)
	seedPresetUsers(t, srv)
	s, getenv := adPresetFor(t, srv)
	opts := wizard.ValidateOptions{Getenv: getenv}
	if probs := wizard.Validate(s, opts); wizard.HasErrors(probs) {
		t.Fatalf("the AD preset with URL, bind account and password filled in does not validate: %v", probs)
	}
	cfg, err := s.LDAPConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// The preset's placeholder bases (…,dc=example,dc=com) are outside the
	// domain: only the base steps fail, and they name the real domain.
	res := ldap.RunTest(ctx, cfg, presetScope(s), nil)
	t.Logf("preset as is:\n%s", presetSteps(res))
	for _, st := range res.Steps {
		switch st.ID {
		case ldap.StepUserBase, ldap.StepGroupBase:
			if st.Status != ldap.StepFailed || !strings.Contains(st.Detail+st.Hint, srv.BaseDN) {
				t.Errorf("step %s with the placeholder base: %+v", st.ID, st)
			}
		case ldap.StepDNS, ldap.StepTCP, ldap.StepTLS, ldap.StepRootDSE, ldap.StepBind:
			if st.Status != ldap.StepOK {
				t.Errorf("step %s: %s: %s", st.ID, st.Status, st.Detail)
			}
		}
	}
	if res.RootDSE == nil || !res.RootDSE.ActiveDirectory {
		t.Fatalf("Active Directory not detected: %+v", res.RootDSE)
	}

	// With the bases moved into the domain's naming context (what the
	// Connection screen offers after the test), nothing fails.
	nc := res.RootDSE.DefaultNamingContext
	s.Users.SearchBase = rebaseOnto(t, s.Users.SearchBase, nc)
	s.Groups.SearchBase = rebaseOnto(t, s.Groups.SearchBase, nc)
	if probs := wizard.Validate(s, opts); wizard.HasErrors(probs) {
		t.Fatalf("rebased preset does not validate: %v", probs)
	}
	res = ldap.RunTest(ctx, cfg, presetScope(s), nil)
	t.Logf("preset with bases under %s:\n%s", nc, presetSteps(res))
	for _, st := range res.Steps {
		if st.Status != ldap.StepOK {
			t.Errorf("step %s is %s: %s | hint: %s", st.ID, st.Status, st.Detail, st.Hint)
		}
	}
}

// rebaseOnto replaces the trailing dc= RDNs of dn (the preset's placeholder
// domain) by the naming context nc.
func rebaseOnto(t *testing.T, dn, nc string) string {
	t.Helper()
	d, err := ldap.ParseDN(dn)
	if err != nil {
		t.Fatal(err)
	}
	keep := len(d.RDNs)
	for keep > 0 && len(d.RDNs[keep-1]) == 1 && strings.EqualFold(d.RDNs[keep-1][0].Type, "dc") {
		keep--
	}
	out := ldap.DN{RDNs: d.RDNs[:keep]}.String()
	if out == "" {
		return nc
	}
	return out + "," + nc
}
