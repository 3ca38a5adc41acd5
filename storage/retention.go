package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Prune deletes the buckets each tier no longer keeps, as of now. Every
// tier is pruned in its own short transaction so the writer lock is held
// briefly.
func (s *Storage) Prune(ctx context.Context, now time.Time) (int64, error) {
	s.write.Lock()
	defer s.write.Unlock()
	// Sums of ranges at the edge of a tier's keep can change.
	defer s.sums.drop()
	total, err := s.raw.prune(ctx, s.w, now)
	if err != nil {
		return 0, err
	}
	for _, t := range tiers {
		if t.keep == 0 {
			continue
		}
		cutoff := t.bucketStart(now.Add(-t.keep).Unix())
		n, err := execCount(ctx, s.w, "DELETE FROM "+t.table+" WHERE t < ?", cutoff)
		if err == nil {
			_, err = execCount(ctx, s.w, "DELETE FROM "+t.faults()+" WHERE t < ?", cutoff)
		}
		if err != nil {
			return total, fmt.Errorf("storage: prune %s: %w", t.table, err)
		}
		total += n
	}
	return total, nil
}

// execCount runs a statement and returns how many rows it changed.
func execCount(ctx context.Context, db *sql.DB, query string, args ...any) (int64, error) {
	res, err := db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, describe(err)
	}
	return res.RowsAffected()
}
