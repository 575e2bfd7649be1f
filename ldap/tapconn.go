package ldap

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// tapConn is the connection go-ldap reads from and writes to. It hands
// every message on unchanged, except the SearchResultEntry messages of a
// search claimed with claim: those it decodes itself (entryDecoder, one
// buffer per message, no packet tree) and queues for the claimant,
// which is several times cheaper than go-ldap's decoding, the largest cost
// of reading a large directory. go-ldap still sees the search's result,
// referrals and controls, and every other operation, as before.
//
// A search is claimed by the exact bytes of its request (everything after
// the message ID), so an operation anybody else sends is never mistaken for
// it; a claim whose request is not recognised just leaves the entries to
// go-ldap. When the stream cannot be framed (not an LDAP message), the
// connection passes everything through from then on.
type tapConn struct {
	net.Conn
	r *bufio.Reader

	// Read side; only go-ldap's single reader goroutine reads.
	raw  bool // framing lost: pass everything through
	left int  // bytes of the current passed-through message not yet handed on
	// buf holds the entry message being decoded, reused for the next one
	// (a decoded entry keeps nothing of it) up to maxReusedMessage bytes.
	buf []byte
	dec entryDecoder

	// pacing: a claimed page is streaming in, past its first entry and
	// short of its last eighth, so that the connection's reads are paced
	// (see pacedConn and claim.midPage). One flag for the connection: a
	// second search streaming at once is paced as the last entry or
	// result read decides.
	pacing atomic.Bool

	decoded atomic.Int64 // entries decoded here, for tests
	reused  atomic.Int64 // of them, decoded into an entry handed back, for tests

	// sendMu is held from a claim until its request is written (or the
	// search answered without it), so that two claims of alike requests
	// never wait at the same time and one cannot take the other's ID.
	sendMu sync.Mutex

	mu     sync.Mutex
	claims []*claim         // waiting for their request to be written
	live   map[int64]*claim // by message ID
	// spares: entries searches that reuse theirs handed back, decoded into
	// again (at most maxSpares, each of at most maxSpareValues values and
	// attributes).
	spares []*decodedEntry
}

// The entries the tap keeps for reuse: a page's worth (the tap may decode
// a whole page before the claimant handles its first entry, and the next
// page is requested only once it has handled them all), so that every page
// after the first is decoded into the one before for page sizes up to
// maxSpares; small enough that what they hold does not count: their
// lists, cleared, of at most maxSpareValues values and attributes each
// (at most 5.6 KB an entry, 5.6 MB in all; about 1 KB an entry for a
// user's dozen values).
const (
	maxSpares      = 1024
	maxSpareValues = 64
)

// newTapConn wraps conn.
func newTapConn(conn net.Conn) *tapConn {
	return &tapConn{Conn: conn, r: bufio.NewReaderSize(conn, 64<<10), live: map[int64]*claim{}}
}

// claim is one search whose entries the tap decodes and queues.
type claim struct {
	want   []byte // the request's bytes after the message ID
	id     int64
	bound  chan struct{} // closed once the request is seen and id set
	notify chan struct{} // signalled (never blocking) when entries or an error arrive
	// expect is how many entries the page asks for (its paging control's
	// size), received how many have come; tapConn.mu guards received.
	expect, received int

	mu      sync.Mutex
	entries []*decodedEntry
	err     error
}

// claim registers a search whose request, after the message ID, is want,
// for a page of expect entries. The caller must release it when the
// search is over.
func (t *tapConn) claim(want []byte, expect int) *claim {
	c := &claim{want: want, id: -1, bound: make(chan struct{}), notify: make(chan struct{}, 1), expect: expect}
	t.mu.Lock()
	t.claims = append(t.claims, c)
	t.mu.Unlock()
	return c
}

// withdraw stops c from waiting for its request (it was not recognised,
// go-ldap answers the search itself).
func (t *tapConn) withdraw(c *claim) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, w := range t.claims {
		if w == c {
			t.claims = append(t.claims[:i], t.claims[i+1:]...)
			return
		}
	}
}

// release forgets c: later entries of its message ID go to go-ldap, which
// drops them once the search has ended.
func (t *tapConn) release(c *claim) {
	t.withdraw(c)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pacing.Store(false)
	if c.id >= 0 && t.live[c.id] == c {
		delete(t.live, c.id)
	}
}

// paced reports whether the connection's reads are paced (pacedConn):
// a claimed page is streaming in, past its first entry (before it, a read
// waits for the server anyway) and short of its last eighth (so that a
// pause does not hold back the end of the page, which the next page's
// request waits for).
func (t *tapConn) paced() bool { return t.pacing.Load() }

// midPage reports whether c's page is past its first entry and short of
// its last eighth. tapConn.mu is held.
func (c *claim) midPage() bool {
	return c.received > 0 && c.received < c.expect-c.expect/8
}

// take returns the entries queued so far (and the decoding error, if any).
func (c *claim) take() ([]*decodedEntry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.entries
	c.entries = nil
	return out, c.err
}

func (c *claim) push(e *decodedEntry, err error) {
	c.mu.Lock()
	if err != nil {
		c.err = err
	} else {
		c.entries = append(c.entries, e)
	}
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// Write sends p; a whole SearchRequest message matching a waiting claim
// binds the claim to the message's ID first.
func (t *tapConn) Write(p []byte) (int, error) {
	t.mu.Lock()
	if len(t.claims) > 0 {
		if id, rest, ok := splitRequest(p); ok && len(rest) > 0 && rest[0] == opSearchRequest {
			for i, c := range t.claims {
				if bytes.Equal(rest, c.want) {
					c.id = id
					t.live[id] = c
					close(c.bound)
					t.claims = append(t.claims[:i], t.claims[i+1:]...)
					break
				}
			}
		}
	}
	t.mu.Unlock()
	return t.Conn.Write(p)
}

// splitRequest splits a whole LDAPMessage into its message ID and the
// bytes after it (the operation and controls).
func splitRequest(p []byte) (id int64, rest []byte, ok bool) {
	tag, body, tail, err := berTLV(p)
	if err != nil || tag != berSequence || len(tail) != 0 {
		return 0, nil, false
	}
	tag, idb, rest, err := berTLV(body)
	if err != nil || tag != berInteger || len(idb) == 0 || len(idb) > maxMessageIDSize {
		return 0, nil, false
	}
	for _, b := range idb {
		id = id<<8 | int64(b)
	}
	return id, rest, true
}

// Read hands go-ldap the next bytes of the stream, leaving out the entry
// messages of claimed searches.
func (t *tapConn) Read(p []byte) (int, error) {
	for {
		if t.raw || t.left > 0 {
			if len(p) == 0 {
				return 0, nil
			}
			q := p
			if !t.raw && len(q) > t.left {
				q = q[:t.left]
			}
			n, err := t.r.Read(q)
			if !t.raw {
				t.left -= n
			}
			return n, err
		}
		size, id, op, ok, err := t.peekHeader()
		if err != nil || !ok {
			// Not a message it can frame, or the stream ends inside a
			// header: hand on what there is, and the error after it.
			t.raw = true
			continue
		}
		var c *claim
		var into *decodedEntry
		switch op {
		case opSearchEntry:
			t.mu.Lock()
			if c = t.live[id]; c != nil {
				into = t.spare()
				c.received++
				t.pacing.Store(c.midPage())
			}
			t.mu.Unlock()
		case opSearchDone:
			// A page is answered: nothing more streams in for it, and
			// the next read waits for the next request.
			t.pacing.Store(false)
		}
		if c == nil {
			t.left = size
			continue
		}
		msg, err := t.readEntryMessage(size)
		if err != nil {
			return 0, err
		}
		e, err := t.dec.decodeMessage(msg, into)
		t.decoded.Add(1)
		c.push(e, err)
		if err != nil {
			return 0, err // the stream can no longer be trusted: go-ldap closes the connection
		}
	}
}

// spare returns an entry handed back for reuse, or nil. t.mu is held.
func (t *tapConn) spare() *decodedEntry {
	n := len(t.spares)
	if n == 0 {
		return nil
	}
	e := t.spares[n-1]
	t.spares[n-1] = nil
	t.spares = t.spares[:n-1]
	t.reused.Add(1)
	return e
}

// giveBack hands entries delivered to a search that reuses its entries
// (SearchRequest.ReuseEntries) back to be decoded into again; nothing of
// them may be used afterwards but their strings. An entry kept (at most
// maxSpares in all, each of at most maxSpareValues values and attributes)
// is cleared, DN, text and lists, so that it holds no entry's text or binary
// values; the others are left to the collector as they are.
func (t *tapConn) giveBack(entries []*decodedEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range entries {
		if len(t.spares) == maxSpares {
			return
		}
		if e.spareSized() {
			e.DN, e.text = "", ""
			clear(e.strs)
			clear(e.Attributes)
			t.spares = append(t.spares, e)
		}
	}
}

// spareSized reports whether e is small enough to keep for reuse.
func (e *decodedEntry) spareSized() bool {
	return cap(e.strs) <= maxSpareValues && cap(e.Attributes) <= maxSpareValues
}

// peekHeader looks at the next message without consuming it: its whole
// size, message ID and protocolOp tag. ok is false when the bytes are not
// a definite-length LDAPMessage (then the stream is passed through as is).
func (t *tapConn) peekHeader() (size int, id int64, op byte, ok bool, err error) {
	b, err := t.r.Peek(2)
	if err != nil {
		return 0, 0, 0, false, err
	}
	if b[0] != berSequence || b[1] == 0x80 {
		return 0, 0, 0, false, nil
	}
	lenSize := 1
	if b[1] > 0x80 {
		lenSize += int(b[1] & 0x7f)
	}
	if lenSize > 5 {
		return 0, 0, 0, false, nil
	}
	if b, err = t.r.Peek(1 + lenSize); err != nil {
		return 0, 0, 0, false, err
	}
	n, _, okLen := berLength(b[1:])
	if !okLen {
		return 0, 0, 0, false, nil
	}
	size = 1 + lenSize + n
	// The message ID (an INTEGER of at most maxMessageIDSize octets) and
	// the operation's tag lie within the message; a message too short for
	// them is passed on whole for go-ldap to judge.
	hdr := 1 + lenSize
	if n < 3 {
		return size, -1, 0, true, nil
	}
	if b, err = t.r.Peek(hdr + 2); err != nil {
		return 0, 0, 0, false, err
	}
	idLen := int(b[hdr+1])
	if b[hdr] != berInteger || idLen == 0 || idLen > maxMessageIDSize || 2+idLen+1 > n {
		return size, -1, 0, true, nil
	}
	if b, err = t.r.Peek(hdr + 2 + idLen + 1); err != nil {
		return 0, 0, 0, false, err
	}
	for _, c := range b[hdr+2 : hdr+2+idLen] {
		id = id<<8 | int64(c)
	}
	return size, id, b[hdr+2+idLen], true, nil
}

// maxReusedMessage is the largest entry message whose buffer the tap keeps
// for the next one: a large group's entry is read into a buffer of its own.
const maxReusedMessage = 64 << 10

// readEntryMessage reads the next size bytes, the entry message to decode,
// into t.buf when it fits there.
func (t *tapConn) readEntryMessage(size int) ([]byte, error) {
	if size > maxReusedMessage {
		return readMessage(t.r, size)
	}
	if cap(t.buf) < size {
		t.buf = make([]byte, max(size, 4<<10))
	}
	msg := t.buf[:size]
	_, err := io.ReadFull(t.r, msg)
	return msg, err
}

// readMessage reads the next size bytes. A buffer is allocated for size at
// once only up to 16 MiB, so a length a server merely claims cannot make
// us allocate gigabytes.
func readMessage(r io.Reader, size int) ([]byte, error) {
	if size <= 16<<20 {
		msg := make([]byte, size)
		_, err := io.ReadFull(r, msg)
		return msg, err
	}
	var b bytes.Buffer
	n, err := b.ReadFrom(io.LimitReader(r, int64(size)))
	if err == nil && n < int64(size) {
		err = io.ErrUnexpectedEOF
	}
	return b.Bytes(), err
}
