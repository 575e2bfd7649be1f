package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the statement cache (queries built from
// filters come in a bounded number of shapes, but stay safe).
const maxCachedStatements = 256

// stmtCache keeps prepared statements by SQL text. Parsing dominates the
// cost of the store's small statements under modernc.org/sqlite, so a sync
// writing thousands of rows reuses them; database/sql prepares each one
// once per pooled connection and hands transactions the connection's copy.
type stmtCache struct {
	db *sql.DB
	d  *dialect
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB, d *dialect) *stmtCache {
	return &stmtCache{db: db, d: d, m: map[string]*sql.Stmt{}}
}

// get returns the prepared statement for query, preparing it on first use;
// nil when it cannot be cached (the caller then runs the query directly).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m) >= maxCachedStatements {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, c.d.rebind(query))
	if err != nil {
		return nil
	}
	c.m[query] = st
	return st
}

// close closes every cached statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, st := range c.m {
		st.Close()
		delete(c.m, k)
	}
}

// txStmts keeps a transaction's copies of the cached statements, so that
// each is bound to the transaction once rather than at every call
// (Tx.StmtContext prepares the statement again on the transaction's
// connection whenever the cached one was prepared on another). The copies
// close with the transaction.
type txStmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newTxStmts() *txStmts { return &txStmts{m: map[string]*sql.Stmt{}} }

// stmt returns the cached statement for query bound to q's transaction, if any.
func (q Queries) stmt(ctx context.Context, query string) *sql.Stmt {
	if q.cache == nil {
		return nil
	}
	if q.tx != nil && q.txStmts != nil {
		q.txStmts.mu.Lock()
		defer q.txStmts.mu.Unlock()
		if st, ok := q.txStmts.m[query]; ok {
			return st
		}
	}
	st := q.cache.get(ctx, query)
	if st != nil && q.tx != nil {
		st = q.tx.StmtContext(ctx, st)
		if q.txStmts != nil {
			q.txStmts.m[query] = st
		}
	}
	return st
}

// exec runs a statement through the cache. Every query of the store is
// written with ? placeholders; the cache and execOnce put them in the
// dialect's form.
func (q Queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return q.execOnce(ctx, query, args...)
}

// execOnce runs a statement without caching it (one of many shapes).
func (q Queries) execOnce(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return q.q.ExecContext(ctx, q.d.rebind(query), args...)
}

// query runs a query through the cache.
func (q Queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.q.QueryContext(ctx, q.d.rebind(query), args...)
}

// queryOnce runs a query without caching it (one of many shapes).
func (q Queries) queryOnce(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.q.QueryContext(ctx, q.d.rebind(query), args...)
}

// queryRow runs a one-row query through the cache.
func (q Queries) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.q.QueryRowContext(ctx, q.d.rebind(query), args...)
}
