package ldap

import (
	"net"
	"time"
)

// pacedConn is the TCP connection under TLS and the tap. In the middle of
// a page of a search whose entries the tap decodes (tapConn.paced), a read
// that emptied the socket (it returned less than it asked for) is
// followed by a short pause before the next read, so that the server's
// entries pile up and are read many at a time.
//
// Without it, ldapwiz reads a large directory as the server writes it: it
// decodes faster than slapd sends, so each read finds an entry or two
// (about 53,000 reads for 100,000 users) and the reader goroutine is
// parked and woken as often; those system calls and wake-ups were about a
// third of the CPU of a run's reading and planning. ldapsearch, which
// decodes more slowly, always finds data waiting. With it, about 3,000
// reads. The server keeps writing into the socket's buffer during a pause,
// which comes only after a read found the socket empty; there is none
// before a page's first entry (the read waits for the server anyway) nor
// for its last eighth, which the next page's request waits for: pausing
// there made a preview of 100,000 users take longer than without pacing.
type pacedConn struct {
	net.Conn
	// paced reports whether reads are to be paced now: a claimed page is
	// streaming in (tapConn.paced; nil until the tap exists, during TLS's
	// handshake and the StartTLS exchange).
	paced func() bool
	// drained: the last read returned less than it asked for. Only the
	// connection's one reader goroutine reads, so it needs no lock.
	drained bool
	pauses  int // how many reads paused, for tests
}

// readPause is how long a streaming read waits after the socket was found
// empty. Go's scheduler sleeps at least a millisecond when it has nothing
// else to run, so the pause is about that in practice: slapd writes about
// 100 users' entries (40 KB) in a millisecond on loopback, well within a
// socket's buffer.
const readPause = 500 * time.Microsecond

// Read reads into p, after a pause when the last read emptied the socket
// in the middle of a claimed page.
func (c *pacedConn) Read(p []byte) (int, error) {
	if c.drained && c.paced != nil && c.paced() {
		c.pauses++
		time.Sleep(readPause)
	}
	n, err := c.Conn.Read(p)
	c.drained = n < len(p)
	return n, err
}
