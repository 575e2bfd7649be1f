package demodir

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// requestSeeds are real requests as a client sends them: bind, search with
// paging, add, modify, delete, modrdn, compare, Password Modify, StartTLS,
// unbind, and a few broken ones.
func requestSeeds(t testing.TB) [][]byte {
	msg := func(op *ber.Packet, ctrls ...goldap.Control) []byte {
		p := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Request")
		p.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(1), "MessageID"))
		p.AppendChild(op)
		if len(ctrls) > 0 {
			cs := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "Controls")
			for _, c := range ctrls {
				cs.AppendChild(c.Encode())
			}
			p.AppendChild(cs)
		}
		return p.Bytes()
	}
	str := func(tag ber.Tag, s string) *ber.Packet {
		return ber.NewString(ber.ClassUniversal, ber.TypePrimitive, tag, s, "")
	}
	bind := ber.Encode(ber.ClassApplication, ber.TypeConstructed, appBindRequest, nil, "Bind")
	bind.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(3), "Version"))
	bind.AppendChild(str(ber.TagOctetString, "cn=admin,dc=example,dc=com"))
	bind.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, "demo-admin", "Password"))

	search := ber.Encode(ber.ClassApplication, ber.TypeConstructed, appSearchRequest, nil, "Search")
	search.AppendChild(str(ber.TagOctetString, "dc=example,dc=com"))
	search.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, int64(2), "Scope"))
	search.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, int64(0), "Deref"))
	search.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(0), "Size"))
	search.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(0), "Time"))
	search.AppendChild(ber.NewBoolean(ber.ClassUniversal, ber.TypePrimitive, ber.TagBoolean, false, "TypesOnly"))
	f, err := goldap.CompileFilter("(&(objectClass=inetOrgPerson)(|(uid=a*)(mail~=x))(!(cn>=m)))")
	if err != nil {
		t.Fatal(err)
	}
	search.AppendChild(f)
	attrs := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Attributes")
	attrs.AppendChild(str(ber.TagOctetString, "uid"))
	attrs.AppendChild(str(ber.TagOctetString, "memberOf"))
	search.AppendChild(attrs)

	del := ber.NewString(ber.ClassApplication, ber.TypePrimitive, appDelRequest, "uid=jdoe,ou=people,dc=example,dc=com", "Del")
	unbind := ber.Encode(ber.ClassApplication, ber.TypePrimitive, appUnbindRequest, nil, "Unbind")

	pm := ber.Encode(ber.ClassApplication, ber.TypeConstructed, appExtendedRequest, nil, "Extended")
	pm.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, "1.3.6.1.4.1.4203.1.11.1", "Name"))

	return [][]byte{
		msg(bind), msg(search), msg(search, goldap.NewControlPaging(10)), msg(del), msg(unbind), msg(pm),
		append(msg(bind), msg(search)...), {0x30, 0x84, 0xff, 0xff, 0xff, 0xff}, {0x30, 0x00}, {0x30, 0x03, 0x02, 0x01, 0x01},
	}
}

// FuzzDemoServerRequests feeds arbitrary bytes to one connection of the demo
// directory, as a client on the network could: the server must answer or
// hang up, never panic (the connection's own recover is bypassed here so a
// panic fails the fuzz run) and never stall.
func FuzzDemoServerRequests(f *testing.F) {
	srv, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range requestSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		server, client := net.Pipe()
		defer server.Close()
		defer client.Close()
		go func() { _, _ = io.Copy(io.Discard, client) }()
		c := &conn{srv: srv, nc: server, r: bufio.NewReader(bytes.NewReader(data))}
		for i := 0; i < 64; i++ {
			p, err := readMessage(c.r)
			if err != nil {
				return
			}
			if !c.handle(p) {
				return
			}
		}
	})
}

// FuzzLDIF: the LDIF reader returns records or an error for any input,
// never panics.
func FuzzLDIF(f *testing.F) {
	for _, s := range []string{
		"dn: dc=example,dc=com\nobjectClass: top\nobjectClass: domain\ndc: example\n",
		"dn: cn=x,dc=y\ncn:: w6ltaWxpZQ==\n\ndn: cn=z,dc=y\ncn: z\n  continued\n",
		"# comment\n\ndn: uid=a\\, b,dc=y\nuid: a\n",
		"dn:: ZGM9eA==\n", "dn: x\nbad line\n", "\n\n\n", "dn: x\ncn::: x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = parseLDIF(data)
	})
}
