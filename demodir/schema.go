package demodir

import (
	"fmt"
	"strings"
)

// attrType is one attribute type of the schema, parsed from its RFC 4512
// description.
type attrType struct {
	oid        string
	names      []string // first is the canonical name
	sup        string
	equality   string
	ordering   string
	substr     string
	syntax     string
	single     bool
	noUserMod  bool
	usage      string // userApplications (empty), directoryOperation, dSAOperation...
	definition string // the RFC 4512 text published in the subschema subentry
}

// name is the canonical name of the attribute type.
func (a *attrType) name() string { return a.names[0] }

// operational reports whether the attribute is returned only on request.
func (a *attrType) operational() bool { return a.usage != "" && a.usage != "userApplications" }

// objectClass is one object class of the schema.
type objectClass struct {
	oid        string
	names      []string
	sup        []string
	kind       string // ABSTRACT, STRUCTURAL or AUXILIARY
	must, may  []string
	definition string
}

func (o *objectClass) name() string { return o.names[0] }

// schema is the set of attribute types and object classes the server knows,
// looked up by any of their names or OID (lower case).
type schema struct {
	attrs     map[string]*attrType
	classes   map[string]*objectClass
	attrList  []*attrType // in definition order, for the subschema subentry
	classList []*objectClass
}

// newSchema parses attribute type and object class descriptions. An error is
// a bug in the built-in schema text.
func newSchema(attrDefs, classDefs []string) (*schema, error) {
	s := &schema{attrs: map[string]*attrType{}, classes: map[string]*objectClass{}}
	for _, d := range attrDefs {
		a, err := parseAttrType(d)
		if err != nil {
			return nil, err
		}
		s.attrList = append(s.attrList, a)
		s.attrs[a.oid] = a
		for _, n := range a.names {
			s.attrs[strings.ToLower(n)] = a
		}
	}
	// Inherit matching rules and syntax from the superior type.
	for _, a := range s.attrList {
		for sup := a.sup; sup != ""; {
			p := s.attrs[strings.ToLower(sup)]
			if p == nil {
				return nil, fmt.Errorf("attribute type %s: unknown superior %s", a.name(), sup)
			}
			if a.equality == "" {
				a.equality = p.equality
			}
			if a.ordering == "" {
				a.ordering = p.ordering
			}
			if a.substr == "" {
				a.substr = p.substr
			}
			if a.syntax == "" {
				a.syntax = p.syntax
			}
			sup = p.sup
		}
	}
	for _, d := range classDefs {
		o, err := parseObjectClass(d)
		if err != nil {
			return nil, err
		}
		for _, n := range append(append([]string{}, o.must...), o.may...) {
			if s.attrs[strings.ToLower(n)] == nil {
				return nil, fmt.Errorf("object class %s: unknown attribute %s", o.name(), n)
			}
		}
		s.classList = append(s.classList, o)
		s.classes[o.oid] = o
		for _, n := range o.names {
			s.classes[strings.ToLower(n)] = o
		}
	}
	return s, nil
}

// attr returns the attribute type named name (any alias or OID, any case), or nil.
func (s *schema) attr(name string) *attrType {
	return s.attrs[strings.ToLower(baseAttrName(name))]
}

// class returns the object class named name, or nil.
func (s *schema) class(name string) *objectClass { return s.classes[strings.ToLower(name)] }

// canonical returns the canonical spelling of an attribute name, or the name
// itself when the schema does not know it.
func (s *schema) canonical(name string) string {
	if a := s.attr(name); a != nil {
		return a.name()
	}
	return name
}

// baseAttrName strips attribute options ("member;range=0-99" -> "member").
func baseAttrName(name string) string {
	if i := strings.IndexByte(name, ';'); i >= 0 {
		return name[:i]
	}
	return name
}

// superClasses returns the class and all its superiors, by canonical name.
func (s *schema) superClasses(o *objectClass) []*objectClass {
	out := []*objectClass{o}
	for i := 0; i < len(out); i++ {
		for _, sup := range out[i].sup {
			if p := s.class(sup); p != nil {
				out = append(out, p)
			}
		}
	}
	return out
}

// tokenize splits an RFC 4512 description into parentheses, quoted strings
// and bare words.
func tokenize(def string) ([]string, error) {
	var toks []string
	for i := 0; i < len(def); {
		c := def[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '(' || c == ')' || c == '$':
			toks = append(toks, string(c))
			i++
		case c == '\'':
			j := strings.IndexByte(def[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated quote in %q", def)
			}
			toks = append(toks, def[i:i+j+2])
			i += j + 2
		default:
			j := i
			for j < len(def) && !strings.ContainsRune(" \t\n()$'", rune(def[j])) {
				j++
			}
			toks = append(toks, def[i:j])
			i = j
		}
	}
	if len(toks) < 3 || toks[0] != "(" || toks[len(toks)-1] != ")" {
		return nil, fmt.Errorf("schema description must be ( OID ... ): %q", def)
	}
	return toks[1 : len(toks)-1], nil
}

// descFields turns a tokenized description into OID and keyword -> values.
func descFields(def string) (string, map[string][]string, error) {
	toks, err := tokenize(def)
	if err != nil {
		return "", nil, err
	}
	oid := toks[0]
	f := map[string][]string{}
	for i := 1; i < len(toks); {
		key := toks[i]
		i++
		switch key {
		case "SINGLE-VALUE", "NO-USER-MODIFICATION", "COLLECTIVE", "OBSOLETE", "ABSTRACT", "STRUCTURAL", "AUXILIARY":
			f[key] = nil
			continue
		}
		if i >= len(toks) {
			return "", nil, fmt.Errorf("%s without value in %q", key, def)
		}
		if toks[i] == "(" {
			i++
			for i < len(toks) && toks[i] != ")" {
				if toks[i] != "$" {
					f[key] = append(f[key], strings.Trim(toks[i], "'"))
				}
				i++
			}
			i++
			continue
		}
		f[key] = append(f[key], strings.Trim(toks[i], "'"))
		i++
	}
	return oid, f, nil
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func parseAttrType(def string) (*attrType, error) {
	oid, f, err := descFields(def)
	if err != nil {
		return nil, err
	}
	if len(f["NAME"]) == 0 {
		return nil, fmt.Errorf("attribute type %s has no NAME", oid)
	}
	_, single := f["SINGLE-VALUE"]
	_, noMod := f["NO-USER-MODIFICATION"]
	syntax := first(f["SYNTAX"])
	if i := strings.IndexByte(syntax, '{'); i >= 0 {
		syntax = syntax[:i]
	}
	return &attrType{
		oid: oid, names: f["NAME"], sup: first(f["SUP"]),
		equality: first(f["EQUALITY"]), ordering: first(f["ORDERING"]), substr: first(f["SUBSTR"]),
		syntax: syntax, single: single, noUserMod: noMod, usage: first(f["USAGE"]),
		definition: def,
	}, nil
}

func parseObjectClass(def string) (*objectClass, error) {
	oid, f, err := descFields(def)
	if err != nil {
		return nil, err
	}
	if len(f["NAME"]) == 0 {
		return nil, fmt.Errorf("object class %s has no NAME", oid)
	}
	kind := "STRUCTURAL"
	for _, k := range []string{"ABSTRACT", "AUXILIARY"} {
		if _, ok := f[k]; ok {
			kind = k
		}
	}
	return &objectClass{oid: oid, names: f["NAME"], sup: f["SUP"], kind: kind,
		must: f["MUST"], may: f["MAY"], definition: def}, nil
}
