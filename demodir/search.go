package demodir

import (
	"encoding/binary"
	"sort"
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// unpagedSizeLimit is the most entries an unpaged search by anyone but the
// administrator returns before sizeLimitExceeded, like OpenLDAP's default
// olcSizeLimit of 500 (the rootdn is exempt, as on OpenLDAP).
const unpagedSizeLimit = 500

// adMaxPageSize is Active Directory's MaxPageSize: the most entries of one
// unpaged search or one page, for every client.
const adMaxPageSize = 1000

// searchRequest is a decoded SearchRequest.
type searchRequest struct {
	base      string
	scope     int64
	sizeLimit int64
	typesOnly bool
	filter    *filter
	attrs     []string
	paged     bool
	pageSize  int64
	cookie    []byte
}

// parseSearch decodes the SearchRequest op; ok false is a protocol error.
func parseSearch(op *ber.Packet) (*searchRequest, error) {
	if len(op.Children) != 8 {
		return nil, errBadFilter
	}
	c := op.Children
	req := &searchRequest{base: str(c[0])}
	var ok bool
	if req.scope, ok = intOf(c[1]); !ok || req.scope < 0 || req.scope > 3 {
		return nil, errBadFilter
	}
	if req.sizeLimit, ok = intOf(c[3]); !ok {
		return nil, errBadFilter
	}
	req.typesOnly = len(c[5].Data.Bytes()) > 0 && c[5].Data.Bytes()[0] != 0
	f, err := parseFilter(c[6])
	if err != nil {
		return nil, err
	}
	req.filter = f
	for _, a := range c[7].Children {
		req.attrs = append(req.attrs, str(a))
	}
	return req, nil
}

// usePaging reads the paged-results control value.
func (req *searchRequest) usePaging(value []byte) bool {
	p, err := ber.DecodePacketErr(value)
	if err != nil || len(p.Children) != 2 {
		return false
	}
	n, ok := intOf(p.Children[0])
	if !ok || n < 0 {
		return false
	}
	req.paged, req.pageSize, req.cookie = true, n, p.Children[1].Data.Bytes()
	return true
}

// searchReply is what a search sends back: entries, then the done result
// with an optional paging cookie.
type searchReply struct {
	entries []*ber.Packet
	done    result
	cookie  []byte // sent in a paged-results control when paged
}

// search runs req for who. It builds every response packet under the read
// lock so that the entries sent are one consistent view of the tree.
func (d *directory) search(req *searchRequest, who *session) searchReply {
	base, err := parseDN(req.base)
	if err != nil {
		return searchReply{done: fail(goldap.LDAPResultInvalidDNSyntax, "invalid DN %q", req.base)}
	}
	sel := d.newSelection(req.attrs)
	d.mu.RLock()
	defer d.mu.RUnlock()

	if len(base.RDNs) == 0 && req.scope == 0 {
		return d.searchPseudo(req, "", d.rootDSE(), sel)
	}
	if schemaDN, _ := parseDN(d.fl.schemaDN); req.scope == 0 && base.EqualFold(schemaDN) {
		return d.searchPseudo(req, d.fl.schemaDN, d.subschema(), sel)
	}
	if who.bindDN == nil {
		// Anonymous clients read the root DSE and the schema only: AD says
		// so, OpenLDAP (with the usual "by users read" ACL) hides the tree.
		if d.fl.ad {
			return searchReply{done: fail(goldap.LDAPResultOperationsError,
				"000004DC: LdapErr: DSID-0C090A5C, comment: In order to perform this operation a successful bind must be completed on the connection., data 0, v4563")}
		}
		return searchReply{done: fail(goldap.LDAPResultNoSuchObject, "")}
	}
	be := d.lookup(base)
	if be == nil {
		r := fail(goldap.LDAPResultNoSuchObject, "no such object")
		if d.inNamingContext(base) {
			r.matched = d.matchedDN(base)
		}
		return searchReply{done: r}
	}

	var cands []*entry
	switch req.scope {
	case 0:
		cands = []*entry{be}
	default:
		for _, e := range d.entries {
			switch {
			case req.scope == 1 && len(e.dn.RDNs) == len(be.dn.RDNs)+1 && isUnder(e.dn, be.dn),
				req.scope == 2 && isUnder(e.dn, be.dn),
				req.scope == 3 && e != be && isUnder(e.dn, be.dn):
				cands = append(cands, e)
			}
		}
		sort.Slice(cands, func(i, j int) bool { return cands[i].seq < cands[j].seq })
	}

	var after uint64
	if req.paged {
		if len(req.cookie) != 0 {
			if len(req.cookie) != 8 {
				return searchReply{done: fail(goldap.LDAPResultUnwillingToPerform, "paged results cookie is invalid")}
			}
			after = binary.BigEndian.Uint64(req.cookie)
		}
		if req.pageSize == 0 { // the client abandons the paged search
			return searchReply{}
		}
	}
	limit := int64(unpagedSizeLimit)
	switch {
	case d.fl.ad:
		limit = adMaxPageSize
	case who.admin:
		limit = 1 << 62 // OpenLDAP's rootdn is subject to no limits
	}
	if req.sizeLimit > 0 && req.sizeLimit < limit {
		limit = req.sizeLimit
	}
	if req.paged {
		limit = req.pageSize
		if d.fl.ad && limit > adMaxPageSize {
			limit = adMaxPageSize
		}
	}
	var rep searchReply
	for _, e := range cands {
		if e.seq <= after || d.match(req.filter, e) != isTrue {
			continue
		}
		if int64(len(rep.entries)) == limit {
			if req.paged {
				rep.cookie = binary.BigEndian.AppendUint64(nil, after)
				return rep
			}
			rep.done = fail(goldap.LDAPResultSizeLimitExceeded, "size limit exceeded: more than %d entries match; use the paged results control (%s)", limit, oidPagedResults)
			return rep
		}
		rep.entries = append(rep.entries, entryOp(formatDN(e.dn), d.entryAttrs(e, who, sel), req.typesOnly))
		after = e.seq
	}
	return rep
}

// searchPseudo answers a base search of the root DSE or the subschema entry.
func (d *directory) searchPseudo(req *searchRequest, dn string, attrs []outAttr, sel selection) searchReply {
	if !d.matchPseudo(req.filter, attrs) {
		return searchReply{}
	}
	if d.fl.ad && dn == "" {
		sel.allOp = sel.allOp || sel.allUser
	}
	return searchReply{entries: []*ber.Packet{entryOp(dn, sel.apply(attrs), req.typesOnly)}}
}

// matchPseudo evaluates presence and equality filters (and their
// combinations) against a pseudo entry's attributes, case-insensitively.
func (d *directory) matchPseudo(f *filter, attrs []outAttr) bool {
	find := func(name string) []string {
		for _, a := range attrs {
			if strings.EqualFold(a.name, name) {
				return a.vals
			}
		}
		return nil
	}
	switch f.kind {
	case filterAnd:
		for _, s := range f.subs {
			if !d.matchPseudo(s, attrs) {
				return false
			}
		}
		return true
	case filterOr:
		for _, s := range f.subs {
			if d.matchPseudo(s, attrs) {
				return true
			}
		}
		return false
	case filterNot:
		return !d.matchPseudo(f.subs[0], attrs)
	case filterPresent:
		return strings.EqualFold(f.attr, "objectClass") || find(f.attr) != nil
	case filterEquality:
		for _, v := range find(f.attr) {
			if strings.EqualFold(v, f.value) {
				return true
			}
		}
	}
	return false
}
