package ldap

import (
	"context"
	"errors"
	"strings"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"ldapwiz/internal/slapdtest"
)

// refresh runs SyncRefresh of the people from cookie and returns the
// changes by state.
func refresh(t *testing.T, c *Conn, cookie []byte) (map[SyncState][]SyncChange, SyncRefreshResult, error) {
	t.Helper()
	got := map[SyncState][]SyncChange{}
	res, err := c.SyncRefresh(context.Background(), SearchRequest{Base: slapdtest.PeopleDN, Filter: "(objectClass=inetOrgPerson)",
		Attributes: []string{"uid", "entryUUID"}}, cookie, func(ch SyncChange) error {
		got[ch.State] = append(got[ch.State], ch)
		return nil
	})
	return got, res, err
}

func TestSyncRefreshReportsOnlyWhatChanged(t *testing.T) {
	s := slapdtest.StartWith(t, slapdtest.Options{SyncProv: true})
	c := dataConnAs(t, s, s.URL, slapdtest.ReaderDN, slapdtest.ReaderPassword)
	ctx := context.Background()
	dse, err := c.RootDSE(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m := dse.SyncMethods(); len(m) == 0 || m[0] != SyncMethodSyncrepl || !strings.Contains(dse.Summary(), "RFC 4533") {
		t.Fatalf("SyncMethods %v, summary %q; want syncrepl", m, dse.Summary())
	}
	cookie, err := c.SyncCookie(ctx, slapdtest.PeopleDN)
	if err != nil || len(cookie) == 0 {
		t.Fatalf("SyncCookie: %q, %v", cookie, err)
	}
	// Nothing changed: nothing reported, and no present phase that would
	// make every entry look deleted.
	got, res, err := refresh(t, c, cookie)
	if err != nil || len(got) != 0 || res.PresentPhase || len(res.Cookie) == 0 {
		t.Fatalf("refresh with no change: %v, %+v, %v", got, res, err)
	}

	admin, err := goldap.DialURL(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.Bind(s.AdminDN, s.AdminPassword); err != nil {
		t.Fatal(err)
	}
	users := s.Fixture.Users
	mod := goldap.NewModifyRequest(users[10].DN, nil)
	mod.Replace("sn", []string{"Changed"})
	if err := admin.Modify(mod); err != nil {
		t.Fatal(err)
	}
	if err := admin.Del(goldap.NewDelRequest(users[11].DN, nil)); err != nil {
		t.Fatal(err)
	}
	moved := users[12]
	if err := admin.ModifyDN(goldap.NewModifyDNRequest(moved.DN, "uid="+moved.UID, true, slapdtest.PeopleDN)); err != nil {
		t.Fatal(err)
	}
	add := goldap.NewAddRequest("uid=newcomer,"+slapdtest.PeopleDN, nil)
	add.Attribute("objectClass", []string{"inetOrgPerson"})
	add.Attribute("uid", []string{"newcomer"})
	add.Attribute("cn", []string{"New Comer"})
	add.Attribute("sn", []string{"Comer"})
	if err := admin.Add(add); err != nil {
		t.Fatal(err)
	}

	got, res, err = refresh(t, c, cookie)
	if err != nil {
		t.Fatal(err)
	}
	var changed []string
	for _, st := range []SyncState{SyncAdd, SyncModify} {
		for _, ch := range got[st] {
			if ch.Entry == nil || ch.Entry.First("entryUUID") != ch.UUID {
				t.Fatalf("change %+v: no entry, or its entryUUID is not the reported UUID", ch)
			}
			changed = append(changed, ch.Entry.First("uid")+"@"+ch.Entry.DN)
		}
	}
	want := []string{users[10].UID + "@" + users[10].DN, moved.UID + "@uid=" + moved.UID + "," + slapdtest.PeopleDN, "newcomer@uid=newcomer," + slapdtest.PeopleDN}
	if strings.Join(sortedCopy(changed), "|") != strings.Join(sortedCopy(want), "|") {
		t.Fatalf("added or modified %v, want %v", changed, want)
	}
	if res.PresentPhase || len(got[SyncDelete]) != 1 || len(got[SyncPresent]) != 0 {
		t.Fatalf("deletes %v, presents %d, present phase %v; want the one delete reported by UUID", got[SyncDelete], len(got[SyncPresent]), res.PresentPhase)
	}
	if string(res.Cookie) == string(cookie) {
		t.Fatal("the cookie did not move on")
	}
	// From the new cookie: nothing.
	if got, _, err := refresh(t, c, res.Cookie); err != nil || len(got) != 0 {
		t.Fatalf("refresh from the new cookie: %v, %v", got, err)
	}
}

func TestSyncRefreshRefusedCookie(t *testing.T) {
	s := slapdtest.StartWith(t, slapdtest.Options{SyncProv: true})
	c := dataConnAs(t, s, s.URL, slapdtest.ReaderDN, slapdtest.ReaderPassword)
	cookie, err := c.SyncCookie(context.Background(), slapdtest.PeopleDN)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cookie %q", cookie)
	// A cookie from before anything in the database (a database restored
	// from an older backup, a token kept too long) is refused.
	_, _, err = refresh(t, c, []byte("rid=000,csn=20000101000000.000000Z#000000#000#000000"))
	if !errors.Is(err, ErrSyncRefreshRequired) {
		t.Fatalf("a cookie from 2000: %v, want ErrSyncRefreshRequired", err)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestSyncMethodsFromRootDSE(t *testing.T) {
	for _, tc := range []struct {
		dse  RootDSE
		want string
	}{
		{RootDSE{SupportedControls: []string{oidLDAPSync}}, "syncrepl"},
		{RootDSE{SupportedControls: []string{OIDDirSync}, ActiveDirectory: true}, "dirsync usn"},
		{RootDSE{ActiveDirectory: true}, "usn"},
		{RootDSE{Vendor: "OpenLDAP"}, ""},
	} {
		if got := strings.Join(tc.dse.SyncMethods(), " "); got != tc.want {
			t.Errorf("%+v: SyncMethods %q, want %q", tc.dse, got, tc.want)
		}
		if !strings.Contains(tc.dse.Summary(), "incremental sync") {
			t.Errorf("%+v: the summary %q does not say how incremental sync goes", tc.dse, tc.dse.Summary())
		}
	}
}
