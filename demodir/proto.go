package demodir

import (
	ber "github.com/go-asn1-ber/asn1-ber"
)

// LDAP protocol operation tags (RFC 4511), application class.
const (
	appBindRequest     = 0
	appBindResponse    = 1
	appUnbindRequest   = 2
	appSearchRequest   = 3
	appSearchEntry     = 4
	appSearchDone      = 5
	appModifyRequest   = 6
	appModifyResponse  = 7
	appAddRequest      = 8
	appAddResponse     = 9
	appDelRequest      = 10
	appDelResponse     = 11
	appModDNRequest    = 12
	appModDNResponse   = 13
	appCompareRequest  = 14
	appCompareResponse = 15
	appAbandonRequest  = 16
	appExtendedRequest = 23
	appExtendedResp    = 24
)

// control is one request control.
type control struct {
	oid      string
	critical bool
	value    []byte
}

// parseControls decodes the [0] Controls of a message.
func parseControls(p *ber.Packet) ([]control, bool) {
	var out []control
	for _, c := range p.Children {
		if len(c.Children) == 0 {
			return nil, false
		}
		ct := control{oid: str(c.Children[0])}
		for _, x := range c.Children[1:] {
			switch x.Tag {
			case ber.TagBoolean:
				ct.critical = len(x.Data.Bytes()) > 0 && x.Data.Bytes()[0] != 0
			case ber.TagOctetString:
				ct.value = x.Data.Bytes()
			}
		}
		out = append(out, ct)
	}
	return out, true
}

// envelope wraps a protocol op in an LDAPMessage.
func envelope(id int64, op *ber.Packet, controls ...*ber.Packet) *ber.Packet {
	m := ber.NewSequence("LDAPMessage")
	m.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "messageID"))
	m.AppendChild(op)
	if len(controls) > 0 {
		cs := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "Controls")
		for _, c := range controls {
			cs.AppendChild(c)
		}
		m.AppendChild(cs)
	}
	return m
}

// resultOp builds an LDAPResult-shaped response op with the given tag.
func resultOp(tag ber.Tag, r result) *ber.Packet {
	p := ber.Encode(ber.ClassApplication, ber.TypeConstructed, tag, nil, "response")
	p.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, int64(r.code), "resultCode"))
	p.AppendChild(octets(r.matched))
	p.AppendChild(octets(r.msg))
	return p
}

func octets(s string) *ber.Packet {
	return ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, s, "")
}

// entryOp builds a SearchResultEntry.
func entryOp(dn string, attrs []outAttr, typesOnly bool) *ber.Packet {
	p := ber.Encode(ber.ClassApplication, ber.TypeConstructed, appSearchEntry, nil, "SearchResultEntry")
	p.AppendChild(octets(dn))
	list := ber.NewSequence("attributes")
	for _, a := range attrs {
		pa := ber.NewSequence("PartialAttribute")
		pa.AppendChild(octets(a.name))
		set := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "vals")
		if !typesOnly {
			for _, v := range a.vals {
				set.AppendChild(octets(v))
			}
		}
		pa.AppendChild(set)
		list.AppendChild(pa)
	}
	p.AppendChild(list)
	return p
}

// pagingControl builds the paged-results response control.
func pagingControl(cookie []byte) *ber.Packet {
	c := ber.NewSequence("Control")
	c.AppendChild(octets(oidPagedResults))
	v := ber.NewSequence("realSearchControlValue")
	v.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(0), "size"))
	v.AppendChild(octets(string(cookie)))
	c.AppendChild(octets(string(v.Bytes())))
	return c
}

// intOf returns the integer content of a primitive packet.
func intOf(p *ber.Packet) (int64, bool) {
	if p == nil || p.TagType != ber.TypePrimitive {
		return 0, false
	}
	n, err := ber.ParseInt64(p.Data.Bytes())
	return n, err == nil
}
