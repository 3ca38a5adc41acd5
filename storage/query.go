package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
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

// pickTier returns the coarsest tier whose buckets nest inside every bucket
// of the query; false when none does and only the raw ring's seconds do.
func pickTier(group time.Duration, starts []int64) (tier, bool) {
	g := int64(group / time.Second)
	for i := len(tiers) - 1; i >= 0; i-- {
		t := tiers[i]
		if g%t.bucket != 0 && !Calendar(group) {
			continue
		}
		aligned := true
		for _, b := range starts {
			if mod(b, t.bucket) != 0 {
				aligned = false
				break
			}
		}
		if aligned {
			return t, true
		}
	}
	return tier{}, false
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
	s.eachPending(func(r Record) {
		i, ok := out.index[r.Interface]
		if !ok || r.Baseline {
			return
		}
		if b, ok := bucketOf(starts, r.Time.Unix()); ok {
			out.add(i, bucketOfRecord(b, r))
		}
	})
}

// query sums the tier's rows of the interfaces in names (by id) into the
// buckets starting at starts inside SQLite, which hands back one row per
// bucket and interface, passed to add with the bucket's index. Each row's
// bucket is found by arithmetic on t, so the scan follows the primary key
// with no join; calendar buckets add the zone's UTC offset first (see
// localDay).
func (t tier) query(ctx context.Context, db *sql.DB, q Query, starts []int64, names map[int64]string, add func(id int64, b int, v Bucket)) error {
	if len(names) == 0 {
		return nil
	}
	first, last := starts[0], starts[len(starts)-1]
	var index string
	var args []int64 // in the order of the placeholders: index, range, ids
	if Calendar(q.Group) {
		index, args = localDay(q, first, last)
	} else {
		index = fmt.Sprintf("(t - %d) / %d", first, int64(q.Group/time.Second))
	}
	args = append(args, first, last)
	ids := make([]string, 0, len(names))
	for id := range names {
		ids = append(ids, "?")
		args = append(args, id)
	}
	cols := "sum(rx), sum(tx), sum(rx_pkts), sum(tx_pkts), max(rx_peak), max(tx_peak)"
	faultCols := "sum(rx_errs), sum(tx_errs), sum(rx_drops), sum(tx_drops)"
	group := " GROUP BY iface, b"
	if !Calendar(q.Group) && int64(q.Group/time.Second) == t.bucket {
		// One row per bucket already.
		cols, faultCols, group = "rx, tx, rx_pkts, tx_pkts, rx_peak, tx_peak", "rx_errs, tx_errs, rx_drops, tx_drops", ""
	}
	where := " WHERE t >= ? AND t < ? AND iface IN (" + strings.Join(ids, ",") + ")"
	key := "iface, " + index + " AS b, "
	// A row just before a DST change can fall one bucket before the first.
	bucket := func(b int64) int { return int(min(max(b, 0), int64(len(starts)-2))) }
	query := "SELECT " + key + cols + " FROM " + t.table + where + group
	err := queryInts(ctx, db, query, args, func(v []int64) {
		// Only imported rows have negative peaks (migration 4), so a
		// bucket's highest peak is negative when all its rows were
		// imported.
		imported := v[6] < 0
		add(v[0], bucket(v[1]), Bucket{Rx: uint64(v[2]), Tx: uint64(v[3]), RxPkts: uint64(v[4]), TxPkts: uint64(v[5]),
			RxPeak: uint64(max(v[6], 0)), TxPeak: uint64(max(v[7], 0)), Imported: imported})
	})
	if err != nil {
		return fmt.Errorf("storage: query %s: %w", t.table, describe(err))
	}
	// Errors and drops: usually no rows at all.
	query = "SELECT " + key + faultCols + " FROM " + t.faults() + where + group
	err = queryInts(ctx, db, query, args, func(v []int64) {
		add(v[0], bucket(v[1]), Bucket{Faults: Faults{uint64(v[2]), uint64(v[3]), uint64(v[4]), uint64(v[5])}})
	})
	if err != nil {
		return fmt.Errorf("storage: query %s: %w", t.faults(), describe(err))
	}
	return nil
}

// localDay is the SQL expression for the calendar bucket index of a row, and
// its arguments: the row's local time (t plus the UTC offset in force then,
// which changes only at the zone's transitions inside the query), counted
// in buckets from the local midnight that starts the first one.
func localDay(q Query, first, last int64) (string, []int64) {
	loc := q.Location
	if loc == nil {
		loc = time.Local
	}
	at := time.Unix(first, 0).In(loc)
	_, off := at.Zone()
	origin := first + int64(off)
	var cases strings.Builder
	var args []int64
	for {
		_, end := at.ZoneBounds()
		if end.IsZero() || end.Unix() >= last {
			break
		}
		cases.WriteString(" WHEN t < ? THEN ?")
		args = append(args, end.Unix(), int64(off))
		at = end.In(loc)
		_, off = at.Zone()
	}
	offset := fmt.Sprint(off)
	if cases.Len() > 0 {
		offset = "CASE" + cases.String() + " ELSE " + offset + " END"
	}
	return fmt.Sprintf("(t + %s - %d) / %d", offset, origin, int64(q.Group/time.Second)), args
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
