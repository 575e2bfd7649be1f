package ldap

import (
	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// Operators of a FilterNode that combine clauses.
const (
	FilterOpAnd = "and"
	FilterOpOr  = "or"
	FilterOpNot = "not"
)

// FilterNode is one clause of a search filter: an and, or or not of
// clauses, or a single assertion such as (mail=*). It only takes a filter
// apart; whether an entry matches a clause is the server's to say (see
// Conn.Matches), since only the server knows each attribute's matching
// rules.
type FilterNode struct {
	// Text is the clause as a filter string, e.g. "(mail=*)".
	Text string `json:"text"`
	// Op is FilterOpAnd, FilterOpOr or FilterOpNot; "" for an assertion.
	Op string `json:"op,omitempty"`
	// Attr is an assertion's attribute ("" for and, or, not, and for an
	// extensible match without one).
	Attr string `json:"attr,omitempty"`
	// Clauses are the clauses an and, or or not combines.
	Clauses []FilterNode `json:"clauses,omitempty"`
}

// ParseFilterTree takes a search filter (RFC 4515, written with or without
// its outer parentheses) apart into its clauses.
func ParseFilterTree(filter string) (FilterNode, error) {
	_, p, err := compileFilterText(filter)
	if err != nil {
		return FilterNode{}, err
	}
	return filterNode(p)
}

// filterNode converts a compiled filter packet into a FilterNode.
func filterNode(p *ber.Packet) (FilterNode, error) {
	text, err := goldap.DecompileFilter(p)
	if err != nil {
		return FilterNode{}, err
	}
	n := FilterNode{Text: text}
	switch p.Tag {
	case goldap.FilterAnd, goldap.FilterOr, goldap.FilterNot:
		n.Op = map[ber.Tag]string{goldap.FilterAnd: FilterOpAnd, goldap.FilterOr: FilterOpOr, goldap.FilterNot: FilterOpNot}[p.Tag]
		for _, c := range p.Children {
			sub, err := filterNode(c)
			if err != nil {
				return FilterNode{}, err
			}
			n.Clauses = append(n.Clauses, sub)
		}
	case goldap.FilterPresent:
		n.Attr = packetText(p)
	case goldap.FilterExtensibleMatch:
		for _, c := range p.Children {
			if c.Tag == 2 { // type
				n.Attr = packetText(c)
			}
		}
	default: // equality, substrings, >=, <=, ~=: the attribute comes first
		if len(p.Children) > 0 {
			n.Attr = packetText(p.Children[0])
		}
	}
	return n, nil
}

// packetText is the content of a primitive packet as a string.
func packetText(p *ber.Packet) string {
	if p.Data == nil {
		return ""
	}
	return p.Data.String()
}
