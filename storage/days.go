package storage

import (
	"context"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"
)

// dayRollup keeps the traffic of whole local days per time zone and
// interface in memory, so a calendar query over a year adds up a few hundred
// cached days instead of grouping ~9,000 hourly rows per interface through
// SQLite's sorter (PERFORMANCE.md, "Day rollup").
//
// A zone's days are read from the hourly tier the first time a query needs
// them and extended as later queries need more. From then on every flush
// adds its records into the cached days while it holds view.Lock, right
// after its commit, so a query (under view.RLock) sees the records either
// in both the database and the cache or in neither: nothing is counted
// twice or missed. Queries fill the cache side by side, so mu guards it,
// the all-time sums included. Records not yet flushed are added by
// Traffic, as for any query. The hourly tier is never pruned, and only
// days that start on a whole hour are cached, so every hourly row and every
// record falls in exactly one cached day: the sums are exactly what
// grouping the tier gives.
type dayRollup struct {
	mu    sync.Mutex
	zones []*zoneDays // most recently used first
	all   allTime     // all-time sums per interface, see totals.go
}

// allTime returns a copy of the all-time sums, see totals.go.
func (d *dayRollup) allTime(ctx context.Context, s *Storage) (map[string]Totals, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.all.copy(ctx, s)
}

// maxRollupZones bounds the zones cached; a dashboard uses one or two.
const maxRollupZones = 4

// maxRollupCells bounds the days × interfaces one zone keeps (about 1.9 MB):
// ten years of 10 interfaces, or a year of 100.
const maxRollupCells = 40000

// zoneDays is one zone's rollup: consecutive local days, day i running from
// starts[i] to starts[i+1], and their sums per interface. Zones are told
// apart by name, as time.LoadLocation gives a new *Location on every call.
type zoneDays struct {
	zone   string
	starts []int64
	sums   map[string][]daySum
}

// daySum is one interface's traffic in one day. seen tells a day with rows
// that sum to zero from a day without rows: only the first is answered.
type daySum struct {
	b    Bucket // T unused
	seen bool
}

// add adds v into the day.
func (d *daySum) add(v Bucket) {
	if !d.seen {
		d.b, d.seen = v, true
		return
	}
	d.b.merge(v)
}

// rollupTier returns the tier the rollup reads: the coarsest, if it is kept
// forever (a pruned tier would lose rows the cache still counted).
func rollupTier() (tier, bool) {
	t := tiers[len(tiers)-1]
	return t, t.keep == 0
}

// serve adds the answer to a calendar query from the rollup to out. It
// reports false, leaving out alone, when the rollup cannot answer exactly
// what the tier t would: another tier, or buckets that do not start on
// whole-hour local midnights.
func (d *dayRollup) serve(ctx context.Context, s *Storage, t tier, q Query, starts []int64, out *seriesBuilder) (bool, error) {
	rt, ok := rollupTier()
	if !ok || !Calendar(q.Group) || t.table != rt.table {
		return false, nil
	}
	loc := location(q)
	days, ok := dayStarts(loc, starts[0], starts[len(starts)-1], rt.bucket)
	if !ok || !containsAll(days, starts) || (len(days)-1)*len(q.Interfaces) > maxRollupCells {
		return false, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	z, err := d.zone(ctx, s, loc, q.Interfaces, days)
	if err != nil {
		return false, err
	}
	z.sumInto(out, starts)
	return true, nil
}

// zone returns loc's rollup, covering days for names, reading what it lacks
// from the database. The cache is changed only once every read succeeded.
func (d *dayRollup) zone(ctx context.Context, s *Storage, loc *time.Location, names []string, days []int64) (*zoneDays, error) {
	z := d.lookup(loc.String())
	if z != nil {
		var err error
		if z, err = z.extend(ctx, s, loc, names, days); err != nil {
			return nil, err
		}
	} else {
		var err error
		if z, err = newZoneDays(ctx, s, loc, names, days); err != nil {
			return nil, err
		}
	}
	d.remember(z)
	return z, nil
}

// extend returns z grown to cover days and names: read for names it lacks
// over its days, then for all its names over the days before and after it.
// A query that does not overlap z, or would make it too large, starts a
// new rollup for the zone instead.
func (z *zoneDays) extend(ctx context.Context, s *Storage, loc *time.Location, names []string, days []int64) (*zoneDays, error) {
	first, last := z.starts[0], z.starts[len(z.starts)-1]
	var missing []string
	for _, n := range names {
		if _, ok := z.sums[n]; !ok && !slices.Contains(missing, n) {
			missing = append(missing, n)
		}
	}
	if days[len(days)-1] < first || days[0] > last {
		return newZoneDays(ctx, s, loc, names, days)
	}
	lo, hi := min(first, days[0]), max(last, days[len(days)-1])
	starts := z.starts
	if lo < first {
		starts = slices.Concat(between(days, lo, first), starts[1:])
	}
	if hi > last {
		starts = slices.Concat(starts, between(days, last, hi)[1:])
	}
	if (len(starts)-1)*(len(z.sums)+len(missing)) > maxRollupCells {
		return newZoneDays(ctx, s, loc, names, days)
	}
	if len(missing) == 0 && len(starts) == len(z.starts) {
		return z, nil
	}
	all := slices.Concat(slices.Collect(maps.Keys(z.sums)), missing)
	var head, tail, added map[string][]daySum
	var err error
	if lo < first {
		if head, err = readDays(ctx, s, loc, all, between(days, lo, first)); err != nil {
			return nil, err
		}
	}
	if hi > last {
		if tail, err = readDays(ctx, s, loc, all, between(days, last, hi)); err != nil {
			return nil, err
		}
	}
	if len(missing) > 0 {
		if added, err = readDays(ctx, s, loc, missing, z.starts); err != nil {
			return nil, err
		}
	}
	grown := &zoneDays{zone: z.zone, starts: starts, sums: make(map[string][]daySum, len(all))}
	for _, n := range all {
		mid, ok := z.sums[n]
		if !ok {
			mid = added[n]
		}
		grown.sums[n] = slices.Concat(head[n], mid, tail[n])
	}
	return grown, nil
}

// newZoneDays reads a zone's rollup of days for names.
func newZoneDays(ctx context.Context, s *Storage, loc *time.Location, names []string, days []int64) (*zoneDays, error) {
	sums, err := readDays(ctx, s, loc, names, days)
	if err != nil {
		return nil, err
	}
	return &zoneDays{zone: loc.String(), starts: days, sums: sums}, nil
}

// lookup returns the zone's rollup, if cached.
func (d *dayRollup) lookup(zone string) *zoneDays {
	for _, z := range d.zones {
		if z.zone == zone {
			return z
		}
	}
	return nil
}

// remember makes z its zone's rollup and the most recently used, dropping
// the least recently used zone beyond maxRollupZones.
func (d *dayRollup) remember(z *zoneDays) {
	d.zones = slices.DeleteFunc(d.zones, func(o *zoneDays) bool { return o.zone == z.zone })
	d.zones = slices.Insert(d.zones, 0, z)
	if len(d.zones) > maxRollupZones {
		d.zones = d.zones[:maxRollupZones]
	}
}

// add adds flushed records into the cached days they fall in. Flush calls
// it with the commit that makes them visible.
func (d *dayRollup) add(batch []Record) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.all.add(batch)
	for _, z := range d.zones {
		for _, r := range batch {
			sums, ok := z.sums[r.Interface]
			if !ok {
				continue
			}
			if i, ok := dayOf(z.starts, r.Time.Unix()); ok {
				sums[i].add(bucketOfRecord(0, r))
			}
		}
	}
}

// reset forgets every cached day, for when the database file changes.
func (d *dayRollup) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.all.sums = nil
	d.zones = nil
}

// sumInto adds the cached days into the query's buckets, whose starts are
// all among z's day starts.
func (z *zoneDays) sumInto(out *seriesBuilder, starts []int64) {
	first, _ := dayOf(z.starts, starts[0])
	for name, i := range out.index {
		days := z.sums[name]
		day := first
		for j := 0; j < len(starts)-1; j++ {
			var sum daySum
			for ; z.starts[day] < starts[j+1]; day++ {
				if days[day].seen {
					sum.add(days[day].b)
				}
			}
			if sum.seen {
				sum.b.T = starts[j]
				out.add(i, sum.b)
			}
		}
	}
}

// readDays sums the rollup tier into the days starting at days (the last
// element ends the last day) for names, a slice of days per name.
func readDays(ctx context.Context, s *Storage, loc *time.Location, names []string, days []int64) (map[string][]daySum, error) {
	out := make(map[string][]daySum, len(names))
	for _, n := range names {
		out[n] = make([]daySum, len(days)-1)
	}
	ids, err := s.interfaceNames(ctx, names)
	if err != nil {
		return nil, err
	}
	t, _ := rollupTier()
	q := Query{Interfaces: names, Start: time.Unix(days[0], 0), End: time.Unix(days[len(days)-1], 0), Group: day, Location: loc}
	err = t.query(ctx, s.r, q, days, ids, func(id int64, b int, v Bucket) {
		out[ids[id]][b].add(v)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// dayStarts returns the local midnights in loc from first to last, both
// included. It reports false unless first and last are midnights and every
// midnight between is on a bucket edge of the tier read (every align
// seconds), so that each of its rows falls in one day.
func dayStarts(loc *time.Location, first, last, align int64) ([]int64, bool) {
	y, m, d := time.Unix(first, 0).In(loc).Date()
	var out []int64
	for i := 0; ; i++ {
		b := time.Date(y, m, d+i, 0, 0, 0, 0, loc).Unix()
		if (i == 0 && b != first) || b > last || mod(b, align) != 0 || (i > 0 && b <= out[i-1]) {
			return nil, false
		}
		out = append(out, b)
		if b == last {
			return out, true
		}
	}
}

// containsAll reports whether every element of sub is in all; both sorted.
func containsAll(all, sub []int64) bool {
	i := 0
	for _, v := range sub {
		for i < len(all) && all[i] < v {
			i++
		}
		if i == len(all) || all[i] != v {
			return false
		}
	}
	return true
}

// between returns the part of days from lo to hi, both included; both must
// be elements of days.
func between(days []int64, lo, hi int64) []int64 {
	i, _ := slices.BinarySearch(days, lo)
	j, _ := slices.BinarySearch(days, hi)
	return days[i : j+1]
}

// dayOf returns the index of the day holding unix.
func dayOf(starts []int64, unix int64) (int, bool) {
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > unix })
	if i == 0 || i == len(starts) {
		return 0, false
	}
	return i - 1, true
}

// location is the query's zone, time.Local by default.
func location(q Query) *time.Location {
	if q.Location == nil {
		return time.Local
	}
	return q.Location
}
