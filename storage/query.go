package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"time"
)

// Query asks for the traffic of some interfaces, in buckets of Group
// covering [Start, End). A Group that is a whole number of days is
// calendar-aligned: buckets start at local midnight in Location, so days
// with a DST change are 23 or 25 hours long. Shorter groups are aligned to
// the Unix epoch.
type Query struct {
	Interfaces []string
	Start, End time.Time
	Group      time.Duration
	Location   *time.Location
}

// Bucket is one group's traffic.
type Bucket struct {
	T              int64 // bucket start, unix seconds
	Rx, Tx         uint64
	RxPkts, TxPkts uint64
	RxPeak, TxPeak uint64 // highest per-poll rate inside, bytes per second
	Faults
	// Imported: all of the bucket's traffic was imported from another
	// tool's history, which has no peak rates.
	Imported bool
}

// bucketOfRecord is a record's traffic as a bucket starting at t.
func bucketOfRecord(t int64, r Record) Bucket {
	return Bucket{T: t, Rx: r.RxBytes, Tx: r.TxBytes, RxPkts: r.RxPackets, TxPkts: r.TxPackets,
		RxPeak: r.RxPeak, TxPeak: r.TxPeak, Faults: Faults{r.RxErrors, r.TxErrors, r.RxDrops, r.TxDrops}}
}

// SeriesData is the traffic of one interface, buckets sorted by time;
// buckets without recorded data are left out.
type SeriesData struct {
	Interface string
	Buckets   []Bucket
}

const day = 24 * time.Hour

// Calendar reports whether g groups by whole local days.
func Calendar(g time.Duration) bool { return g >= day && g%day == 0 }

// BucketStarts returns the start of every bucket of q, and the end of the
// last one as the final element.
func BucketStarts(q Query) []int64 {
	var out []int64
	if Calendar(q.Group) {
		loc := q.Location
		if loc == nil {
			loc = time.Local
		}
		days := int(q.Group / day)
		s := q.Start.In(loc)
		b := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, loc)
		for ; b.Before(q.End); b = b.AddDate(0, 0, days) {
			out = append(out, b.Unix())
		}
		return append(out, b.Unix())
	}
	g := int64(q.Group / time.Second)
	// The bucket holding End counts too, even when End is a fraction of a
	// second into it: it holds the latest polls.
	end := q.End.Unix()
	if q.End.Nanosecond() > 0 {
		end++
	}
	b := q.Start.Unix() - mod(q.Start.Unix(), g)
	for ; b < end; b += g {
		out = append(out, b)
	}
	return append(out, b)
}

// Result is the answer to a Query: the start of its first bucket and a
// series per interface, in the query's order.
type Result struct {
	Start  int64
	Series []SeriesData
}

// Traffic answers q from the coarsest tier that serves it, plus the records
// not yet flushed, so an answer always includes the latest poll. Calendar
// groups over the hourly tier are summed from the day rollup (see days.go)
// instead of grouping a year of hourly rows each time.
func (s *Storage) Traffic(ctx context.Context, q Query) (Result, error) {
	starts := BucketStarts(q)
	s.view.RLock()
	defer s.view.RUnlock()
	out := newSeriesBuilder(q.Interfaces)
	if err := s.queryInto(ctx, q, starts, out); err != nil {
		return Result{}, err
	}
	s.addPending(out, starts)
	return Result{Start: starts[0], Series: out.finish()}, nil
}

// queryInto adds the database's answer to q to out: from the day rollup or
// the coarsest tier whose buckets nest in the query's, else from the raw
// ring.
func (s *Storage) queryInto(ctx context.Context, q Query, starts []int64, out *seriesBuilder) error {
	t, ok := pickTier(q.Group, starts)
	if ok {
		served, err := s.days.serve(ctx, s, t, q, starts, out)
		if err != nil || served {
			return err
		}
	}
	names, err := s.interfaceNames(ctx, q.Interfaces)
	if err != nil || len(names) == 0 {
		return err
	}
	series := make(map[int64]int, len(names))
	for id, n := range names {
		series[id] = out.index[n]
	}
	add := func(id int64, b int, v Bucket) {
		v.T = starts[b]
		out.add(series[id], v)
	}
	if !ok {
		return s.raw.query(ctx, s.r, q, starts, names, add)
	}
	return t.query(ctx, s.r, q, starts, names, add)
}

// addPending adds the records not yet flushed to out.
func (s *Storage) addPending(out *seriesBuilder, starts []int64) {
	s.eachPending(func(r *Record) {
		i, ok := out.index[r.Interface]
		if !ok || r.Baseline {
			return
		}
		if b, ok := bucketOf(starts, r.Time.Unix()); ok {
			out.add(i, bucketOfRecord(b, *r))
		}
	})
}

// interfaceNames maps the row ids of the named interfaces to their names;
// names without recorded traffic have no id and are left out.
func (s *Storage) interfaceNames(ctx context.Context, names []string) (map[int64]string, error) {
	out := make(map[int64]string, len(names))
	var unknown []string
	s.mu.Lock()
	for _, n := range names {
		if id, ok := s.ifaceID[n]; ok {
			out[id] = n
		} else {
			unknown = append(unknown, n)
		}
	}
	s.mu.Unlock()
	if len(unknown) == 0 {
		return out, nil
	}
	rows, err := s.r.QueryContext(ctx, "SELECT id, name FROM interfaces WHERE name IN (SELECT value FROM json_each(?))", jsonList(unknown))
	if err != nil {
		return nil, fmt.Errorf("storage: look up interfaces: %w", describe(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("storage: look up interfaces: %w", describe(err))
		}
		out[id] = n
		s.mu.Lock()
		s.ifaceID[n] = id
		s.mu.Unlock()
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: look up interfaces: %w", describe(err))
	}
	return out, nil
}

// bucketOf returns the start of the bucket holding unix, if any.
func bucketOf(starts []int64, unix int64) (int64, bool) {
	i, ok := bucketIndex(starts, unix)
	if !ok {
		return 0, false
	}
	return starts[i], true
}

// bucketIndex is the index in starts of the bucket holding unix.
func bucketIndex(starts []int64, unix int64) (int, bool) {
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > unix })
	if i == 0 || i == len(starts) {
		return 0, false
	}
	return i - 1, true
}

// seriesBuilder collects the buckets of a query's interfaces. The tier's
// rows come back in time order for each interface, so appending keeps a
// series sorted without a map or a sort; a bucket out of order (a DST edge
// folding two row groups into one bucket, pending records from a clock
// step) only marks the series for a sort and merge at the end.
type seriesBuilder struct {
	series   []SeriesData
	index    map[string]int
	unsorted []bool
}

func newSeriesBuilder(names []string) *seriesBuilder {
	b := &seriesBuilder{series: make([]SeriesData, len(names)), index: make(map[string]int, len(names)), unsorted: make([]bool, len(names))}
	for i, n := range names {
		b.series[i] = SeriesData{Interface: n, Buckets: []Bucket{}}
		b.index[n] = i
	}
	return b
}

// add adds v into series i's bucket v.T.
func (sb *seriesBuilder) add(i int, v Bucket) {
	bs := sb.series[i].Buckets
	if n := len(bs); n > 0 && bs[n-1].T >= v.T {
		if bs[n-1].T == v.T {
			bs[n-1].merge(v)
			return
		}
		sb.unsorted[i] = true
	}
	sb.series[i].Buckets = append(bs, v)
}

// finish returns the series, each sorted by time with one bucket per time.
func (sb *seriesBuilder) finish() []SeriesData {
	for i, ok := range sb.unsorted {
		if !ok {
			continue
		}
		bs := sb.series[i].Buckets
		slices.SortStableFunc(bs, func(a, b Bucket) int { return cmp.Compare(a.T, b.T) })
		out := bs[:1]
		for _, v := range bs[1:] {
			if last := &out[len(out)-1]; last.T == v.T {
				last.merge(v)
			} else {
				out = append(out, v)
			}
		}
		sb.series[i].Buckets = out
	}
	return sb.series
}

// merge adds v's traffic into b. The sum is imported only when both are:
// otherwise it has peaks.
func (b *Bucket) merge(v Bucket) {
	b.Rx += v.Rx
	b.Tx += v.Tx
	b.RxPkts += v.RxPkts
	b.TxPkts += v.TxPkts
	b.RxPeak = max(b.RxPeak, v.RxPeak)
	b.TxPeak = max(b.TxPeak, v.TxPeak)
	b.Faults.add(v.Faults)
	b.Imported = b.Imported && v.Imported
}
