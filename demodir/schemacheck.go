package demodir

import (
	"fmt"
	"math/big"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// result is the outcome of an operation: an LDAP result code, the matchedDN
// of a noSuchObject, and the diagnostic message sent to the client.
type result struct {
	code    uint16
	matched string
	msg     string
}

var success = result{}

func fail(code uint16, format string, args ...any) result {
	return result{code: code, msg: fmt.Sprintf(format, args...)}
}

// isComputed reports whether t is computed on read and never stored.
func (d *directory) isComputed(t *attrType) bool {
	for _, n := range d.computedAttrs() {
		if t.name() == n {
			return true
		}
	}
	return false
}

// checkSchema verifies e against the schema: a known structural object
// class, every MUST attribute present, every attribute allowed by one of the
// classes, single-valued attributes with one value, values in their syntax.
func (d *directory) checkSchema(e *entry) result {
	oca := e.get(d.sch.attr("objectClass"))
	if oca == nil || len(oca.vals) == 0 {
		return fail(goldap.LDAPResultObjectClassViolation, "no objectClass attribute")
	}
	allowed := map[*attrType]bool{}
	var must []*attrType
	structural := false
	for i, v := range oca.vals {
		oc := d.sch.class(v)
		if oc == nil {
			return fail(goldap.LDAPResultInvalidAttributeSyntax, "objectClass: value #%d invalid per syntax (unknown object class %q)", i, v)
		}
		for _, c := range d.sch.superClasses(oc) {
			if c.kind == "STRUCTURAL" {
				structural = true
			}
			for _, n := range c.must {
				t := d.sch.attr(n)
				allowed[t] = true
				must = append(must, t)
			}
			for _, n := range c.may {
				allowed[d.sch.attr(n)] = true
			}
		}
	}
	if !structural {
		return fail(goldap.LDAPResultObjectClassViolation, "no structural object class provided")
	}
	for _, t := range must {
		if e.get(t) == nil && !d.isComputed(t) {
			return fail(goldap.LDAPResultObjectClassViolation, "object class '%s' requires attribute '%s'", d.structuralClass(e).name(), t.name())
		}
	}
	for _, a := range e.attrs {
		if !allowed[a.t] && !a.t.operational() && !a.t.noUserMod {
			return fail(goldap.LDAPResultObjectClassViolation, "attribute '%s' not allowed", a.t.name())
		}
		if a.t.single && len(a.vals) > 1 {
			return fail(goldap.LDAPResultConstraintViolation, "attribute '%s' cannot have multiple values", a.t.name())
		}
		for i, v := range a.vals {
			if !validSyntax(a.t.syntax, v) {
				return fail(goldap.LDAPResultInvalidAttributeSyntax, "%s: value #%d invalid per syntax", a.t.name(), i)
			}
		}
	}
	return success
}

// validSyntax checks a value against the syntaxes the server can verify.
func validSyntax(syntax, v string) bool {
	switch strings.Trim(syntax, "'") {
	case synDirString, synIA5, synOID:
		return strings.TrimSpace(v) != ""
	case synDN:
		_, err := goldap.ParseDN(v)
		return err == nil
	case synInteger:
		_, ok := new(big.Int).SetString(v, 10)
		return ok
	case synBoolean:
		return v == "TRUE" || v == "FALSE"
	}
	return true
}
