package demodir

import (
	"bufio"
	"crypto/tls"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// raw sends one hand-made LDAP message and returns the first response.
func raw(t *testing.T, s *Server, msg []byte) *ber.Packet {
	t.Helper()
	nc, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := nc.Write(msg); err != nil {
		t.Fatal(err)
	}
	p, err := ber.ReadPacket(bufio.NewReader(nc))
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	return p
}

// resultCode returns the result code of a response message.
func resultCode(p *ber.Packet) int64 {
	n, _ := intOf(p.Children[1].Children[0])
	return n
}

func searchMessage(filter *ber.Packet) []byte {
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, appSearchRequest, nil, "search")
	op.AppendChild(octets("dc=example,dc=com"))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, 2, ""))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, 0, ""))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 0, ""))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 0, ""))
	op.AppendChild(ber.NewBoolean(ber.ClassUniversal, ber.TypePrimitive, ber.TagBoolean, false, ""))
	op.AppendChild(filter)
	op.AppendChild(ber.NewSequence("attrs"))
	return envelope(1, op).Bytes()
}

func TestBadRequests(t *testing.T) {
	s := start(t, false)
	// A filter choice that does not exist.
	bad := ber.Encode(ber.ClassContext, ber.TypeConstructed, 12, nil, "no such filter")
	if p := raw(t, s, searchMessage(bad)); resultCode(p) != goldap.LDAPResultProtocolError || p.Children[1].Tag != appSearchDone {
		t.Errorf("unknown filter choice: result %d", resultCode(p))
	}
	// A NOT with two operands.
	not := ber.Encode(ber.ClassContext, ber.TypeConstructed, filterNot, nil, "not")
	pres := ber.NewString(ber.ClassContext, ber.TypePrimitive, filterPresent, "cn", "")
	not.AppendChild(pres)
	not.AppendChild(pres)
	if p := raw(t, s, searchMessage(not)); resultCode(p) != goldap.LDAPResultProtocolError {
		t.Errorf("NOT with two operands: result %d", resultCode(p))
	}
	// Garbage: the server sends a Notice of Disconnection.
	if p := raw(t, s, []byte{0x30, 0x03, 0x02, 0x01, 0x01, 0x00}); resultCode(p) != goldap.LDAPResultProtocolError || p.Children[1].Tag != appExtendedResp {
		t.Errorf("garbage: %v", p.Children[1].Tag)
	}
	// An absurd length is refused without allocating.
	if p := raw(t, s, []byte{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff}); resultCode(p) != goldap.LDAPResultProtocolError {
		t.Error("huge length not refused")
	}

	c := admin(t, s)
	// Unknown controls: critical ones are refused, others ignored.
	critical := goldap.NewControlString("1.2.3.4.5.6.7", true, "")
	_, err := c.Search(goldap.NewSearchRequest(s.BaseDN(), goldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, []goldap.Control{critical}))
	wantCode(t, "unknown critical control on search", err, goldap.LDAPResultUnavailableCriticalExtension)
	wantCode(t, "unknown critical control on delete", c.Del(goldap.NewDelRequest("uid=x,"+people, []goldap.Control{critical})), goldap.LDAPResultUnavailableCriticalExtension)
	optional := goldap.NewControlString("1.2.3.4.5.6.7", false, "")
	_, err = c.Search(goldap.NewSearchRequest(s.BaseDN(), goldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, []goldap.Control{optional}))
	wantCode(t, "unknown non-critical control", err, 0)
	// Unsupported extended operation and SASL bind.
	_, err = c.Extended(goldap.NewExtendedRequest("1.2.3.4.99", nil))
	wantCode(t, "unknown extended operation", err, goldap.LDAPResultProtocolError)
	// Compare.
	ok, err := c.Compare("cn=admins,"+groups, "cn", "ADMINS")
	if err != nil || !ok {
		t.Errorf("compare: %v %v", ok, err)
	}
	// The connection still works after all that, and so does the server.
	search(t, c, s.BaseDN(), goldap.ScopeBaseObject, "(objectClass=*)")
	search(t, admin(t, s), s.BaseDN(), goldap.ScopeBaseObject, "(objectClass=*)")
}

// TestGarbageNeverKillsTheServer sends random and truncated messages; the
// server must answer or hang up, and keep serving others.
func TestGarbageNeverKillsTheServer(t *testing.T) {
	s := start(t, false)
	valid := searchMessage(ber.NewString(ber.ClassContext, ber.TypePrimitive, filterPresent, "objectClass", ""))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 90; i++ {
		msg := append([]byte(nil), valid...)
		switch i % 3 {
		case 0: // flip bytes
			for j := 0; j < 3; j++ {
				msg[rng.IntN(len(msg))] = byte(rng.IntN(256))
			}
		case 1: // truncate
			msg = msg[:rng.IntN(len(msg))]
		default: // random
			msg = make([]byte, 1+rng.IntN(64))
			for j := range msg {
				msg[j] = byte(rng.IntN(256))
			}
		}
		nc, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		_ = nc.SetDeadline(time.Now().Add(50 * time.Millisecond))
		_, _ = nc.Write(msg)
		_, _ = bufio.NewReader(nc).ReadByte()
		nc.Close()
	}
	search(t, admin(t, s), s.BaseDN(), goldap.ScopeBaseObject, "(objectClass=*)")
}

func TestStartTLS(t *testing.T) {
	s := start(t, false)
	c := dial(t, s)
	if err := c.StartTLS(tlsConfig(t, s)); err != nil {
		t.Fatalf("StartTLS verifying with CAPEM: %v", err)
	}
	if err := c.Bind(s.AdminDN(), s.AdminPassword()); err != nil {
		t.Fatal(err)
	}
	search(t, c, s.BaseDN(), goldap.ScopeWholeSubtree, "(uid=zunal)")
	// A client that does not trust the CA fails the handshake.
	c2 := dial(t, s)
	if err := c2.StartTLS(&tls.Config{ServerName: "127.0.0.1"}); err == nil {
		t.Error("StartTLS succeeded without trusting the demo CA")
	}
	// localhost is in the certificate too.
	cfg := tlsConfig(t, s)
	cfg.ServerName = "localhost"
	if err := dial(t, s).StartTLS(cfg); err != nil {
		t.Errorf("StartTLS as localhost: %v", err)
	}
}

func TestConcurrentClients(t *testing.T) {
	s := start(t, false)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := goldap.DialURL(s.URL())
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			if err := c.Bind(s.AdminDN(), s.AdminPassword()); err != nil {
				t.Error(err)
				return
			}
			for j := 0; j < 3; j++ {
				m := goldap.NewModifyRequest("cn=vpn-users,"+groups, nil)
				m.Replace("description", []string{"writer " + string(rune('a'+i))})
				if err := c.Modify(m); err != nil {
					t.Error(err)
				}
				if _, err := c.SearchWithPaging(goldap.NewSearchRequest(s.BaseDN(), goldap.ScopeWholeSubtree, 0, 0, 0, false, "(mail=*)", []string{"mail"}, nil), 200); err != nil {
					t.Error(err)
				}
			}
		}(i)
	}
	wg.Wait()
}
