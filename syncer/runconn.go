package syncer

import (
	"context"

	"ldapwiz/ldap"
)

// serverInfo is what deciding how to read the directory asks of the
// connection: which server answered, and its RootDSE (the account state
// "auto" stands for there, the incremental sync methods it offers).
// *ldap.Conn is one; a run uses a runConn.
type serverInfo interface {
	Server() string
	RootDSE(ctx context.Context) (*ldap.RootDSE, error)
}

// runConn is a run's connection, reading the server's RootDSE at most
// once: the account state, the quiet check (tryQuiet) and the read itself
// (startIncremental) each ask it, a round trip each before. What a run
// reads there does not change while it is connected; highestCommittedUSN,
// which does, is read on its own (ldap.Conn.HighestCommittedUSN). Not
// safe for concurrent use.
type runConn struct {
	*ldap.Conn
	dse *ldap.RootDSE
}

// RootDSE returns the server's RootDSE, read on the first call.
func (c *runConn) RootDSE(ctx context.Context) (*ldap.RootDSE, error) {
	if c.dse == nil {
		dse, err := c.Conn.RootDSE(ctx)
		if err != nil {
			return nil, err
		}
		c.dse = dse
	}
	return c.dse, nil
}
