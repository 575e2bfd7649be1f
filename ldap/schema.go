package ldap

import (
	"context"
	"fmt"
	"sort"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// ClassKind is the kind of an object class (RFC 4512 section 4.1.1).
type ClassKind int

// Object class kinds; STRUCTURAL is the default when none is written.
const (
	Structural ClassKind = iota
	Auxiliary
	Abstract
)

// String returns the RFC 4512 keyword of the kind.
func (k ClassKind) String() string {
	switch k {
	case Auxiliary:
		return "AUXILIARY"
	case Abstract:
		return "ABSTRACT"
	}
	return "STRUCTURAL"
}

// ObjectClass is one parsed object class description.
type ObjectClass struct {
	OID        string
	Names      []string
	Desc       string
	Obsolete   bool
	Superiors  []string
	Kind       ClassKind
	Must       []string
	May        []string
	Extensions map[string][]string // X-ORIGIN and friends
}

// Name returns the class's first name, or its OID.
func (o *ObjectClass) Name() string {
	if len(o.Names) > 0 {
		return o.Names[0]
	}
	return o.OID
}

// AttributeType is one parsed attribute type description.
type AttributeType struct {
	OID                string
	Names              []string // the first is the primary name, the others aliases
	Desc               string
	Obsolete           bool
	Superior           string
	Equality           string
	Ordering           string
	Substr             string
	Syntax             string // OID, without the length bound; inherited from the superior when absent
	SyntaxLen          string // the {len} bound, if any
	SingleValue        bool
	Collective         bool
	NoUserModification bool
	Usage              string // userApplications (default), directoryOperation, distributedOperation, dSAOperation
	Extensions         map[string][]string
}

// Name returns the attribute type's primary name, or its OID.
func (a *AttributeType) Name() string {
	if len(a.Names) > 0 {
		return a.Names[0]
	}
	return a.OID
}

// Operational reports whether the attribute is operational (USAGE other
// than userApplications).
func (a *AttributeType) Operational() bool {
	return a.Usage != "" && !strings.EqualFold(a.Usage, "userApplications")
}

// Schema is a directory's parsed schema. Both maps are keyed by every name
// and the OID of each definition, in lower case; use the lookup methods.
type Schema struct {
	ObjectClasses  map[string]*ObjectClass
	AttributeTypes map[string]*AttributeType
	// Problems lists definitions that could not be parsed (they are
	// skipped; the rest of the schema is usable).
	Problems []string
}

// ObjectClass looks up an object class by any of its names or its OID,
// case-insensitively; nil when unknown.
func (s *Schema) ObjectClass(name string) *ObjectClass {
	return s.ObjectClasses[strings.ToLower(strings.TrimSpace(name))]
}

// AttributeType looks up an attribute type by any of its names or its OID,
// case-insensitively (options such as ";binary" are ignored); nil when
// unknown.
func (s *Schema) AttributeType(name string) *AttributeType {
	return s.AttributeTypes[baseAttrName(strings.TrimSpace(name))]
}

// ObjectClassNames returns the primary names of all object classes, sorted.
func (s *Schema) ObjectClassNames() []string {
	seen := map[*ObjectClass]bool{}
	var out []string
	for _, oc := range s.ObjectClasses {
		if !seen[oc] {
			seen[oc] = true
			out = append(out, oc.Name())
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// AttributeTypeNames returns the primary names of all attribute types, sorted.
func (s *Schema) AttributeTypeNames() []string {
	seen := map[*AttributeType]bool{}
	var out []string
	for _, at := range s.AttributeTypes {
		if !seen[at] {
			seen[at] = true
			out = append(out, at.Name())
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// AllMust returns the attributes an entry of class oc must carry, its
// superiors' included, by their primary names, without duplicates.
func (s *Schema) AllMust(oc string) []string {
	return s.collect(oc, func(o *ObjectClass) []string { return o.Must }, nil)
}

// AllMay returns the attributes an entry of class oc may carry, its
// superiors' included, minus those it must carry.
func (s *Schema) AllMay(oc string) []string {
	must := map[string]bool{}
	for _, m := range s.AllMust(oc) {
		must[strings.ToLower(m)] = true
	}
	return s.collect(oc, func(o *ObjectClass) []string { return o.May }, must)
}

// Superiors returns the chain of superior classes of oc (not oc itself),
// nearest first, each once.
func (s *Schema) Superiors(oc string) []string {
	var out []string
	seen := map[*ObjectClass]bool{}
	var walk func(*ObjectClass)
	walk = func(o *ObjectClass) {
		for _, sup := range o.Superiors {
			so := s.ObjectClass(sup)
			if so == nil || seen[so] {
				continue
			}
			seen[so] = true
			out = append(out, so.Name())
			walk(so)
		}
	}
	if o := s.ObjectClass(oc); o != nil {
		seen[o] = true
		walk(o)
	}
	return out
}

func (s *Schema) collect(oc string, pick func(*ObjectClass) []string, skip map[string]bool) []string {
	o := s.ObjectClass(oc)
	if o == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for k := range skip {
		seen[k] = true
	}
	classes := []*ObjectClass{o}
	for _, sup := range s.Superiors(oc) {
		classes = append(classes, s.ObjectClass(sup))
	}
	for _, c := range classes {
		for _, a := range pick(c) {
			name := a
			if at := s.AttributeType(a); at != nil {
				name = at.Name()
			}
			if key := strings.ToLower(name); !seen[key] {
				seen[key] = true
				out = append(out, name)
			}
		}
	}
	return out
}

// ParseSchema builds a Schema from objectClasses and attributeTypes values
// (RFC 4512 descriptions). Unparseable definitions are skipped and listed
// in Problems. Attribute types inherit SYNTAX and matching rules from their
// superior when they do not name their own.
func ParseSchema(objectClasses, attributeTypes []string) *Schema {
	s := &Schema{ObjectClasses: map[string]*ObjectClass{}, AttributeTypes: map[string]*AttributeType{}}
	for _, def := range attributeTypes {
		at, err := ParseAttributeType(def)
		if err != nil {
			s.Problems = append(s.Problems, err.Error())
			continue
		}
		s.AttributeTypes[strings.ToLower(at.OID)] = at
		for _, n := range at.Names {
			s.AttributeTypes[strings.ToLower(n)] = at
		}
	}
	for _, def := range objectClasses {
		oc, err := ParseObjectClass(def)
		if err != nil {
			s.Problems = append(s.Problems, err.Error())
			continue
		}
		s.ObjectClasses[strings.ToLower(oc.OID)] = oc
		for _, n := range oc.Names {
			s.ObjectClasses[strings.ToLower(n)] = oc
		}
	}
	for _, at := range s.AttributeTypes {
		s.inherit(at, 0)
	}
	return s
}

// inherit fills at's SYNTAX and matching rules from its superiors.
func (s *Schema) inherit(at *AttributeType, depth int) {
	if at.Superior == "" || depth > 32 {
		return
	}
	sup := s.AttributeType(at.Superior)
	if sup == nil || sup == at {
		return
	}
	s.inherit(sup, depth+1)
	if at.Syntax == "" {
		at.Syntax, at.SyntaxLen = sup.Syntax, sup.SyntaxLen
	}
	if at.Equality == "" {
		at.Equality = sup.Equality
	}
	if at.Ordering == "" {
		at.Ordering = sup.Ordering
	}
	if at.Substr == "" {
		at.Substr = sup.Substr
	}
}

// Schema reads and parses the directory's schema from the subschema subentry
// named by the RootDSE (cn=Subschema when the RootDSE does not say).
func (c *Conn) Schema(ctx context.Context) (*Schema, error) {
	dn, err := c.subschemaDN(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := c.searchAll(ctx, goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"objectClasses", "attributeTypes"}, nil))
	if err != nil {
		return nil, fmt.Errorf("read the schema from %s: %w", dn, err)
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("read the schema from %s: the server returned no subschema entry (the bind account may not read it)", dn)
	}
	e := entries[0]
	s := ParseSchema(e.Get("objectClasses"), e.Get("attributeTypes"))
	if len(s.ObjectClasses) == 0 && len(s.AttributeTypes) == 0 {
		return nil, fmt.Errorf("read the schema from %s: it holds no objectClasses or attributeTypes the bind account can read", dn)
	}
	if nc := adSchemaNC(dn); nc != "" {
		if err := c.addADAuxiliaryClasses(ctx, s, nc); err != nil {
			s.Problems = append(s.Problems, err.Error())
		}
	}
	return s, nil
}

// subschemaDN reads subschemaSubentry from the RootDSE.
func (c *Conn) subschemaDN(ctx context.Context) (string, error) {
	entries, err := c.searchAll(ctx, goldap.NewSearchRequest("", goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"subschemaSubentry"}, nil))
	if err != nil {
		return "", fmt.Errorf("read the RootDSE: %w", err)
	}
	for _, e := range entries {
		if dn := e.First("subschemaSubentry"); dn != "" {
			return dn, nil
		}
	}
	return "cn=Subschema", nil
}
