package ldap

import (
	"fmt"
	"sort"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// countMatches counts the entries matching filter in the subtree at base,
// with a paged search that fetches no attributes.
func (r *testRun) countMatches(base, filter string) (int, error) {
	paging := goldap.NewControlPaging(uint32(r.cfg.pageSize()))
	req := goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false,
		filter, []string{"1.1"}, []goldap.Control{paging})
	n := 0
	for {
		var res *goldap.SearchResult
		err := r.conn.do(r.ctx, func() error {
			var err error
			res, err = r.conn.c.Search(req)
			return err
		})
		if err != nil {
			return n, err
		}
		n += len(res.Entries)
		p, ok := goldap.FindControl(res.Controls, goldap.ControlTypePaging).(*goldap.ControlPaging)
		if !ok || len(p.Cookie) == 0 {
			return n, nil
		}
		paging.SetCookie(p.Cookie)
	}
}

// sampleEntries returns up to n entries matching filter under base, with
// the given attributes. Hitting the size limit is the point, not an error.
func (r *testRun) sampleEntries(base, filter string, attrs []string, n int) ([]*goldap.Entry, error) {
	req := goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, n, 0, false, filter, attrs, nil)
	var res *goldap.SearchResult
	err := r.conn.do(r.ctx, func() error {
		var err error
		res, err = r.conn.c.Search(req)
		return err
	})
	if err != nil && !goldap.IsErrorWithCode(err, goldap.LDAPResultSizeLimitExceeded) {
		return nil, err
	}
	if res == nil {
		return nil, nil
	}
	if len(res.Entries) > n {
		// Samba AD ignores the size limit and returns everything.
		return res.Entries[:n], nil
	}
	return res.Entries, nil
}

// objectClassCensus lists the object classes of up to 200 entries under
// base, most frequent first ("person (120), organizationalUnit (4)").
func (r *testRun) objectClassCensus(base string) string {
	entries, err := r.sampleEntries(base, "(objectClass=*)", []string{"objectClass"}, 200)
	if err != nil || len(entries) == 0 {
		return ""
	}
	counts := map[string]int{}
	for _, e := range entries {
		for _, oc := range e.GetEqualFoldAttributeValues("objectClass") {
			if !strings.EqualFold(oc, "top") {
				counts[oc]++
			}
		}
	}
	names := make([]string, 0, len(counts))
	for oc := range counts {
		names = append(names, oc)
	}
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return names[i] < names[j]
	})
	if len(names) > 8 {
		names = names[:8]
	}
	for i, oc := range names {
		names[i] = fmt.Sprintf("%s (%d)", oc, counts[oc])
	}
	return strings.Join(names, ", ")
}

// entriesWith counts the entries carrying attr (case-insensitively).
func entriesWith(entries []*goldap.Entry, attr string) int {
	n := 0
	for _, e := range entries {
		if len(e.GetEqualFoldAttributeValues(attr)) > 0 {
			n++
		}
	}
	return n
}

// withCommas renders n with thousands separators: 12,345.
func withCommas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// uniqueFold drops empty names and case-insensitive duplicates, keeping
// the first spelling.
func uniqueFold(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		k := strings.ToLower(strings.TrimSpace(n))
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, strings.TrimSpace(n))
	}
	return out
}

// mapValues returns m's values, ordered by key.
func mapValues(m map[string]string) []string {
	var out []string
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
