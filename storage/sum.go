package storage

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
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
	key := sumKey{namesKey(names), from, to}
	acc, gen, ok := s.sums.get(key)
	if !ok {
		if err := s.storedSum(ctx, names, from, to, &acc); err != nil {
			return 0, 0, err
		}
		s.sums.put(key, acc, gen)
	}
	want := func(n string) bool { return slices.Contains(names, n) }
	if len(names) > 8 {
		set := make(map[string]bool, len(names))
		for _, n := range names {
			set[n] = true
		}
		want = func(n string) bool { return set[n] }
	}
	s.eachPending(func(r *Record) {
		if t := r.Time.Unix(); t >= from && t < to && want(r.Interface) {
			acc[0] += r.RxBytes
			acc[1] += r.TxBytes
		}
	})
	return acc[0], acc[1], nil
}

// namesKey is names as one string, whatever their order. Plans ask every
// few seconds, mostly for one interface: that costs no allocation.
func namesKey(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	if !slices.IsSorted(names) {
		names = slices.Sorted(slices.Values(names))
	}
	return strings.Join(names, "\x00")
}

// storedSum adds what the tiers hold of the named interfaces' traffic in
// [from, to) into acc; the caller holds view.RLock.
func (s *Storage) storedSum(ctx context.Context, names []string, from, to int64, acc *[2]uint64) error {
	ids, err := s.interfaceNames(ctx, names)
	if err != nil || len(ids) == 0 {
		return err
	}
	return s.sumRange(ctx, ids, from, to, len(tiers)-1, acc)
}

// sumCache keeps the stored part of recent sums. Plans ask for the same
// cycle every few seconds (alerts, /metrics, the dashboard), and the
// tiers change only when a flush or a prune commits, every few minutes:
// each of those drops the cache. An answer computed while one committed is
// not kept (gen tells).
type sumCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[sumKey][2]uint64
}

type sumKey struct {
	names    string
	from, to int64
}

// maxCachedSums bounds the cache; a handful of plans use a few keys each.
const maxCachedSums = 256

func (c *sumCache) get(k sumKey) (v [2]uint64, gen uint64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok = c.m[k]
	return v, c.gen, ok
}

func (c *sumCache) put(k sumKey, v [2]uint64, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= maxCachedSums {
		c.m = map[sumKey][2]uint64{}
	}
	c.m[k] = v
}

// drop forgets every sum: the tiers changed.
func (c *sumCache) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.m)
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
