package ldap

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"ldapwiz/internal/slapdtest"
)

// tapExtraLDIF adds values go-ldap and the tap must read alike: binary
// (jpegPhoto), non-ASCII text, an empty-looking description, long member
// lists and a multi-valued RDN.
const tapExtraLDIF = `dn: uid=tap-binary,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
uid: tap-binary
cn:: w4lsaXNlIEfDvG50aGVy
sn: Günther
jpegPhoto:: /9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAA//EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AN//Z
description: a value with a , comma and "quotes"

dn: cn=a+sn=b,ou=people,dc=example,dc=com
objectClass: person
cn: a
sn: b

`

// plain returns a copy of c that reads every search through go-ldap.
func plain(c *Conn) *Conn {
	p := *c
	p.tap = nil
	return &p
}

func TestTapReadsPagedSearchesAsGoLDAPDoes(t *testing.T) {
	s := slapdtest.StartWith(t, slapdtest.Options{BulkUsers: 250, ExtraLDIF: tapExtraLDIF})
	c := dataConn(t, s)
	for _, req := range []SearchRequest{
		{Base: s.BaseDN, Attributes: []string{"*", "+"}, PageSize: 40},
		{Base: s.BaseDN, Filter: "(objectClass=inetOrgPerson)", Attributes: []string{"uid", "jpegPhoto", "entryUUID", "cn"}, PageSize: 7},
		{Base: s.BaseDN, Filter: "(objectClass=groupOfNames)", Attributes: []string{"member", "cn"}},
		{Base: s.BaseDN, Filter: "(uid=nobody-at-all)", PageSize: 10},
	} {
		before := c.tap.decoded.Load()
		fast := collect(t, c, req)
		decoded := c.tap.decoded.Load() - before
		slow := collect(t, plain(c), req)
		if decoded != int64(len(fast)) {
			t.Errorf("%+v: the tap decoded %d entries of %d; the claim did not match the request", req, decoded, len(fast))
		}
		if len(fast) != len(slow) {
			t.Fatalf("%+v: %d entries through the tap, %d through go-ldap", req, len(fast), len(slow))
		}
		for i := range fast {
			if !sameEntry(fast[i], slow[i]) {
				t.Errorf("entry %d differs:\n tap:     %+v\n go-ldap: %+v", i, fast[i], slow[i])
			}
			if err := textHolds(fast[i]); err != nil {
				t.Errorf("entry %d: %v", i, err)
			}
		}
	}
}

// A search with ReuseEntries reads what go-ldap reads, its entries decoded
// into ones delivered before; the strings the callback kept stay as they
// were. The entries of a search without it are its own to keep, even when
// decoded into ones another search handed back, and are never reused.
func TestTapReusesEntriesOnlyWhenAsked(t *testing.T) {
	s := slapdtest.StartWith(t, slapdtest.Options{BulkUsers: 600, ExtraLDIF: tapExtraLDIF})
	c := dataConn(t, s)
	var held [][]*Entry // what searches without reuse returned
	var heldWant [][]*Entry
	for _, req := range []SearchRequest{
		{Base: s.BaseDN, Attributes: []string{"*", "+"}, PageSize: 40},
		{Base: s.BaseDN, Filter: "(objectClass=inetOrgPerson)", Attributes: []string{"uid", "jpegPhoto", "entryUUID", "cn"}, PageSize: 500},
		{Base: s.BaseDN, Filter: "(objectClass=groupOfNames)", Attributes: []string{"member", "cn"}},
	} {
		slow := collect(t, plain(c), req)
		held, heldWant = append(held, collect(t, c, req)), append(heldWant, slow)
		req.ReuseEntries = true
		var copies []*Entry // each entry copied whole in the callback
		var kept []string   // each entry's DN and first values, kept as they are
		before := c.tap.reused.Load()
		err := c.Search(context.Background(), req, func(e *Entry) error {
			cp := &Entry{DN: e.DN, Attributes: make([]Attribute, len(e.Attributes))}
			for i, a := range e.Attributes {
				cp.Attributes[i] = a
				cp.Attributes[i].Values = append([]string{}, a.Values...)
			}
			copies = append(copies, cp)
			kept = append(kept, e.DN)
			for _, a := range e.Attributes {
				if len(a.Values) > 0 {
					kept = append(kept, a.Values[0])
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(copies) != len(slow) {
			t.Fatalf("%+v: %d entries with reuse, %d through go-ldap", req, len(copies), len(slow))
		}
		var want []string
		for i := range slow {
			if !sameEntry(copies[i], slow[i]) {
				t.Errorf("entry %d differs with reuse:\n tap:     %+v\n go-ldap: %+v", i, copies[i], slow[i])
			}
			want = append(want, slow[i].DN)
			for _, a := range slow[i].Attributes {
				if len(a.Values) > 0 {
					want = append(want, a.Values[0])
				}
			}
		}
		// The contract the callback relies on: strings outlive the entry.
		// (Values sliced from a reused buffer, with unsafe.String, would
		// fail here.)
		if !reflect.DeepEqual(kept, want) {
			t.Errorf("%+v: strings kept from reused entries changed", req)
		}
		// Every page after the first is decoded into the entries of the one
		// before (but for the few too large to keep: groups). A search of
		// one page has none handed back yet.
		page := req.PageSize
		if page == 0 {
			page = c.PageSize()
		}
		if n := c.tap.reused.Load() - before; len(slow) > page && n < int64(len(slow)-page)*9/10 {
			t.Errorf("%+v: only %d of %d entries decoded into reused ones", req, n, len(slow))
		}
	}
	for i := range held {
		if !sameEntries(held[i], heldWant[i]) {
			t.Errorf("search %d without reuse: its entries changed after later searches", i)
		}
	}
}

// Searches of several goroutines on one connection each get their own
// entries, whether or not they look alike (identical requests in flight at
// once included). One page each: OpenLDAP keeps one paged search per
// connection, so concurrent ones cannot go past their first page.
func TestTapConcurrentSearchesKeepTheirEntries(t *testing.T) {
	s := slapdtest.StartWith(t, slapdtest.Options{BulkUsers: 300})
	c := dataConn(t, s)
	want := map[string]int{}
	filters := []string{"(objectClass=inetOrgPerson)", "(uid=bulk*)", "(objectClass=groupOfNames)", "(objectClass=*)"}
	cnOf := map[string]string{} // every entry's cn, read alone
	for _, f := range filters {
		entries := collect(t, plain(c), SearchRequest{Base: s.BaseDN, Filter: f, Attributes: []string{"cn"}, PageSize: -1})
		want[f] = len(entries)
		for _, e := range entries {
			cnOf[e.DN] = e.First("cn")
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(filters))
	kept := make(chan []*Entry, 4*len(filters))
	for round := 0; round < 4; round++ {
		for _, f := range filters {
			wg.Add(1)
			// Every other round reuses its entries: spares handed back by
			// one search are decoded into for another on the connection;
			// the others keep theirs, which no search may decode into.
			go func(f string, reuse bool) {
				defer wg.Done()
				seen := map[string]bool{}
				var mine []*Entry
				err := c.Search(context.Background(), SearchRequest{Base: s.BaseDN, Filter: f, Attributes: []string{"cn"}, PageSize: 1000, ReuseEntries: reuse}, func(e *Entry) error {
					if seen[e.DN] {
						return fmt.Errorf("%s: %s delivered twice", f, e.DN)
					}
					if got := e.First("cn"); got != cnOf[e.DN] {
						return fmt.Errorf("%s: %s delivered with cn %q, want %q", f, e.DN, got, cnOf[e.DN])
					}
					seen[e.DN] = true
					if !reuse {
						mine = append(mine, e)
					}
					return nil
				})
				if err == nil && len(seen) != want[f] {
					err = fmt.Errorf("%s: %d entries, want %d", f, len(seen), want[f])
				}
				errs <- err
				kept <- mine
			}(f, round%2 == 1)
		}
	}
	wg.Wait()
	close(errs)
	close(kept)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	for mine := range kept {
		for _, e := range mine {
			if got := e.First("cn"); got != cnOf[e.DN] {
				t.Errorf("a kept entry changed after its search: %s has cn %q, want %q", e.DN, got, cnOf[e.DN])
			}
		}
	}
}

// A stream the tap cannot frame is handed on untouched.
func TestTapPassesThroughWhatItCannotFrame(t *testing.T) {
	for _, in := range [][]byte{
		{0x00, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5},    // a SASL security layer's length prefix
		{0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00}, // indefinite length
		{0x30, 0x03, 0x02, 0x01, 0x07, 0x30, 0x01}, // a message too short for an operation, then garbage
	} {
		tc := &tapConn{r: bufioReader(in), live: map[int64]*claim{}}
		var out bytes.Buffer
		buf := make([]byte, 3)
		for {
			n, err := tc.Read(buf)
			out.Write(buf[:n])
			if err != nil {
				break
			}
		}
		if !bytes.Equal(out.Bytes(), in) {
			t.Errorf("% x came out as % x", in, out.Bytes())
		}
	}
}

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }

// FuzzTapFraming: whatever a server sends, the tap hands go-ldap exactly
// those bytes when no search is claimed, and never panics when one is.
func FuzzTapFraming(f *testing.F) {
	f.Add(encodeEntryMessage(3, "uid=a,dc=x", map[string][]string{"uid": {"a"}}), int64(3))
	f.Add([]byte{0x30, 0x0c, 0x02, 0x01, 0x03, 0x65, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00}, int64(3))
	f.Add([]byte{0x30, 0x84, 0x00, 0x00, 0x00, 0x03, 0x02, 0x01, 0x03}, int64(3))
	f.Add([]byte{0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00}, int64(1))
	f.Fuzz(func(t *testing.T, in []byte, id int64) {
		read := func(tc *tapConn) []byte {
			var out bytes.Buffer
			buf := make([]byte, 7)
			for i := 0; i < len(in)+8; i++ {
				n, err := tc.Read(buf)
				out.Write(buf[:n])
				if err != nil {
					break
				}
			}
			return out.Bytes()
		}
		if out := read(&tapConn{r: bufioReader(in), live: map[int64]*claim{}}); !bytes.Equal(out, in) {
			t.Fatalf("% x came out as % x", in, out)
		}
		c := &claim{id: id, bound: make(chan struct{}), notify: make(chan struct{}, 1)}
		read(&tapConn{r: bufioReader(in), live: map[int64]*claim{id: c}})
	})
}

// TestTapGiveBackKeepsOnlySparesItClears: entries handed back are kept
// for reuse up to maxSpares, each of at most maxSpareValues values and
// attributes, and a kept one holds nothing of its message; an entry not
// kept (too large, or past maxSpares) is left as it was.
func TestTapGiveBackKeepsOnlySparesItClears(t *testing.T) {
	entry := func(values int) *decodedEntry {
		e := &decodedEntry{strs: make([]string, values)}
		e.DN, e.Attributes = "uid=a,dc=x", make([]Attribute, 1)
		for i := range e.strs {
			e.strs[i] = "v"
		}
		e.Attributes[0] = Attribute{Name: "uid", Values: e.strs}
		return e
	}
	tap := &tapConn{}
	large := entry(maxSpareValues + 1)
	var small []*decodedEntry
	for range maxSpares + 1 {
		small = append(small, entry(2))
	}
	tap.giveBack(append([]*decodedEntry{large}, small...))
	if len(tap.spares) != maxSpares {
		t.Fatalf("%d spares kept, want %d", len(tap.spares), maxSpares)
	}
	for i, e := range tap.spares {
		if e != small[i] || e.DN != "" || e.strs[0] != "" || e.Attributes[0].Name != "" || e.Attributes[0].Values != nil {
			t.Fatalf("spare %d: %p %+v, want small entry %d cleared", i, e, e, i)
		}
	}
	for _, e := range []*decodedEntry{large, small[maxSpares]} {
		if e.DN == "" || e.strs[0] != "v" || e.Attributes[0].Name != "uid" {
			t.Errorf("an entry not kept was cleared: %+v", e)
		}
	}
	if got := tap.spare(); got != small[maxSpares-1] {
		t.Errorf("spare() = %p, want the last kept", got)
	}
}
