package demodir

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// maxRequestBytes bounds one LDAP message, so a bad length cannot make the
// server allocate without limit.
const maxRequestBytes = 16 << 20

// writeTimeout bounds how long a response may wait for a slow client.
const writeTimeout = 30 * time.Second

// conn serves one client connection; requests are handled one at a time.
type conn struct {
	srv  *Server
	nc   net.Conn
	r    *bufio.Reader
	sess session
}

func (c *conn) serve() {
	defer c.nc.Close()
	defer func() {
		// A request the server cannot cope with costs its connection, never
		// the server (nor the ldapwiz process it runs in).
		if r := recover(); r != nil {
			c.disconnect(fmt.Sprintf("internal error: %v", r))
		}
	}()
	lim := c.srv.limits
	for {
		// Wait at most the idle timeout for a request to start, then at
		// most the read timeout for the rest of it.
		_ = c.nc.SetReadDeadline(time.Now().Add(lim.idle))
		if _, err := c.r.Peek(1); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				c.disconnect("idle for too long")
			}
			return
		}
		_ = c.nc.SetReadDeadline(time.Now().Add(lim.read))
		p, err := readMessage(c.r)
		if err != nil {
			switch {
			case errors.Is(err, os.ErrDeadlineExceeded):
				c.disconnect("the request did not arrive in time")
			case !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed):
				c.disconnect("malformed LDAP message: " + err.Error())
			}
			return
		}
		if !c.handle(p) {
			return
		}
	}
}

// readMessage reads one BER element, refusing oversized ones.
func readMessage(r *bufio.Reader) (*ber.Packet, error) {
	hdr, err := r.Peek(2)
	if err != nil {
		return nil, err
	}
	if hdr[1]&0x80 != 0 {
		n := int(hdr[1] & 0x7f)
		if n == 0 || n > 4 {
			return nil, errors.New("unsupported length encoding")
		}
		b, err := r.Peek(2 + n)
		if err != nil {
			return nil, err
		}
		size := 0
		for _, x := range b[2:] {
			size = size<<8 | int(x)
		}
		if size > maxRequestBytes {
			return nil, errors.New("message too large")
		}
	}
	return ber.ReadPacket(r)
}

// send writes one LDAP message.
func (c *conn) send(p *ber.Packet) error { return c.write(p.Bytes()) }

// write writes encoded messages, giving up on a client that does not read.
func (c *conn) write(b []byte) error {
	_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := c.nc.Write(b)
	return err
}

// refuseBusy tells a client over the connection cap that the server is
// busy (RFC 4511 Notice of Disconnection, code 51) and hangs up.
func (c *conn) refuseBusy() {
	defer c.nc.Close()
	op := resultOp(appExtendedResp, fail(goldap.LDAPResultBusy, "too many connections to the demo directory"))
	op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 10, oidNoticeOfDisc, "responseName"))
	_ = c.send(envelope(0, op))
}

// disconnect sends the unsolicited Notice of Disconnection (RFC 4511
// section 4.4.1) before the connection is closed.
func (c *conn) disconnect(msg string) {
	op := resultOp(appExtendedResp, fail(goldap.LDAPResultProtocolError, "%s", msg))
	op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 10, oidNoticeOfDisc, "responseName"))
	_ = c.send(envelope(0, op))
}

// responseTag maps a request tag to its response tag (0: no response).
var responseTag = map[ber.Tag]ber.Tag{
	appBindRequest: appBindResponse, appSearchRequest: appSearchDone,
	appModifyRequest: appModifyResponse, appAddRequest: appAddResponse,
	appDelRequest: appDelResponse, appModDNRequest: appModDNResponse,
	appCompareRequest: appCompareResponse, appExtendedRequest: appExtendedResp,
}

// handle serves one request; false closes the connection.
func (c *conn) handle(p *ber.Packet) bool {
	if len(p.Children) < 2 || len(p.Children) > 3 || p.Children[1].ClassType != ber.ClassApplication {
		c.disconnect("not an LDAPMessage")
		return false
	}
	id, ok := intOf(p.Children[0])
	if !ok {
		c.disconnect("bad messageID")
		return false
	}
	op := p.Children[1]
	var ctrls []control
	if len(p.Children) == 3 {
		if ctrls, ok = parseControls(p.Children[2]); !ok {
			c.disconnect("malformed controls")
			return false
		}
	}
	respTag, answered := responseTag[op.Tag]
	switch op.Tag {
	case appUnbindRequest:
		return false
	case appAbandonRequest:
		return true // requests are served one at a time: nothing is left to abandon
	}
	if !answered {
		c.disconnect("unknown LDAP operation")
		return false
	}
	var paging []byte
	for _, ct := range ctrls {
		switch {
		case ct.oid == oidPagedResults && op.Tag == appSearchRequest:
			paging = ct.value
			if paging == nil {
				paging = []byte{}
			}
		case ct.oid == oidManageDsaIT:
		case ct.critical:
			_ = c.send(envelope(id, resultOp(respTag, fail(goldap.LDAPResultUnavailableCriticalExtension,
				"critical extension is unavailable: control %s is not supported", ct.oid))))
			return true
		}
	}
	switch op.Tag {
	case appBindRequest:
		return c.send(envelope(id, c.bind(op))) == nil
	case appSearchRequest:
		return c.search(id, op, paging)
	case appExtendedRequest:
		return c.extended(id, op)
	}
	var r result
	if op.Tag == appCompareRequest {
		r = c.compare(op)
	} else {
		r = c.update(op)
	}
	return c.send(envelope(id, resultOp(respTag, r))) == nil
}

func (c *conn) search(id int64, op *ber.Packet, paging []byte) bool {
	req, err := parseSearch(op)
	if err != nil {
		return c.send(envelope(id, resultOp(appSearchDone, fail(goldap.LDAPResultProtocolError, "decoding error: %v", err)))) == nil
	}
	if c.srv.onSearch != nil {
		if f, err := goldap.DecompileFilter(op.Children[6]); err == nil {
			c.srv.onSearch(req.base, int(req.scope), f)
		}
	}
	if paging != nil && !req.usePaging(paging) {
		return c.send(envelope(id, resultOp(appSearchDone, fail(goldap.LDAPResultProtocolError, "paged results control value is malformed")))) == nil
	}
	rep := c.srv.dir.search(req, &c.sess)
	var buf []byte
	for _, e := range rep.entries {
		buf = append(buf, envelope(id, e).Bytes()...)
		if len(buf) >= 64<<10 {
			if c.write(buf) != nil {
				return false
			}
			buf = buf[:0]
		}
	}
	if len(buf) > 0 && c.write(buf) != nil {
		return false
	}
	if req.paged && rep.done.code == 0 {
		return c.send(envelope(id, resultOp(appSearchDone, rep.done), pagingControl(rep.cookie))) == nil
	}
	return c.send(envelope(id, resultOp(appSearchDone, rep.done))) == nil
}

// update decodes and runs add, modify, delete and modify DN requests.
func (c *conn) update(op *ber.Packet) result {
	bad := fail(goldap.LDAPResultProtocolError, "decoding error")
	d := c.srv.dir
	switch op.Tag {
	case appDelRequest:
		return d.delete(str(op), &c.sess)
	case appAddRequest:
		if len(op.Children) != 2 {
			return bad
		}
		var attrs []ldifAttr
		for _, a := range op.Children[1].Children {
			if len(a.Children) != 2 {
				return bad
			}
			if len(a.Children[1].Children) == 0 {
				return fail(goldap.LDAPResultProtocolError, "%s: no values given", str(a.Children[0]))
			}
			for _, v := range a.Children[1].Children {
				attrs = append(attrs, ldifAttr{name: str(a.Children[0]), value: str(v)})
			}
		}
		return d.add(str(op.Children[0]), attrs, &c.sess, false)
	case appModifyRequest:
		if len(op.Children) != 2 {
			return bad
		}
		var changes []change
		for _, ch := range op.Children[1].Children {
			if len(ch.Children) != 2 || len(ch.Children[1].Children) != 2 {
				return bad
			}
			n, ok := intOf(ch.Children[0])
			if !ok {
				return bad
			}
			m := change{op: int(n), name: str(ch.Children[1].Children[0])}
			for _, v := range ch.Children[1].Children[1].Children {
				m.vals = append(m.vals, str(v))
			}
			changes = append(changes, m)
		}
		return d.modify(str(op.Children[0]), changes, &c.sess)
	case appModDNRequest:
		if len(op.Children) < 3 {
			return bad
		}
		var sup *string
		if len(op.Children) > 3 {
			s := str(op.Children[3])
			sup = &s
		}
		del := len(op.Children[2].Data.Bytes()) > 0 && op.Children[2].Data.Bytes()[0] != 0
		return d.modifyDN(str(op.Children[0]), str(op.Children[1]), del, sup, &c.sess)
	}
	return bad
}

// compare answers a CompareRequest with compareTrue (6) or compareFalse (5).
func (c *conn) compare(op *ber.Packet) result {
	if len(op.Children) != 2 || len(op.Children[1].Children) != 2 {
		return fail(goldap.LDAPResultProtocolError, "decoding error")
	}
	d := c.srv.dir
	dn, err := parseDN(str(op.Children[0]))
	if err != nil {
		return fail(goldap.LDAPResultInvalidDNSyntax, "invalid DN")
	}
	name, value := str(op.Children[1].Children[0]), str(op.Children[1].Children[1])
	if c.sess.bindDN == nil {
		if d.fl.ad {
			return fail(goldap.LDAPResultOperationsError, "000004DC: LdapErr: DSID-0C090A5C, comment: In order to perform this operation a successful bind must be completed on the connection., data 0, v4563")
		}
		return fail(goldap.LDAPResultNoSuchObject, "")
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	e := d.lookup(dn)
	if e == nil {
		return d.noSuchObject(dn)
	}
	t := d.sch.attr(name)
	if t == nil {
		return fail(goldap.LDAPResultUndefinedAttributeType, "%s: attribute type undefined", name)
	}
	if t.name() == "userPassword" || t.name() == "unicodePwd" {
		return fail(goldap.LDAPResultInsufficientAccessRights, "comparing passwords is not allowed: bind instead")
	}
	vals := d.values(e, t)
	if len(vals) == 0 {
		return fail(goldap.LDAPResultNoSuchAttribute, "%s: no such attribute", t.name())
	}
	for _, v := range vals {
		if t.normalize(v) == t.normalize(value) {
			return result{code: goldap.LDAPResultCompareTrue}
		}
	}
	return result{code: goldap.LDAPResultCompareFalse}
}

// startTLS upgrades the connection after the success response was sent.
func (c *conn) startTLS(cfg *tls.Config) bool {
	tc := tls.Server(c.nc, cfg)
	_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		return false
	}
	_ = tc.SetDeadline(time.Time{})
	c.nc, c.r = tc, bufio.NewReader(tc)
	c.sess.tls = true
	return true
}
