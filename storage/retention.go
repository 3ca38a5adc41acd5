package storage

import (
	"context"
	"fmt"
	"time"
)

// Prune deletes the buckets each tier no longer keeps, as of now. Every
// tier is pruned in its own short transaction so the writer lock is held
// briefly.
func (s *Storage) Prune(ctx context.Context, now time.Time) (int64, error) {
	s.conn.RLock()
	defer s.conn.RUnlock()
	var total int64
	for _, t := range tiers {
		if t.keep == 0 {
			continue
		}
		cutoff := t.bucketStart(now.Add(-t.keep).Unix())
		res, err := s.w.ExecContext(ctx, "DELETE FROM "+t.table+" WHERE t < ?", cutoff)
		if err != nil {
			return total, fmt.Errorf("storage: prune %s: %w", t.table, describe(err))
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}
