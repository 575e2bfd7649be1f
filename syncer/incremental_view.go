package syncer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unsafe"

	"ldapwiz/ldap"
)

// viewVersion is the encoding of the directory view kept with the token.
// Version 3 writes each entry as a length-prefixed binary record (see
// appendViewEntry) rather than as JSON: decoding 100,000 JSON entries was
// a quarter of an incremental run's CPU, and held every value in a string
// of its own. A view of another version is not read: the run reads the
// directory whole, says why, and keeps a view of this version.
const viewVersion = 3

// maxViewEntry bounds one encoded entry, so that a length the store merely
// claims cannot make a run allocate gigabytes.
const maxViewEntry = 1 << 30

// viewHeader opens an encoded view: the parts, each with its search, its
// token and how many entries follow. It is one line of JSON; the entries
// come after it, one record each, part after part, so that neither
// writing nor reading a view holds its whole text at once.
type viewHeader struct {
	Version int              `json:"version"`
	Parts   []viewPartHeader `json:"parts"`
}

// viewPartHeader is one part of a viewHeader.
type viewPartHeader struct {
	Name       string   `json:"name"`
	Request    string   `json:"request"`
	Base       string   `json:"base"`
	Filter     string   `json:"filter"`
	Attributes []string `json:"attributes"`
	Cookie     []byte   `json:"cookie"`
	Entries    int      `json:"entries"`
}

// encodeView compresses the view for the store: a gzip member holding the
// header line, then one member per part holding its entries as records
// (uvarint length, then appendViewEntry's bytes). A gzip reader reads the
// members as one stream. A part already packed (viewPart.packed) is
// copied as it is.
func encodeView(v *dirView) ([]byte, error) {
	h := viewHeader{Version: v.Version}
	names := sortedParts(v)
	for _, name := range names {
		p := v.Parts[name]
		h.Parts = append(h.Parts, viewPartHeader{Name: name, Request: p.Request, Base: p.Base, Filter: p.Filter,
			Attributes: p.Attributes, Cookie: p.Cookie, Entries: p.count()})
	}
	head, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	zw.Write(append(head, '\n'))
	if err := zw.Close(); err != nil {
		return nil, err
	}
	for _, name := range names {
		p := v.Parts[name]
		packed := p.packed
		if packed == nil {
			pk := newViewPacker()
			for _, r := range p.Entries {
				pk.addRecord(r)
			}
			if packed, err = pk.close(); err != nil {
				return nil, err
			}
		}
		buf.Write(packed)
	}
	return buf.Bytes(), nil
}

// viewPacker compresses a part's entries as they come, into one gzip
// member, so that a run keeps the next view's entries packed rather than
// as records.
type viewPacker struct {
	buf       bytes.Buffer
	zw        *gzip.Writer
	rec, size []byte
	n         int // entries added
	err       error
}

func newViewPacker() *viewPacker {
	pk := &viewPacker{}
	pk.zw, pk.err = gzip.NewWriterLevel(&pk.buf, gzip.BestSpeed)
	return pk
}

// add appends entry e.
func (pk *viewPacker) add(e *ldap.EntryRecord) {
	if pk.err != nil {
		return
	}
	pk.rec = appendViewEntry(pk.rec[:0], e)
	pk.write(pk.rec)
}

// addRecord appends the entry r encodes, as it is.
func (pk *viewPacker) addRecord(r viewRecord) {
	if pk.err != nil {
		return
	}
	pk.write(unsafe.Slice(unsafe.StringData(string(r)), len(r))) // only read
}

// write appends one record: its length, then rec.
func (pk *viewPacker) write(rec []byte) {
	pk.size = binary.AppendUvarint(pk.size[:0], uint64(len(rec)))
	if _, pk.err = pk.zw.Write(pk.size); pk.err == nil {
		_, pk.err = pk.zw.Write(rec)
	}
	pk.n++
}

// close ends the member and returns it.
func (pk *viewPacker) close() ([]byte, error) {
	if pk.err != nil {
		return nil, pk.err
	}
	if err := pk.zw.Close(); err != nil {
		return nil, err
	}
	return pk.buf.Bytes(), nil
}

// count is how many entries the part holds, packed or not.
func (p *viewPart) count() int {
	if p.packed != nil {
		return p.packedCount
	}
	return len(p.Entries)
}

// appendViewEntry appends entry e: its DN, its attribute count, and per
// attribute its name, 0 for text values or 1 for raw ones, the value
// count and the values; every string is a uvarint length and its bytes.
func appendViewEntry(b []byte, e *ldap.EntryRecord) []byte {
	b = appendViewString(b, e.DN)
	b = binary.AppendUvarint(b, uint64(len(e.Attrs)))
	for i := range e.Attrs {
		a := &e.Attrs[i]
		b = appendViewString(b, a.Name)
		if a.Raw != nil {
			b = append(b, 1)
			b = binary.AppendUvarint(b, uint64(len(a.Raw)))
			for _, v := range a.Raw {
				b = binary.AppendUvarint(b, uint64(len(v)))
				b = append(b, v...)
			}
			continue
		}
		b = append(b, 0)
		b = binary.AppendUvarint(b, uint64(len(a.Text)))
		for _, v := range a.Text {
			b = appendViewString(b, v)
		}
	}
	return b
}

func appendViewString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// openView opens an encoded view and reads its header.
func openView(b []byte) (*bufio.Reader, *viewHeader, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b)) // reads every member, as one stream
	if err != nil {
		return nil, nil, err
	}
	r := bufio.NewReaderSize(zr, 64<<10)
	line, err := r.ReadBytes('\n')
	if err != nil {
		return nil, nil, fmt.Errorf("the view's header: %w", err)
	}
	var h viewHeader
	if err := json.Unmarshal(line, &h); err != nil {
		return nil, nil, fmt.Errorf("the view's header: %w", err)
	}
	if h.Version != viewVersion {
		return nil, nil, fmt.Errorf("view version %d, want %d", h.Version, viewVersion)
	}
	return r, &h, nil
}

// decodeViewHeader reads only the header of a view encodeView made: its
// parts, with their searches and tokens but no entries. A prefix of the
// view holding the header will do.
func decodeViewHeader(b []byte) (*dirView, error) {
	_, h, err := openView(b)
	if err != nil {
		return nil, err
	}
	v := &dirView{Version: h.Version, Parts: map[string]*viewPart{}}
	for _, ph := range h.Parts {
		if v.Parts[ph.Name] != nil {
			return nil, fmt.Errorf("view part %q: bad header", ph.Name)
		}
		v.Parts[ph.Name] = &viewPart{Request: ph.Request, Base: ph.Base, Filter: ph.Filter, Attributes: ph.Attributes, Cookie: ph.Cookie}
	}
	return v, nil
}

// decodeView reads a view encodeView made, all of it.
func decodeView(b []byte) (*dirView, error) {
	r, h, err := openView(b)
	if err != nil {
		return nil, err
	}
	v := &dirView{Version: h.Version, Parts: map[string]*viewPart{}}
	var buf []byte
	for _, ph := range h.Parts {
		if ph.Entries < 0 || v.Parts[ph.Name] != nil {
			return nil, fmt.Errorf("view part %q: bad header", ph.Name)
		}
		p := &viewPart{Request: ph.Request, Base: ph.Base, Filter: ph.Filter, Attributes: ph.Attributes, Cookie: ph.Cookie,
			Entries: make([]viewRecord, 0, min(ph.Entries, 1<<16))}
		for range ph.Entries {
			if buf, err = readViewRecord(r, buf); err == nil {
				err = checkViewRecord(buf)
			}
			if err != nil {
				return nil, fmt.Errorf("view part %q, entry %d: %w", ph.Name, len(p.Entries), err)
			}
			p.Entries = append(p.Entries, viewRecord(buf))
		}
		v.Parts[ph.Name] = p
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, errors.New("the view goes on after its last entry")
	}
	return v, nil
}

// readViewRecord reads the next record's bytes into buf (grown as needed
// and returned): the record is decoded before the next is read.
func readViewRecord(r *bufio.Reader, buf []byte) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the header promised this record
	}
	if err != nil {
		return buf, err
	}
	if n > maxViewEntry {
		return buf, fmt.Errorf("an entry of %d bytes", n)
	}
	if uint64(cap(buf)) >= n {
		buf = buf[:n]
		_, err = io.ReadFull(r, buf)
		return buf, err
	}
	// Grown as the bytes arrive, not to the size claimed.
	var b bytes.Buffer
	got, err := b.ReadFrom(io.LimitReader(r, int64(n)))
	if err == nil && uint64(got) < n {
		err = io.ErrUnexpectedEOF
	}
	return b.Bytes(), err
}

// errViewEntry is an entry record that does not decode.
var errViewEntry = errors.New("malformed entry")

// viewRecord is one entry of a kept view as appendViewEntry encodes it.
// A view is held this way, from the store to the next view, and an entry
// is decoded only while it is refreshed, looked at or handed on: a user's
// record is one string of about 250 bytes, where the ldap.EntryRecord it
// decodes to takes three times that in slices and string headers (at
// 100,000 users, 27 MB against 86 MB).
type viewRecord string

// recordOf encodes entry e as a viewRecord.
func recordOf(e *ldap.EntryRecord) viewRecord { return viewRecord(appendViewEntry(nil, e)) }

// entry decodes r. Its DN, names and text values are substrings of r; raw
// values are copied. A view's records are checked as it is loaded (see
// decodeView, which names the entry), so an error here means a record
// that changed in memory.
func (r viewRecord) entry() (ldap.EntryRecord, error) {
	e, err := walkViewRecord(string(r), true)
	if err != nil {
		return ldap.EntryRecord{}, fmt.Errorf("an entry of the kept view: %w", err)
	}
	return e, nil
}

// checkViewRecord reports whether rec is a whole record appendViewEntry
// wrote, as entry would decode it, allocating nothing.
func checkViewRecord(rec []byte) error {
	_, err := walkViewRecord(unsafe.String(unsafe.SliceData(rec), len(rec)), false)
	return err
}

// walkViewRecord reads a record appendViewEntry wrote, and decodes it when
// build is set (else only checks it).
func walkViewRecord(text string, build bool) (ldap.EntryRecord, error) {
	d := viewDecoder{rec: unsafe.Slice(unsafe.StringData(text), len(text)), text: text} // rec is only read
	e := ldap.EntryRecord{DN: d.str()}
	n := d.count()
	if d.err != nil {
		return ldap.EntryRecord{}, d.err
	}
	if build {
		e.Attrs = make([]ldap.AttrRecord, n)
	}
	for i := range n {
		var a ldap.AttrRecord
		a.Name = d.str()
		kind := d.byte()
		vals := d.count()
		if d.err != nil {
			return ldap.EntryRecord{}, d.err
		}
		switch {
		case kind == 1:
			if build {
				a.Raw = make([][]byte, vals)
			}
			for j := range vals {
				v := d.str()
				if build {
					a.Raw[j] = []byte(v)
				}
			}
		case kind == 0 && vals > 0:
			if build {
				a.Text = make([]string, vals)
			}
			for j := range vals {
				v := d.str()
				if build {
					a.Text[j] = v
				}
			}
		case kind != 0:
			return ldap.EntryRecord{}, errViewEntry
		}
		if d.err != nil {
			return ldap.EntryRecord{}, d.err
		}
		if build {
			e.Attrs[i] = a
		}
	}
	if d.pos != len(text) {
		return ldap.EntryRecord{}, errViewEntry
	}
	return e, nil
}

// viewDecoder reads the fields of one entry record in order; the first
// error stops it (every later read gives zero values).
type viewDecoder struct {
	rec  []byte
	text string // rec as a string, for substrings
	pos  int
	err  error
}

func (d *viewDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.rec[d.pos:])
	if n <= 0 {
		d.err = errViewEntry
		return 0
	}
	d.pos += n
	return v
}

// count reads a count of items of at least one byte each: more than the
// bytes left is malformed.
func (d *viewDecoder) count() int {
	v := d.uvarint()
	if v > uint64(len(d.rec)-d.pos) {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *viewDecoder) str() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := d.text[d.pos : d.pos+n]
	d.pos += n
	return s
}

func (d *viewDecoder) byte() byte {
	if d.err != nil || d.pos >= len(d.rec) {
		d.fail()
		return 0
	}
	d.pos++
	return d.rec[d.pos-1]
}

func (d *viewDecoder) fail() {
	if d.err == nil {
		d.err = errViewEntry
	}
}
