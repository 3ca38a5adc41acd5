package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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
	RxPeak, TxPeak uint64 // highest per-poll rate inside, bytes per second
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
// of the query.
func pickTier(group time.Duration, starts []int64) tier {
	g := int64(group / time.Second)
	for i := len(tiers) - 1; i > 0; i-- {
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
			return t
		}
	}
	return tiers[0]
}

// Result is the answer to a Query: the start of its first bucket and a
// series per interface, in the query's order.
type Result struct {
	Start  int64
	Series []SeriesData
}

// Traffic answers q from the coarsest tier that serves it, plus the records
// not yet flushed, so an answer always includes the latest poll.
func (s *Storage) Traffic(ctx context.Context, q Query) (Result, error) {
	starts := BucketStarts(q)
	t := pickTier(q.Group, starts)
	s.view.RLock()
	defer s.view.RUnlock()
	s.conn.RLock()
	defer s.conn.RUnlock()
	rows, err := s.queryTier(ctx, t, q, starts)
	if err != nil {
		return Result{}, err
	}
	sums := map[bucketKey]*bucketSum{}
	if err := scanBuckets(rows, sums); err != nil {
		return Result{}, err
	}
	want := make(map[string]bool, len(q.Interfaces))
	for _, n := range q.Interfaces {
		want[n] = true
	}
	s.mu.Lock()
	for _, r := range s.pending {
		if !want[r.Interface] {
			continue
		}
		b, ok := bucketOf(starts, r.Time.Unix())
		if !ok {
			continue
		}
		k := bucketKey{b, r.Interface}
		if sums[k] == nil {
			sums[k] = &bucketSum{}
		}
		sums[k].add(r)
	}
	s.mu.Unlock()
	return Result{Start: starts[0], Series: collect(q.Interfaces, sums)}, nil
}

func (s *Storage) queryTier(ctx context.Context, t tier, q Query, starts []int64) (*sql.Rows, error) {
	names := jsonList(q.Interfaces)
	first, last := starts[0], starts[len(starts)-1]
	var rows *sql.Rows
	var err error
	if Calendar(q.Group) {
		// Calendar buckets differ in length (DST), so each row is matched
		// to its bucket by a range join on the primary key.
		bounds, _ := json.Marshal(starts)
		rows, err = s.r.QueryContext(ctx, `
			WITH b AS (SELECT value AS s, lead(value) OVER (ORDER BY key) AS e FROM json_each(?))
			SELECT i.name, b.s, sum(x.rx), sum(x.tx), max(x.rx_peak), max(x.tx_peak)
			FROM b JOIN `+t.table+` x ON x.t >= b.s AND x.t < b.e
			JOIN interfaces i ON i.id = x.iface
			WHERE b.e IS NOT NULL AND i.name IN (SELECT value FROM json_each(?))
			GROUP BY i.name, b.s`, string(bounds), names)
	} else {
		g := int64(q.Group / time.Second)
		rows, err = s.r.QueryContext(ctx, `
			SELECT i.name, x.t - ((x.t - ?1) % ?2) AS b, sum(x.rx), sum(x.tx), max(x.rx_peak), max(x.tx_peak)
			FROM `+t.table+` x JOIN interfaces i ON i.id = x.iface
			WHERE x.t >= ?1 AND x.t < ?3 AND i.name IN (SELECT value FROM json_each(?4))
			GROUP BY i.name, b`, first, g, last, names)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: query %s: %w", t.table, describe(err))
	}
	return rows, nil
}

func scanBuckets(rows *sql.Rows, sums map[bucketKey]*bucketSum) error {
	defer rows.Close()
	for rows.Next() {
		var k bucketKey
		var v [4]int64
		if err := rows.Scan(&k.iface, &k.t, &v[0], &v[1], &v[2], &v[3]); err != nil {
			return fmt.Errorf("storage: read traffic: %w", describe(err))
		}
		sums[k] = &bucketSum{rx: uint64(v[0]), tx: uint64(v[1]), rxPeak: uint64(v[2]), txPeak: uint64(v[3])}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: read traffic: %w", describe(err))
	}
	return nil
}

// bucketOf returns the start of the bucket holding unix, if any.
func bucketOf(starts []int64, unix int64) (int64, bool) {
	i := sort.Search(len(starts), func(i int) bool { return starts[i] > unix })
	if i == 0 || i == len(starts) {
		return 0, false
	}
	return starts[i-1], true
}

func collect(names []string, sums map[bucketKey]*bucketSum) []SeriesData {
	out := make([]SeriesData, len(names))
	idx := make(map[string]int, len(names))
	for i, n := range names {
		out[i].Interface = n
		out[i].Buckets = []Bucket{}
		idx[n] = i
	}
	for k, b := range sums {
		i, ok := idx[k.iface]
		if !ok {
			continue
		}
		out[i].Buckets = append(out[i].Buckets, Bucket{T: k.t, Rx: b.rx, Tx: b.tx, RxPeak: b.rxPeak, TxPeak: b.txPeak})
	}
	for i := range out {
		sort.Slice(out[i].Buckets, func(a, b int) bool { return out[i].Buckets[a].T < out[i].Buckets[b].T })
	}
	return out
}
