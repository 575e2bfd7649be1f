package ds389test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// syncRefresh runs an RFC 4533 refreshOnly search from cookie and returns
// the new cookie and the sync states reported, as "state uuid".
func syncRefresh(t *testing.T, c *ldap.Conn, base, filter string, cookie []byte) ([]byte, []string) {
	t.Helper()
	out, states, err := trySyncRefresh(c, base, filter, cookie)
	if err != nil {
		t.Fatalf("refresh under %s from %q: %v", base, cookie, err)
	}
	return out, states
}

// trySyncRefresh is syncRefresh returning the server's error.
func trySyncRefresh(c *ldap.Conn, base, filter string, cookie []byte) ([]byte, []string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, filter, []string{"uid"}, nil)
	resp := c.Syncrepl(ctx, req, 64, ldap.SyncRequestModeRefreshOnly, cookie, false)
	var states []string
	var out []byte
	for resp.Next() {
		for _, ctl := range resp.Controls() {
			switch ctl := ctl.(type) {
			case *ldap.ControlSyncState:
				states = append(states, fmt.Sprint(ctl.State)+" "+ctl.EntryUUID.String())
			case *ldap.ControlSyncDone:
				out = ctl.Cookie
				if !ctl.RefreshDeletes {
					states = append(states, "present-phase")
				}
			case *ldap.ControlSyncInfo:
				if ctl.NewCookie != nil {
					out = ctl.NewCookie.Cookie
				}
				if ctl.SyncIdSet != nil {
					for _, u := range ctl.SyncIdSet.SyncUUIDs {
						states = append(states, fmt.Sprintf("idset(deletes=%v) %s", ctl.SyncIdSet.RefreshDeletes, u))
					}
				}
				if ctl.RefreshDelete != nil {
					states = append(states, fmt.Sprintf("refreshDelete done=%v", ctl.RefreshDelete.RefreshDone))
				}
				if ctl.RefreshPresent != nil {
					states = append(states, fmt.Sprintf("refreshPresent done=%v", ctl.RefreshPresent.RefreshDone))
				}
			}
		}
	}
	return out, states, resp.Err()
}

// With ContentSync the server lists the sync request control, a refresh
// from nothing names every entry in scope, and a refresh from its cookie
// names only the entries changed since, by their nsUniqueId, deletes
// included (in a syncIdSet); the cookie is good for that search only.
func TestContentSync(t *testing.T) {
	s := StartWith(t, Options{ContentSync: true})
	c := s.AdminConn(t)
	dse, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", []string{"supportedControl"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(dse.Entries[0].GetAttributeValues("supportedControl"), " "), "1.3.6.1.4.1.4203.1.9.1.1") {
		t.Fatalf("supportedControl %v lacks the sync request control\n%s", dse.Entries[0].GetAttributeValues("supportedControl"), s.ErrorLog(30))
	}
	filter := "(objectClass=inetOrgPerson)"
	cookie, states := syncRefresh(t, c, PeopleDN, filter, nil)
	t.Logf("initial: cookie %q, %d states", cookie, len(states))
	if len(states) != FixtureUsers+1 || states[len(states)-1] != "present-phase" || len(cookie) == 0 {
		t.Fatalf("initial refresh: %d states (want %d), cookie %q\n%s", len(states), FixtureUsers, cookie, s.ErrorLog(30))
	}
	u := s.Fixture.Users
	if err := c.Modify(&ldap.ModifyRequest{DN: u[0].DN, Changes: []ldap.Change{{Operation: ldap.ReplaceAttribute, Modification: ldap.PartialAttribute{Type: "sn", Vals: []string{"Changed"}}}}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Del(ldap.NewDelRequest(u[1].DN, nil)); err != nil {
		t.Fatal(err)
	}
	got, err := c.Search(ldap.NewSearchRequest(u[0].DN, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", []string{"nsUniqueId", "entryUUID"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("modified entry: nsUniqueId %s entryUUID %s", got.Entries[0].GetAttributeValue("nsUniqueId"), got.Entries[0].GetAttributeValue("entryUUID"))
	next, states := syncRefresh(t, c, PeopleDN, filter, cookie)
	t.Logf("after: cookie %q, states %v", next, states)
	uuid := func(nsUniqueID string) string {
		h := strings.ReplaceAll(nsUniqueID, "-", "")
		return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	}
	if want := "1 " + uuid(got.Entries[0].GetAttributeValue("nsUniqueId")); !strings.Contains(strings.Join(states, "|"), want) {
		t.Errorf("refresh states %v lack %q", states, want)
	}
	if len(states) != 3 || !strings.HasPrefix(states[0], "idset(deletes=true) ") {
		t.Errorf("refresh from %q: %v, want the modify and the delete\n%s", cookie, states, s.ErrorLog(30))
	}
	if _, _, err := trySyncRefresh(c, PeopleDN, "(uid=nobody)", cookie); err == nil || !strings.Contains(err.Error(), "Invalid session cookie") {
		t.Errorf("a refresh with another filter from %q: %v; want Refresh Required: Invalid session cookie", cookie, err)
	}
}
