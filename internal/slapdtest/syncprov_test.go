package slapdtest

import (
	"context"
	"slices"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"
)

const syncRequestOID = "1.3.6.1.4.1.4203.1.9.1.1"

// refreshOnly runs an RFC 4533 refreshOnly search of the users from cookie
// and returns the DNs of the entries sent with a state and the new cookie.
func refreshOnly(t *testing.T, conn *goldap.Conn, cookie []byte) ([]string, []byte) {
	t.Helper()
	req := goldap.NewSearchRequest("ou=people,"+BaseDN, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=inetOrgPerson)", []string{"uid"}, nil)
	resp := conn.Syncrepl(context.Background(), req, 64, goldap.SyncRequestModeRefreshOnly, cookie, false)
	var dns []string
	var next []byte
	for resp.Next() {
		if e := resp.Entry(); e != nil {
			dns = append(dns, e.DN)
		}
		for _, c := range resp.Controls() {
			if d, ok := c.(*goldap.ControlSyncDone); ok {
				next = d.Cookie
			}
		}
	}
	if err := resp.Err(); err != nil {
		t.Fatalf("refreshOnly: %v", err)
	}
	return dns, next
}

func TestSyncProvRefreshFromCookie(t *testing.T) {
	s := StartWith(t, Options{SyncProv: true, PPolicy: true})
	conn := s.rootConn(t)
	defer conn.Close()
	if got := supportedControls(t, conn); !slices.Contains(got, syncRequestOID) {
		t.Fatalf("supportedControl lacks the sync request control %s: %v", syncRequestOID, got)
	}
	all, cookie := refreshOnly(t, conn, nil)
	if len(all) < len(s.Fixture.Users) || len(cookie) == 0 {
		t.Fatalf("a refresh without a cookie sent %d entries (want every user, %d) and cookie %q", len(all), len(s.Fixture.Users), cookie)
	}
	dn := s.Fixture.Users[0].DN
	m := goldap.NewModifyRequest(dn, nil)
	m.Replace("description", []string{"changed"})
	if err := conn.Modify(m); err != nil {
		t.Fatal(err)
	}
	changed, next := refreshOnly(t, conn, cookie)
	if len(changed) != 1 || changed[0] != dn || len(next) == 0 {
		t.Fatalf("a refresh from the cookie sent %v (cookie %q), want only %s", changed, next, dn)
	}
}

func TestDefaultServerHasNoSyncProv(t *testing.T) {
	s := Start(t)
	conn := s.rootConn(t)
	defer conn.Close()
	if got := supportedControls(t, conn); slices.Contains(got, syncRequestOID) {
		t.Fatalf("the default server offers the sync request control: syncprov is loaded")
	}
}

// supportedControls reads the RootDSE's supportedControl.
func supportedControls(t *testing.T, conn *goldap.Conn) []string {
	t.Helper()
	res, err := conn.Search(goldap.NewSearchRequest("", goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"supportedControl"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	return res.Entries[0].GetAttributeValues("supportedControl")
}
