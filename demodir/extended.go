package demodir

import (
	"crypto/rand"
	"encoding/base64"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// extended handles an ExtendedRequest: StartTLS, Password Modify (OpenLDAP
// flavour) and Who am I; others get protocolError, as OpenLDAP answers.
func (c *conn) extended(id int64, op *ber.Packet) bool {
	if len(op.Children) == 0 {
		return c.send(envelope(id, resultOp(appExtendedResp, fail(goldap.LDAPResultProtocolError, "decoding error")))) == nil
	}
	name := str(op.Children[0])
	var value []byte
	hasValue := len(op.Children) > 1
	if hasValue {
		value = op.Children[1].Data.Bytes()
	}
	reply := func(r result, respValue []byte) bool {
		p := resultOp(appExtendedResp, r)
		if name == oidStartTLS {
			p.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 10, name, "responseName"))
		}
		if respValue != nil {
			p.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 11, string(respValue), "responseValue"))
		}
		return c.send(envelope(id, p)) == nil
	}
	switch {
	case name == oidStartTLS:
		if c.sess.tls {
			return reply(fail(goldap.LDAPResultOperationsError, "TLS already started"), nil)
		}
		if !reply(success, nil) {
			return false
		}
		return c.startTLS(c.srv.tlsConfig)
	case name == oidWhoAmI:
		authz := ""
		if c.sess.bindDN != nil {
			authz = "dn:" + formatDN(c.sess.bindDN)
		}
		return reply(success, []byte(authz))
	case name == oidPasswordModify && !c.srv.dir.fl.ad:
		gen, r := c.srv.dir.passwordModify(value, hasValue, &c.sess)
		if gen == "" {
			return reply(r, nil)
		}
		seq := ber.NewSequence("PasswdModifyResponseValue")
		seq.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, gen, "genPasswd"))
		return reply(r, seq.Bytes())
	}
	return reply(fail(goldap.LDAPResultProtocolError, "unsupported extended operation %s", name), nil)
}

// passwordModify implements RFC 3062: the administrator may set anyone's
// password, a user their own. Without a new password one is generated and
// returned. The password is stored as {SSHA}.
func (d *directory) passwordModify(value []byte, hasValue bool, who *session) (string, result) {
	var user, oldPw, newPw *string
	if hasValue && len(value) > 0 {
		p, err := ber.DecodePacketErr(value)
		if err != nil {
			return "", fail(goldap.LDAPResultProtocolError, "password modify: malformed request value")
		}
		for _, c := range p.Children {
			s := str(c)
			switch c.Tag {
			case 0:
				user = &s
			case 1:
				oldPw = &s
			case 2:
				newPw = &s
			}
		}
	}
	if who.bindDN == nil {
		if user == nil {
			return "", fail(goldap.LDAPResultUnwillingToPerform, "only authenticated users may change passwords")
		}
		return "", fail(goldap.LDAPResultInsufficientAccessRights, "no write access: bind first")
	}
	target := who.bindDN
	if user != nil {
		dn, err := parseDN(*user)
		if err != nil || len(dn.RDNs) == 0 {
			return "", fail(goldap.LDAPResultInvalidDNSyntax, "password modify: invalid user identity %q (give a DN)", *user)
		}
		target = dn
	}
	if target.EqualFold(d.fl.adminDNParsed) {
		return "", fail(goldap.LDAPResultUnwillingToPerform, "the administrator's password is part of the server configuration and cannot be changed")
	}
	if !who.admin && !target.EqualFold(who.bindDN) {
		return "", fail(goldap.LDAPResultInsufficientAccessRights, "no write access: only the administrator may change another user's password")
	}
	if newPw != nil && *newPw == "" {
		return "", fail(goldap.LDAPResultUnwillingToPerform, "password modify: the new password is empty")
	}
	e, unlock, r := d.lockEntry(target)
	if r.code != 0 {
		return "", r
	}
	defer unlock()
	if oldPw != nil && !d.checkPassword(e, *oldPw) {
		return "", fail(goldap.LDAPResultInvalidCredentials, "password modify: the old password is wrong")
	}
	gen := ""
	if newPw == nil {
		b := make([]byte, 9)
		_, _ = rand.Read(b)
		gen = base64.RawURLEncoding.EncodeToString(b)
		newPw = &gen
	}
	c := e.clone()
	c.set(d.sch.attr("userPassword"), []string{hashSSHA(*newPw)})
	if r := d.checkSchema(c); r.code != 0 {
		return "", r
	}
	d.stamp(c, who, false)
	d.put(c)
	return gen, success
}
