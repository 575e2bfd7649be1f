package ldap

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// LoginScope is where an application looks a user up when they log in:
// entries of ObjectClass under Base (whole subtree) that match ExtraFilter
// (users.filter), by UsernameAttribute. The filter is built by ScopeFilter,
// as for every other search of the users.
type LoginScope struct {
	Base              string
	ObjectClass       string
	ExtraFilter       string
	UsernameAttribute string
}

// LoginEntry is a directory entry that carries the username looked up.
type LoginEntry struct {
	DN string `json:"dn"`
	// IDs are the entry's stable ids, the preferred one first (StableIDs).
	IDs []string `json:"ids,omitempty"`
	// Outside says why the entry is not among the users ("" when it is);
	// Setting names the setting that leaves it out.
	Outside string `json:"outside,omitempty"`
	Setting string `json:"setting,omitempty"`
}

// LoginLookup is what a username lookup found: the entries in scope (an
// application logs in the one it finds; two or more are ambiguous) and,
// when none is in scope, the entries elsewhere in the directory that carry
// the username, with why each is left out.
type LoginLookup struct {
	Filter  string       `json:"filter"` // the filter sent for the lookup in scope
	InScope []LoginEntry `json:"in_scope,omitempty"`
	Outside []LoginEntry `json:"outside,omitempty"`
}

// UserFilter returns the filter an application sends to find username:
// the users' filter (ScopeFilter of the class and users.filter) and the
// username attribute equal to username, escaped.
func (sc LoginScope) UserFilter(username string) (string, error) {
	users, err := ScopeFilter(sc.ObjectClass, sc.ExtraFilter)
	if err != nil {
		return "", fmt.Errorf("users.filter: %w", err)
	}
	attr := strings.TrimSpace(sc.UsernameAttribute)
	if attr == "" {
		return "", errors.New("users.username_attribute is empty: set the attribute that holds the login name (uid, sAMAccountName)")
	}
	return "(&" + users + "(" + attr + "=" + EscapeFilter(username) + "))", nil
}

// FindLoginUser looks username up over c the way an application does at
// login: a search under the user base for the users' filter with the
// username attribute equal to username. When nothing in scope carries the
// username, the naming context holding the user base is searched for the
// username alone, and each entry found is given the reason it is left out
// (not under users.search_base, not of users.object_class, removed by
// users.filter).
func FindLoginUser(ctx context.Context, c *Conn, sc LoginScope, username string) (LoginLookup, error) {
	filter, err := sc.UserFilter(username)
	if err != nil {
		return LoginLookup{}, err
	}
	look := LoginLookup{Filter: filter}
	attr := strings.TrimSpace(sc.UsernameAttribute)
	attrs := append(StableIDAttributes(), attr)
	err = c.Search(ctx, SearchRequest{Base: sc.Base, Filter: filter, Attributes: attrs}, func(e *Entry) error {
		look.InScope = append(look.InScope, LoginEntry{DN: e.DN, IDs: e.StableIDs()})
		return nil
	})
	if err != nil {
		return look, fmt.Errorf("search %s (users.search_base) for %s: %w", sc.Base, filter, err)
	}
	if len(look.InScope) > 0 {
		return look, nil
	}
	root := c.namingContextOf(ctx, sc.Base)
	anywhere := "(" + attr + "=" + EscapeFilter(username) + ")"
	var found []LoginEntry
	err = c.Search(ctx, SearchRequest{Base: root, Filter: anywhere, Attributes: attrs}, func(e *Entry) error {
		found = append(found, LoginEntry{DN: e.DN, IDs: e.StableIDs()})
		return nil
	})
	if err != nil {
		return look, fmt.Errorf("search %s for %s: %w", root, anywhere, err)
	}
	for _, e := range found {
		e.Outside, e.Setting, err = c.whyOutside(ctx, sc, e.DN)
		if err != nil {
			return look, err
		}
		look.Outside = append(look.Outside, e)
	}
	return look, nil
}

// namingContextOf returns the naming context (from the RootDSE) that holds
// base, or base itself when the server does not say.
func (c *Conn) namingContextOf(ctx context.Context, base string) string {
	dse, err := c.RootDSE(ctx)
	if err != nil {
		return base
	}
	best := ""
	for _, nc := range append([]string{dse.DefaultNamingContext}, dse.NamingContexts...) {
		if nc != "" && InSubtree(base, nc) && len(nc) > len(best) {
			best = nc
		}
	}
	if best == "" {
		return base
	}
	return best
}

// whyOutside says which setting leaves the entry at dn out of the users.
func (c *Conn) whyOutside(ctx context.Context, sc LoginScope, dn string) (why, setting string, err error) {
	if !InSubtree(dn, sc.Base) {
		return "the entry is not under " + sc.Base, "users.search_base", nil
	}
	if class, _ := ScopeFilter(sc.ObjectClass, ""); strings.TrimSpace(sc.ObjectClass) != "" {
		ok, err := c.Matches(ctx, dn, class)
		if err != nil || !ok {
			return "the entry is not of the class " + strings.TrimSpace(sc.ObjectClass), "users.object_class", err
		}
	}
	if x := strings.TrimSpace(sc.ExtraFilter); x != "" {
		extra, _ := ScopeFilter("", x)
		ok, err := c.Matches(ctx, dn, extra)
		if err != nil || !ok {
			return "the entry does not match " + extra, "users.filter", err
		}
	}
	return "the entry matches the users' filter but the server did not return it under " + sc.Base + " (a referral, or access rights)", "users.search_base", nil
}

// LoginBind binds as dn with password on a connection of its own (the
// servers and TLS settings of cfg; no bind account), asking for the
// password-policy control, as an application checks a password. The
// answer is the policy's (warnings on success); a refusal is a
// *PolicyError when the policy said why, for ExplainLogin. The password
// is never logged or kept.
func LoginBind(ctx context.Context, cfg Config, dn, password string) (PasswordPolicy, string, error) {
	c, err := Connect(ctx, cfg)
	if err != nil {
		return PasswordPolicy{}, "", err
	}
	defer c.Close()
	p, err := c.BindWithPolicy(ctx, dn, password)
	return p, c.Server(), err
}
