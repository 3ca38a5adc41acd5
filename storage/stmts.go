package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// stmtCache keeps the writer connection's prepared statements by their
// key. A flush runs the same few statements every time, and preparing them
// afresh would parse the SQL on every flush (PERFORMANCE.md, "Write
// batching"). They are prepared once the schema is current (connect,
// flushStatements), while the connection is free. Like the writer, the
// cache is used only under Storage.write.
type stmtCache struct {
	m map[stmtKey]*sql.Stmt
}

// stmtKey names a statement: the table it writes and how many rows (0:
// the statement reading a ring's row).
type stmtKey struct {
	table string
	rows  int
}

// prepare prepares queries on db. It must run while db's one connection is
// free: preparing inside a transaction would wait for it forever.
func (c *stmtCache) prepare(ctx context.Context, db *sql.DB, queries map[stmtKey]string) error {
	if c.m == nil {
		c.m = map[stmtKey]*sql.Stmt{}
	}
	for k, q := range queries {
		if _, ok := c.m[k]; ok {
			continue
		}
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("storage: prepare the statement writing %s: %w", k.table, describe(err))
		}
		c.m[k] = st
	}
	return nil
}

// stmt returns the prepared statement k for use in tx.
func (c *stmtCache) stmt(ctx context.Context, tx *sql.Tx, k stmtKey) (*sql.Stmt, error) {
	st, ok := c.m[k]
	if !ok {
		return nil, fmt.Errorf("no statement prepared for %d rows of %s", k.rows, k.table)
	}
	return tx.StmtContext(ctx, st), nil
}

// close closes the statements; call before closing their connection.
func (c *stmtCache) close() error {
	var errs []error
	for _, st := range c.m {
		errs = append(errs, st.Close())
	}
	c.m = nil
	return errors.Join(errs...)
}
