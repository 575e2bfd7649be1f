package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"ldapwiz/ldap"
	"ldapwiz/wizard"
)

// countDebounce is how long typing must pause before a live count runs.
const countDebounce = 400 * time.Millisecond

// countQuery is what a live count asks: the base, object class and filter
// of the users or of the groups.
type countQuery struct {
	target string // the directory and account asked (URL, bind DN, password source)
	what   string // "users" or "groups"
	base   string
	class  string
	filter string // extra filter, with parentheses; "" for none
}

// classKey and friends name the settings a diagnosis points at.
func (q countQuery) classKey() string  { return q.what + ".object_class" }
func (q countQuery) baseKey() string   { return q.what + ".search_base" }
func (q countQuery) filterKey() string { return q.what + ".filter" }

// full is the query's LDAP filter: the same one the connection test and the
// sync send (ldap.ScopeFilter).
func (q countQuery) full() string { f, _ := ldap.ScopeFilter(q.class, q.filter); return f }

// classOnly is the query's filter without the extra filter.
func (q countQuery) classOnly() string { f, _ := ldap.ScopeFilter(q.class, ""); return f }

// liveCount is the state of one screen's live count.
type liveCount struct {
	req      request // the newest question; older answers are dropped
	query    countQuery
	running  bool
	n        int
	done     bool
	err      string
	diagnose string // why nothing matched, naming the setting
	setting  string // the setting the diagnosis blames
}

// Live count messages.
type (
	countTick struct {
		what string
		seq  int
	}
	countMsg struct {
		what     string
		seq      int
		n        int
		err      error
		diagnose string
		setting  string
	}
)

// dirTarget names the directory and account settings s asks with: the
// servers and their order, TLS, and who binds how (bind DN, password source,
// client certificate, Kerberos): an answer for another target is stale. The
// inline password counts by its length only, so the key holds no secret.
func dirTarget(s wizard.Settings) string {
	c := s.Connection
	return fmt.Sprint(c.URL, c.ServerOrder, c.StartTLS, c.VerifyTLS, c.CAFile, c.BindMethod, c.BindDN,
		c.BindPasswordFile, c.BindPasswordEnv, len(c.BindPassword), c.ClientCertFile, c.ClientKeyFile,
		c.KeytabFile, c.Principal, c.Krb5Conf)
}

// queryFor is the count question of a screen's current settings.
func queryFor(what string, s wizard.Settings) countQuery {
	target := dirTarget(s)
	sc := s.Scope()
	if what == "groups" {
		return countQuery{target: target, what: what, base: sc.GroupBase, class: sc.GroupObjectClass, filter: sc.GroupExtraFilter}
	}
	return countQuery{target: target, what: what, base: sc.UserBase, class: sc.UserObjectClass, filter: sc.UserExtraFilter}
}

// countAndDiagnose counts the entries a query matches; when none match it
// retries without the filter, at the naming contexts, and without the object
// class, to say which setting removed everyone.
func countAndDiagnose(ctx context.Context, dial func(context.Context) (*ldap.Conn, error), q countQuery) (int, string, string, error) {
	if strings.TrimSpace(q.base) == "" {
		return 0, "The search base is empty: pick one with ctrl+b.", q.baseKey(), nil
	}
	conn, err := dial(ctx)
	if err != nil {
		return 0, "", "", err
	}
	defer conn.Close()
	n, err := conn.Count(ctx, q.base, q.full())
	if err != nil || n > 0 {
		return n, "", "", err
	}
	if q.filter != "" {
		if k, err := conn.Count(ctx, q.base, q.classOnly()); err == nil && k > 0 {
			return 0, fmt.Sprintf("The extra filter %s removes all %d %s of class %s under the base: loosen %s.", q.filter, k, q.what, q.class, q.filterKey()), q.filterKey(), nil
		}
	}
	// The naming contexts before the class: a base full of other entries
	// (the groups branch picked for users) is a wrong base, not a wrong class.
	root, err := conn.RootDSE(ctx)
	if err == nil {
		for _, nc := range root.NamingContexts {
			if k, err := conn.Count(ctx, nc, q.full()); err == nil && k > 0 {
				return 0, fmt.Sprintf("The base holds no %s, but %d match under %s: pick another base for %s (ctrl+b).", q.what, k, nc, q.baseKey()), q.baseKey(), nil
			}
		}
	}
	all, err := conn.Count(ctx, q.base, "(objectClass=*)")
	if err == nil && all > 1 {
		return 0, fmt.Sprintf("No entry under the base has object class %q (%d entries are there): change %s (ctrl+o lists the classes).", q.class, all, q.classKey()), q.classKey(), nil
	}
	return 0, fmt.Sprintf("Nothing in the directory matches class %q%s: check %s.", q.class, map[bool]string{true: " with the filter", false: ""}[q.filter != ""], q.classKey()), q.classKey(), nil
}

// thousands renders 1234 as "1,234".
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
