package storage

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// maxFlushGap is the longest a recorded poll waits in memory before a
// flush writes it (app caps --flush-interval at an hour). A ring slot whose
// row is not that much past the cutoff may still be about to be overwritten.
const maxFlushGap = time.Hour

// Prune deletes the buckets each tier no longer keeps, as of now. Every
// tier is pruned in its own short transaction so the writer lock is held
// briefly.
func (s *Storage) Prune(ctx context.Context, now time.Time) (int64, error) {
	s.conn.RLock()
	defer s.conn.RUnlock()
	// Sums of ranges at the edge of a tier's keep can change.
	defer s.sums.drop()
	var total int64
	for _, t := range tiers {
		if t.keep == 0 {
			continue
		}
		cutoff := t.bucketStart(now.Add(-t.keep).Unix())
		var n int64
		var err error
		if t.ring > 0 {
			n, err = s.pruneRing(ctx, t, cutoff-int64(maxFlushGap/time.Second))
		} else {
			n, err = s.exec(ctx, "DELETE FROM "+t.table+" WHERE t < ?", cutoff)
			if err == nil {
				_, err = s.exec(ctx, "DELETE FROM "+t.faults()+" WHERE t < ?", cutoff)
			}
		}
		if err != nil {
			return total, fmt.Errorf("storage: prune %s: %w", t.table, err)
		}
		total += n
	}
	return total, nil
}

// pruneRing deletes the rows of a ring tier older than end. Polls overwrite
// their slots, so such rows are only left where no poll came (the daemon
// was stopped, an interface is no longer monitored, polls are more than a
// second apart). Only the slots that have passed end since the last run
// are looked at; the first run after opening looks at all of them.
func (s *Storage) pruneRing(ctx context.Context, t tier, end int64) (int64, error) {
	s.mu.Lock()
	from := s.ringPruned
	s.mu.Unlock()
	if from == 0 || from > end {
		from = end - t.ring*t.span
	}
	// Only whole rows before end go: a row's seconds are kept or dropped
	// together.
	end = t.rowStart(end)
	ifaces, err := s.interfaceRowIDs(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	for chunk := range slices.Chunk(ifaces, 200) {
		cond, idArgs := t.idWhere(chunk, from, end)
		deleted, err := s.exec(ctx, "DELETE FROM "+t.table+" WHERE t < ?"+cond, append([]any{end}, idArgs...)...)
		if err != nil {
			return n, err
		}
		n += deleted
	}
	s.mu.Lock()
	s.ringPruned = end
	s.mu.Unlock()
	return n, nil
}

// interfaceRowIDs returns the row id of every interface ever recorded.
func (s *Storage) interfaceRowIDs(ctx context.Context) ([]int64, error) {
	rows, err := s.w.QueryContext(ctx, "SELECT id FROM interfaces ORDER BY id")
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, describe(err)
		}
		ids = append(ids, id)
	}
	return ids, describe(rows.Err())
}

func (s *Storage) exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, describe(err)
	}
	return res.RowsAffected()
}
