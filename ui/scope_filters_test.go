package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"ldapwiz/demodir"
	"ldapwiz/ldap"
	"ldapwiz/syncer"
	"ldapwiz/wizard"
)

// searchLog records, per phase, the filters of the subtree searches a demo
// directory received at each base.
type searchLog struct {
	mu    sync.Mutex
	phase string
	seen  map[string]map[string][]string // phase -> lower-cased base -> filters
}

func (l *searchLog) record(base string, scope int, filter string) {
	if scope != 2 {
		return // reads of one entry (does the base exist?) select nobody
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := strings.ToLower(base)
	if l.seen[l.phase] == nil {
		l.seen[l.phase] = map[string][]string{}
	}
	l.seen[l.phase][b] = append(l.seen[l.phase][b], filter)
}

func (l *searchLog) start(phase string) {
	l.mu.Lock()
	l.phase = phase
	l.mu.Unlock()
}

func (l *searchLog) filters(phase, base string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seen[phase][strings.ToLower(base)]
}

// TestLiveCountTestAndSyncSendTheSameFilters runs the live count, the
// staged connection test and a sync preview against one demo directory that
// records every search it receives, and checks that all three ask for the
// users and the groups with the very same filter — with an extra filter
// written without parentheses, and with an empty object class.
func TestLiveCountTestAndSyncSendTheSameFilters(t *testing.T) {
	log := &searchLog{seen: map[string]map[string][]string{}}
	srv, err := demodir.New(demodir.Options{OnSearch: log.record})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := srv.Start(ctx, "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, srv.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := wizard.Preset(wizard.PresetOpenLDAP)
	base.Connection.URL, base.Connection.StartTLS, base.Connection.CAFile = srv.URL(), true, ca
	base.Connection.BindDN, base.Connection.BindPassword = srv.AdminDN(), srv.AdminPassword()
	base.Sync.Mode = wizard.ModeImport

	cases := []struct {
		name, class, filter, want string
	}{
		{"class and filter without parentheses", "inetOrgPerson", "mail=*", "(&(objectClass=inetOrgPerson)(mail=*))"},
		{"empty class with a filter", "", "(uid=a*)", "(uid=a*)"},
		{"empty class and no filter", "", "", "(objectClass=*)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := base
			s.Users.ObjectClass, s.Users.Filter = c.class, c.filter
			s.Store.Path = filepath.Join(t.TempDir(), "app.db")
			sc := s.Scope()
			if sc.UserFilter != c.want {
				t.Fatalf("Scope().UserFilter = %q, want %q", sc.UserFilter, c.want)
			}
			cfg, err := s.LDAPConfig(nil)
			if err != nil {
				t.Fatal(err)
			}
			dial := func(ctx context.Context) (*ldap.Conn, error) { return ldap.Dial(ctx, cfg) }

			log.start(c.name + "/count")
			for _, what := range []string{"users", "groups"} {
				if _, _, _, err := countAndDiagnose(ctx, dial, queryFor(what, s)); err != nil {
					t.Fatalf("live count of %s: %v", what, err)
				}
			}
			log.start(c.name + "/test")
			if res := ldap.RunTest(ctx, cfg, sc.Test(), nil); res.Failed() {
				t.Fatalf("connection test failed: %+v", res.Steps)
			}
			log.start(c.name + "/sync")
			db, done, err := syncer.OpenStoreForPreview(ctx, s.Store.Path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = syncer.Preview(ctx, s, db, syncer.Options{})
			done()
			if err != nil {
				t.Fatalf("sync preview: %v", err)
			}
			log.start("")

			for _, phase := range []string{"count", "test", "sync"} {
				p := c.name + "/" + phase
				users, groups := log.filters(p, sc.UserBase), log.filters(p, sc.GroupBase)
				if len(users) == 0 || users[0] != c.want {
					t.Errorf("%s: first user search sent %q, want %q", phase, users, c.want)
				}
				if len(groups) == 0 || groups[0] != sc.GroupFilter {
					t.Errorf("%s: first group search sent %q, want %q", phase, groups, sc.GroupFilter)
				}
				for _, f := range append(users, groups...) {
					if strings.Contains(f, "(objectClass=)") {
						t.Errorf("%s sent the empty-class filter %s", phase, f)
					}
				}
			}
		})
	}
}
