package storage

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Sum returns the traffic of the named interfaces in [from, to) (unix
// seconds), records not yet flushed included: to the byte what the buckets
// of a traffic query covering exactly that range add up to. Whole hours
// come from the hourly tier, the edges from the coarsest tier whose buckets
// fit them (a plan's cycle starts on a quarter hour in every zone in use
// today, so that is the 15-minute tier), in a few indexed range scans.
func (s *Storage) Sum(ctx context.Context, names []string, from, to int64) (rx, tx uint64, err error) {
	if from >= to || len(names) == 0 {
		return 0, 0, nil
	}
	s.view.RLock()
	defer s.view.RUnlock()
	ids, err := s.interfaceNames(ctx, names)
	if err != nil {
		return 0, 0, err
	}
	var acc [2]uint64
	if len(ids) > 0 {
		if err := s.sumRange(ctx, ids, from, to, len(tiers)-1, &acc); err != nil {
			return 0, 0, err
		}
	}
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	s.eachPending(func(r Record) {
		if t := r.Time.Unix(); want[r.Interface] && t >= from && t < to {
			acc[0] += r.RxBytes
			acc[1] += r.TxBytes
		}
	})
	return acc[0], acc[1], nil
}

// sumRange adds the traffic in [from, to) into acc: the part of whole
// buckets of tiers[level] from that tier, the rest from finer ones, and
// below the finest tier from the raw ring's seconds.
func (s *Storage) sumRange(ctx context.Context, ids map[int64]string, from, to int64, level int, acc *[2]uint64) error {
	if from >= to {
		return nil
	}
	if level < 0 {
		q := Query{Start: time.Unix(from, 0), End: time.Unix(to, 0), Group: time.Duration(to-from) * time.Second}
		return s.raw.query(ctx, s.r, q, []int64{from, to}, ids, func(_ int64, _ int, v Bucket) {
			acc[0] += v.Rx
			acc[1] += v.Tx
		})
	}
	t := tiers[level]
	lo, hi := from+mod(-from, t.bucket), to-mod(to, t.bucket)
	if lo >= hi {
		return s.sumRange(ctx, ids, from, to, level-1, acc)
	}
	keys := slices.Sorted(maps.Keys(ids))
	args := []any{lo, hi}
	marks := make([]string, len(keys))
	for i, id := range keys {
		marks[i] = "?"
		args = append(args, id)
	}
	var rx, tx int64
	err := s.r.QueryRowContext(ctx, "SELECT coalesce(sum(rx), 0), coalesce(sum(tx), 0) FROM "+t.table+
		" WHERE t >= ? AND t < ? AND iface IN ("+strings.Join(marks, ",")+")", args...).Scan(&rx, &tx)
	if err != nil {
		return fmt.Errorf("storage: sum %s: %w", t.table, describe(err))
	}
	acc[0] += uint64(rx)
	acc[1] += uint64(tx)
	if err := s.sumRange(ctx, ids, from, lo, level-1, acc); err != nil {
		return err
	}
	return s.sumRange(ctx, ids, hi, to, level-1, acc)
}
