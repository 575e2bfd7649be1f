package demodir

import (
	"strconv"
	"strings"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// AD's diagnostic messages for a failed bind: "data 52e" is a wrong user
// name or password, "data 533" a disabled account.
const (
	adBadCredentials = "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563"
	adDisabled       = "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 533, v4563"
)

// bind handles a BindRequest and returns the BindResponse op. Any bind
// first makes the connection anonymous again.
func (c *conn) bind(op *ber.Packet) *ber.Packet {
	c.sess.bindDN, c.sess.admin = nil, false
	return resultOp(appBindResponse, c.srv.dir.bind(op, &c.sess))
}

func (d *directory) bind(op *ber.Packet, sess *session) result {
	if len(op.Children) != 3 {
		return fail(goldap.LDAPResultProtocolError, "decoding error")
	}
	if v, ok := intOf(op.Children[0]); !ok || v != 3 {
		return fail(goldap.LDAPResultProtocolError, "requested protocol version not allowed: only LDAPv3 is supported")
	}
	name, auth := str(op.Children[1]), op.Children[2]
	if auth.ClassType != ber.ClassContext || auth.Tag != 0 {
		return fail(goldap.LDAPResultAuthMethodNotSupported, "only simple bind is supported (SASL mechanisms are not)")
	}
	password := str(auth)
	switch {
	case name == "" && password == "":
		return success // anonymous
	case password == "":
		return fail(goldap.LDAPResultUnwillingToPerform, "unauthenticated bind (DN with no password) disallowed")
	case name == "":
		return fail(goldap.LDAPResultUnwillingToPerform, "a password without a bind DN is not allowed")
	}
	badCreds := fail(goldap.LDAPResultInvalidCredentials, "")
	if d.fl.ad {
		badCreds.msg = adBadCredentials
	}
	if !d.fl.ad {
		if dn, err := parseDN(name); err == nil && dn.EqualFold(d.fl.adminDNParsed) {
			if password != d.fl.adminPassword {
				return badCreds
			}
			sess.bindDN, sess.admin = dn, true
			return success
		}
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	e, r := d.bindEntry(name)
	if r.code != 0 {
		return r
	}
	if e == nil || !d.checkPassword(e, password) {
		return badCreds
	}
	if d.fl.ad {
		if uac, _ := strconv.Atoi(e.first(d.sch.attr("userAccountControl"))); uac&uacAccountDisabled != 0 {
			return fail(goldap.LDAPResultInvalidCredentials, adDisabled)
		}
	}
	sess.bindDN = e.dn
	sess.admin = e.dn.EqualFold(d.fl.adminDNParsed)
	return success
}

// bindEntry finds the entry a bind name refers to: a DN, or on AD also
// user@domain (userPrincipalName) and DOMAIN\user (sAMAccountName).
func (d *directory) bindEntry(name string) (*entry, result) {
	if d.fl.ad && !strings.Contains(name, "=") {
		attr, value := "userPrincipalName", name
		if i := strings.IndexByte(name, '\\'); i >= 0 {
			attr, value = "sAMAccountName", name[i+1:]
		}
		t := d.sch.attr(attr)
		for _, e := range d.entries {
			if e.hasValue(t, value) {
				return e, success
			}
		}
		return nil, success
	}
	dn, err := parseDN(name)
	if err != nil {
		if d.fl.ad {
			return nil, success
		}
		return nil, fail(goldap.LDAPResultInvalidDNSyntax, "invalid DN %q", name)
	}
	return d.lookup(dn), success
}
