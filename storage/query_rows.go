package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
)

// queryInts runs a query whose columns are all integers and passes each row
// to fn. It reads through the driver: for the thousands of rows of a
// traffic answer, database/sql's per-row locking and Scan conversions cost
// as much as SQLite's own work.
func queryInts(ctx context.Context, db *sql.DB, query string, args []int64, fn func(row []int64)) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("the driver cannot query")
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rows, err := qc.QueryContext(ctx, query, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, len(rows.Columns()))
		row := make([]int64, len(dest))
		for {
			if err := rows.Next(dest); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			for i, v := range dest {
				n, ok := v.(int64)
				if !ok {
					return fmt.Errorf("column %d is %T, want an integer", i, v)
				}
				row[i] = n
			}
			fn(row)
		}
	})
}
