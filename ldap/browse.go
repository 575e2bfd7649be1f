package ldap

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// Tri is a yes / no / don't know answer.
type Tri int

// Tri values.
const (
	TriUnknown Tri = iota
	TriYes
	TriNo
)

// String returns "yes", "no" or "unknown".
func (t Tri) String() string {
	switch t {
	case TriYes:
		return "yes"
	case TriNo:
		return "no"
	}
	return "unknown"
}

// Node is one child entry shown in the directory browser.
type Node struct {
	DN  string
	RDN string
	// HasChildren comes from hasSubordinates (OpenLDAP, 389), or from
	// numSubordinates / msDS-Approx-Immed-Subordinates when those are given.
	HasChildren Tri
	// NumChildren is the number of children when the server says it cheaply
	// (numSubordinates; msDS-Approx-Immed-Subordinates on Active Directory,
	// approximate), else -1.
	NumChildren int
	// Referral marks an entry held by another server (a referral object or
	// a search result reference); ReferralURLs says where. It is not chased.
	Referral      bool
	ReferralURLs  []string
	ObjectClasses []string
}

// ChildrenPage is one page of children. Cookie is nil on the last page;
// pass it back to Children to get the next one.
type ChildrenPage struct {
	Nodes  []Node
	Cookie []byte
}

// ErrPageExpired is returned by Children when the server no longer knows
// the cookie: OpenLDAP keeps one paged search per connection, so any other
// paged search (Search, Count, AttributeStats) between two pages of the same
// listing invalidates it. List again from the first page, or browse on a
// connection of its own.
var ErrPageExpired = errors.New("the server no longer knows this page of the listing (another paged search ran on the same connection); list the children again from the start")

// childAttrs are the attributes a browser node needs.
var childAttrs = []string{"objectClass", "hasSubordinates", "numSubordinates", "msDS-Approx-Immed-Subordinates", "ref"}

// Children returns one page of the immediate children of dn, sorted by RDN
// case-insensitively within the page. pageSize 0 uses the connection's
// page_size. A server without the paged-results control returns everything
// in one page (Cookie nil). Referral objects and search result references
// become nodes with Referral set; nothing is chased.
//
// OpenLDAP keeps one paged search per connection: running another paged
// search between two pages invalidates the cookie (start again from nil).
func (c *Conn) Children(ctx context.Context, dn string, pageSize int, cookie []byte) (ChildrenPage, error) {
	parent, err := ParseDN(dn)
	if err != nil {
		return ChildrenPage{}, err
	}
	if pageSize <= 0 {
		pageSize = c.PageSize()
	}
	pc := goldap.NewControlPaging(uint32(pageSize))
	pc.SetCookie(cookie)
	sr := goldap.NewSearchRequest(dn, goldap.ScopeSingleLevel, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", childAttrs, []goldap.Control{goldap.NewControlManageDsaIT(false), pc})
	var page ChildrenPage
	next, err := c.searchPage(ctx, sr, pageSize+16, func(e *Entry) error {
		page.Nodes = append(page.Nodes, nodeFromEntry(e))
		return nil
	}, func(ref string) {
		page.Nodes = append(page.Nodes, nodeFromReference(ref, parent))
	}, false)
	if err != nil {
		var le *goldap.Error
		if len(cookie) > 0 && errors.As(err, &le) &&
			(le.ResultCode == goldap.LDAPResultProtocolError || le.ResultCode == goldap.LDAPResultUnwillingToPerform) {
			return ChildrenPage{}, fmt.Errorf("list children of %s: %w (server said: %v)", dn, ErrPageExpired, err)
		}
		return ChildrenPage{}, fmt.Errorf("list children of %s: %w", dn, c.explainSearchError(dn, true, 0, err))
	}
	if len(next) > 0 {
		page.Cookie = next
	}
	if len(page.Nodes) == 0 && len(cookie) == 0 && !parent.IsRoot() {
		// Some servers (389 DS 2.3) answer a paged one-level search below a
		// missing entry with success and no entries: read the entry itself
		// so a missing one is reported, as slapd does.
		base := goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 1, 0, false,
			"(objectClass=*)", []string{"1.1"}, []goldap.Control{goldap.NewControlManageDsaIT(false)})
		if _, err := c.searchPage(ctx, base, 2, func(*Entry) error { return nil }, func(string) {}, false); err != nil {
			return ChildrenPage{}, fmt.Errorf("list children of %s: %w", dn, c.explainSearchError(dn, true, 0, err))
		}
	}
	sort.SliceStable(page.Nodes, func(i, j int) bool {
		a, b := strings.ToLower(page.Nodes[i].RDN), strings.ToLower(page.Nodes[j].RDN)
		if a != b {
			return a < b
		}
		return page.Nodes[i].DN < page.Nodes[j].DN
	})
	return page, nil
}

// nodeFromEntry builds a node from a child entry.
func nodeFromEntry(e *Entry) Node {
	n := Node{DN: e.DN, NumChildren: -1, ObjectClasses: e.Get("objectClass")}
	if d, err := ParseDN(e.DN); err == nil && !d.IsRoot() {
		n.RDN = d.RDNs[0].String()
	} else {
		n.RDN = e.DN
	}
	switch strings.ToUpper(e.First("hasSubordinates")) {
	case "TRUE":
		n.HasChildren = TriYes
	case "FALSE":
		n.HasChildren = TriNo
	}
	for _, attr := range []string{"numSubordinates", "msDS-Approx-Immed-Subordinates"} {
		if v := e.First(attr); v != "" {
			if num, err := strconv.Atoi(v); err == nil && num >= 0 {
				n.NumChildren = num
				if n.HasChildren == TriUnknown {
					n.HasChildren = TriNo
					if num > 0 {
						n.HasChildren = TriYes
					}
				}
				break
			}
		}
	}
	for _, oc := range n.ObjectClasses {
		if strings.EqualFold(oc, "referral") {
			n.Referral = true
		}
	}
	if refs := e.Get("ref"); len(refs) > 0 {
		n.Referral = true
		n.ReferralURLs = refs
	}
	return n
}

// nodeFromReference builds a node from a search result reference: its DN is
// the one in the URL (ldap://host/DN??scope), else a placeholder below
// parent.
func nodeFromReference(ref string, parent DN) Node {
	n := Node{NumChildren: -1, Referral: true, ReferralURLs: []string{ref}}
	if u, err := url.Parse(ref); err == nil {
		target := strings.TrimPrefix(u.Path, "/")
		if d, err := ParseDN(target); err == nil && !d.IsRoot() {
			n.DN = d.String()
			n.RDN = d.RDNs[0].String()
			return n
		}
	}
	n.DN = parent.String()
	n.RDN = "referral: " + ref
	return n
}
