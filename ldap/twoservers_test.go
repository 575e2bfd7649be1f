package ldap_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/demodir"
	"ldapwiz/internal/slapdtest"
	"ldapwiz/ldap"
)

// server is one directory the two-server cases run against, with what the
// cases need to know about its data. Where the demo directory and slapd
// legitimately differ (data sets, size limits), the difference lives here,
// never in a case.
type server struct {
	name   string
	admin  ldap.Config // the administrator over StartTLS, CA trusted
	reader ldap.Config // a read-only service account, subject to the size limit
	base   string      // the naming context
	people string      // the user search base
	groups string      // the group search base

	escapedDN   string    // a user whose RDN holds an escaped comma
	escapedCN   string    // that user's cn, unescaped ("Doe, John")
	duplicate   [2]string // two users with the same RDN in different OUs
	nestedGroup string    // a group that has another group as a member
	nestedChild string    // that member group
	bigGroup    string    // the group with bigGroupSize member values
	bigSize     int
	users       int // inetOrgPerson entries under people
	sizeLimit   int // entries an unpaged search by reader returns before stopping
	// countsChildren: the server gives a child count (numSubordinates, as
	// 389 DS does); OpenLDAP and the demo only say whether there are any.
	countsChildren bool
	// stagedWarnings are the staged test's expected warnings over this
	// data set, step ID -> the setting named (the demo data has a
	// duplicate uid on purpose).
	stagedWarnings map[string]string
}

// servers starts the demo directory (OpenLDAP flavour) and a private slapd
// with its fixture, once per top-level test, and describes both.
func servers(t *testing.T) []server {
	t.Helper()
	demo, err := demodir.New(demodir.Options{})
	if err != nil {
		t.Fatalf("demo directory: %v", err)
	}
	if err := demo.Start(context.Background(), ""); err != nil {
		t.Fatalf("demo directory: %v", err)
	}
	t.Cleanup(func() { demo.Close() })
	demoCA := filepath.Join(t.TempDir(), "demo-ca.pem")
	if err := os.WriteFile(demoCA, demo.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	slapd := slapdtest.Start(t)

	cfg := func(url, ca, dn, pw string) ldap.Config {
		return ldap.Config{URL: url, StartTLS: true, VerifyTLS: true, CAFile: ca, BindDN: dn, BindPassword: pw, Timeout: 10 * time.Second}
	}
	const demoBase = demodir.OpenLDAPBaseDN
	return []server{
		{
			name:           "demo",
			admin:          cfg(demo.URL(), demoCA, demo.AdminDN(), demo.AdminPassword()),
			reader:         cfg(demo.URL(), demoCA, "cn=ldapwiz,ou=services,"+demoBase, demodir.UserPassword),
			base:           demoBase,
			people:         "ou=people," + demoBase,
			groups:         "ou=groups," + demoBase,
			escapedDN:      `cn=Doe\, John,ou=americas,ou=sales,ou=people,` + demoBase,
			escapedCN:      "Doe, John",
			duplicate:      [2]string{"cn=user1,ou=platform,ou=engineering,ou=people," + demoBase, "cn=user1,ou=emea,ou=sales,ou=people," + demoBase},
			nestedGroup:    "cn=engineering,ou=groups," + demoBase,
			nestedChild:    "cn=platform,ou=teams,ou=groups," + demoBase,
			bigGroup:       "cn=everyone,ou=groups," + demoBase,
			bigSize:        2000,
			users:          520,
			sizeLimit:      500,
			stagedWarnings: map[string]string{ldap.StepUserSample: "users.username_attribute"},
		},
		{
			name:        "slapd",
			admin:       cfg(slapd.URL, slapd.CAFile, slapd.AdminDN, slapd.AdminPassword),
			reader:      cfg(slapd.URL, slapd.CAFile, slapdtest.ReaderDN, slapdtest.ReaderPassword),
			base:        slapd.BaseDN,
			people:      slapdtest.PeopleDN,
			groups:      slapdtest.GroupsDN,
			escapedDN:   slapdtest.JohnDoeDN,
			escapedCN:   "Doe, John",
			duplicate:   [2]string{slapdtest.User1OU1DN, slapdtest.User1OU2DN},
			nestedGroup: slapdtest.EngineeringGroupDN,
			nestedChild: slapdtest.PlatformGroupDN,
			bigGroup:    slapdtest.BigGroupDN,
			bigSize:     slapdtest.BigGroupSize,
			users:       len(slapd.Fixture.Users),
			sizeLimit:   slapdtest.SizeLimit,
		},
	}
}

// scope is the staged test's scope for the server's users and groups.
func (s server) scope() ldap.TestScope {
	return ldap.TestScope{
		UserBase: s.people, UserObjectClass: "inetOrgPerson", UsernameAttribute: "uid", UserMemberAttribute: "memberOf",
		GroupBase: s.groups, GroupObjectClass: "groupOfNames", GroupNameAttribute: "cn", GroupMemberAttribute: "member",
		UserAttributes: map[string]string{"users.attributes.email": "mail", "users.attributes.first_name": "givenName", "users.attributes.last_name": "sn"},
	}
}

// twoServerCase is one behaviour the demo directory must share with slapd.
type twoServerCase struct {
	name string
	run  func(t *testing.T, s server)
}

// twoServerCases is the one table of cases, gathered from the files that
// hold them by theme.
func twoServerCases() []twoServerCase {
	var all []twoServerCase
	all = append(all, readCases()...)
	all = append(all, accessCases()...)
	all = append(all, filterCases()...)
	all = append(all, writeCases()...)
	return all
}

// TestTwoServers runs every directory-client case against the demo
// directory and against a real slapd, so the demo cannot drift from how a
// real server behaves.
func TestTwoServers(t *testing.T) {
	srvs := servers(t)
	for _, tc := range twoServerCases() {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range srvs {
				t.Run(s.name, func(t *testing.T) { tc.run(t, s) })
			}
		})
	}
}

// ctxFor returns a context that ends with the (sub)test.
func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// dial connects and binds with cfg; the connection closes with the test.
func dial(t *testing.T, cfg ldap.Config) *ldap.Conn {
	t.Helper()
	c, err := ldap.Dial(ctxFor(t), cfg)
	if err != nil {
		t.Fatalf("dial %s as %s: %v", cfg.URL, cfg.BindDN, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// readAll reads every entry of a subtree search with a paged search.
func readAll(t *testing.T, c *ldap.Conn, base, filter string, attrs ...string) []*ldap.Entry {
	t.Helper()
	var out []*ldap.Entry
	err := c.Search(ctxFor(t), ldap.SearchRequest{Base: base, Filter: filter, Attributes: attrs},
		func(e *ldap.Entry) error { out = append(out, e); return nil })
	if err != nil {
		t.Fatalf("search %s %s: %v", base, filter, err)
	}
	return out
}

// resultCode returns the LDAP result code carried by err, or -1.
func resultCode(err error) int {
	var le *goldap.Error
	if err == nil {
		return 0
	}
	if errors.As(err, &le) {
		return int(le.ResultCode)
	}
	return -1
}

// wantCode checks that err carries the LDAP result code want.
func wantCode(t *testing.T, what string, err error, want int) {
	t.Helper()
	if got := resultCode(err); got != want {
		t.Errorf("%s: result code %d, want %d (%v)", what, got, want, err)
	}
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

// scratchOU creates an empty OU below the server's base for one write case
// and returns its DN.
func scratchOU(t *testing.T, c *ldap.Conn, s server) string {
	t.Helper()
	name := "tw-" + strings.Trim(slugRe.ReplaceAllString(strings.ToLower(strings.SplitN(t.Name(), "/", 3)[1]), "-"), "-")
	dn := ldap.BuildDN("ou", name, s.base)
	if err := c.Add(ctxFor(t), dn, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {name}}); err != nil {
		t.Fatalf("scratch OU %s: %v", dn, err)
	}
	return dn
}

// dnSet normalizes DNs for comparison.
func dnSet(t *testing.T, dns []string) map[string]bool {
	t.Helper()
	out := make(map[string]bool, len(dns))
	for _, dn := range dns {
		n, err := ldap.NormalizeDN(dn)
		if err != nil {
			t.Fatalf("DN %q does not parse: %v", dn, err)
		}
		out[n] = true
	}
	return out
}

// parentDN returns the DN of dn's parent entry, "" when dn does not parse.
func parentDN(dn string) string {
	d, err := ldap.ParseDN(dn)
	if err != nil {
		return ""
	}
	return d.Parent().String()
}

// firstRDN returns the first RDN of dn as a string (`cn=Doe\, John`), ""
// when dn does not parse or is the root.
func firstRDN(dn string) string {
	d, err := ldap.ParseDN(dn)
	if err != nil || d.IsRoot() {
		return ""
	}
	return d.RDNs[0].String()
}

// equalityFilter returns (attr=value) with value escaped.
func equalityFilter(attr, value string) string {
	return "(" + attr + "=" + ldap.EscapeFilter(value) + ")"
}

// hasDN reports whether list holds dn (RFC 4514 comparison).
func hasDN(list []string, dn string) bool {
	for _, v := range list {
		if ldap.DNEqual(v, dn) {
			return true
		}
	}
	return false
}
