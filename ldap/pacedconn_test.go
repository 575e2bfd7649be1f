package ldap

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"slices"
	"testing"
	"time"
)

// loopbackPair is a real TCP connection on 127.0.0.1: the client's end
// and the server's.
func loopbackPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// TestPacedConnPausesOnlyAfterADrainedReadMidPage: a read that
// emptied the socket is followed by a pause of at least readPause before
// the next, in the middle of a claimed page; a read that filled its buffer
// is not, and nothing pauses otherwise (the handshake, a bind, the ends of
// a page). The data is all there either way.
func TestPacedConnPausesOnlyAfterADrainedReadMidPage(t *testing.T) {
	client, server := loopbackPair(t)
	streaming := false
	c := &pacedConn{Conn: client, paced: func() bool { return streaming }}

	// read writes data, waits until the client's socket holds it all, and
	// reads into a buffer of size n, timing the read.
	read := func(data string, n int) (string, time.Duration) {
		t.Helper()
		if _, err := server.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // loopback delivers well within this
		buf := make([]byte, n)
		start := time.Now()
		got, err := io.ReadAtLeast(c, buf, 1)
		if err != nil {
			t.Fatal(err)
		}
		return string(buf[:got]), time.Since(start)
	}

	// Not streaming: a drained read, then another without a pause.
	if got, _ := read("ab", 64); got != "ab" {
		t.Fatalf("read %q, want ab", got)
	}
	if !c.drained {
		t.Fatal("a read of 2 bytes into 64 did not count as draining the socket")
	}
	if got, _ := read("cd", 64); got != "cd" || c.pauses != 0 {
		t.Fatalf("not streaming: read %q after %d pauses; want cd without one", got, c.pauses)
	}

	// Streaming: after a drained read, the next one pauses first.
	streaming = true
	if got, took := read("ef", 64); got != "ef" || c.pauses != 1 || took < readPause {
		t.Fatalf("streaming after a drained read: read %q in %v after %d pauses; want ef after one of at least %v", got, took, c.pauses, readPause)
	}
	// A read that fills its buffer leaves more waiting: no pause after it.
	if got, _ := read("ghij", 2); got != "gh" {
		t.Fatalf("read %q, want gh", got)
	}
	if c.drained {
		t.Fatal("a read that filled its buffer counted as draining the socket")
	}
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "ij" || c.pauses != 2 {
		t.Fatalf("read %q, %v after %d pauses in all; want ij after 2 (none after a full read)", buf[:n], err, c.pauses)
	}
}

// stepReader hands the tap one message per read, noting before each
// whether the tap would have the read paced: what pacedConn asks it.
type stepReader struct {
	msgs  [][]byte
	tap   *tapConn
	paced []bool
}

func (r *stepReader) Read(p []byte) (int, error) {
	if len(r.msgs) == 0 {
		return 0, io.EOF
	}
	r.paced = append(r.paced, r.tap.paced())
	n := copy(p, r.msgs[0])
	r.msgs = r.msgs[1:]
	return n, nil
}

// TestTapPacesOnlyTheMiddleOfAPage: reads are paced once a claimed page's
// first entry is in and until its last eighth comes; not before the first
// (the read waits for the server anyway), not for the end of the page (the
// next page's request waits for it), not after its SearchResultDone, and
// not once the claim is released.
func TestTapPacesOnlyTheMiddleOfAPage(t *testing.T) {
	const id = 3
	var msgs [][]byte
	for i := range 8 {
		msgs = append(msgs, encodeEntryMessage(id, fmt.Sprintf("uid=u%d,dc=x", i), map[string][]string{"uid": {fmt.Sprint(i)}}))
	}
	done := []byte{0x30, 0x0c, 0x02, 0x01, id, 0x65, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00}
	msgs = append(msgs, done)
	tap := &tapConn{live: map[int64]*claim{}}
	sr := &stepReader{msgs: msgs, tap: tap}
	tap.r = bufio.NewReader(sr)
	c := tap.claim([]byte("request"), 8)
	c.id = id
	tap.live[id] = c
	out := make([]byte, 64)
	n, err := tap.Read(out) // the entries go to the claim; the result to go-ldap
	if err != nil || !bytes.Equal(out[:n], done) {
		t.Fatalf("Read = % x, %v; want the SearchResultDone", out[:n], err)
	}
	// Before entry i is read, i entries are in: paced for 1 to 6 of 8
	// (8 - 8/8 = 7 is the last eighth), then not for the result.
	want := []bool{false, true, true, true, true, true, true, false, false}
	if !slices.Equal(sr.paced, want) {
		t.Fatalf("paced before each read = %v, want %v", sr.paced, want)
	}
	if tap.paced() {
		t.Fatal("paced after the page's SearchResultDone")
	}
	if entries, err := c.take(); err != nil || len(entries) != 8 {
		t.Fatalf("the claim got %d entries, %v; want 8", len(entries), err)
	}

	// A search given up in the middle of a page: its release stops the
	// pacing even though its result never came.
	tap.pacing.Store(true)
	tap.release(c)
	if tap.paced() {
		t.Fatal("paced after the claim was released")
	}
}
