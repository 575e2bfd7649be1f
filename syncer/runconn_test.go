package syncer

import (
	"testing"

	"ldapwiz/internal/slapdtest"
)

// A run's connection reads the RootDSE once and hands the same copy to
// every later question; the connection under it still reads afresh.
func TestRunConnReadsTheRootDSEOnce(t *testing.T) {
	e := newSyncEnv(t, slapdtest.Options{})
	c := &runConn{Conn: e.conn}
	first, err := c.RootDSE(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.RootDSE(e.ctx)
	if err != nil || again != first {
		t.Errorf("the second RootDSE is %p (%v), want the first, %p", again, err, first)
	}
	fresh, err := e.conn.RootDSE(e.ctx)
	if err != nil || fresh == first || !fresh.IsOpenLDAP() || !first.IsOpenLDAP() {
		t.Errorf("the connection's own RootDSE: %p (%v), the run's %p", fresh, err, first)
	}
}
