package storage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// freshTraffic answers q as Traffic does but always from SQL, never from the
// day rollup: the reference the rollup must match.
func freshTraffic(t *testing.T, s *Storage, q Query) Result {
	t.Helper()
	starts := BucketStarts(q)
	s.view.RLock()
	defer s.view.RUnlock()
	out := newSeriesBuilder(q.Interfaces)
	tr, ok := pickTier(q.Group, starts)
	if !ok {
		t.Fatalf("query %+v is not served by a tier", q)
	}
	names, err := s.interfaceNames(context.Background(), q.Interfaces)
	if err != nil {
		t.Fatal(err)
	}
	err = tr.query(context.Background(), s.r, q, starts, names, func(id int64, b int, v Bucket) {
		v.T = starts[b]
		out.add(out.index[names[id]], v)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.addPending(out, starts)
	return Result{Start: starts[0], Series: out.finish()}
}

// randomRecords returns n records at random seconds of [from, from+span),
// some with zero bytes (a row that sums to zero still makes a bucket).
func randomRecords(r *rand.Rand, from time.Time, span time.Duration, n int, ifaces ...string) []Record {
	recs := make([]Record, n)
	for i := range recs {
		at := from.Add(time.Duration(r.Int64N(int64(span)))).Truncate(time.Second)
		rx := r.Uint64N(1 << 30)
		if r.IntN(20) == 0 {
			rx = 0
		}
		recs[i] = Record{Interface: ifaces[r.IntN(len(ifaces))], Time: at, RxBytes: rx, TxBytes: rx / 3,
			RxPeak: r.Uint64N(1 << 20), TxPeak: r.Uint64N(1 << 18)}
	}
	return recs
}

// TestDayRollupMatchesSQL checks that calendar answers from the day rollup
// equal fresh SQL answers to the byte: across DST changes (23 and 25 hour
// days, Santiago's at midnight), in zones the rollup cannot serve (half-
// and quarter-hour offsets fall back to SQL), for windows starting
// mid-day, after flushes that add to old days (a clock step) and new ones,
// with records pending, and as later queries grow the cached range.
func TestDayRollupMatchesSQL(t *testing.T) {
	start := time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		zone   string
		cached bool // whole-hour midnights: served by the rollup
	}{
		{"UTC", true},
		{"America/New_York", true},
		{"Europe/Berlin", true},
		{"America/Santiago", true},
		{"Australia/Lord_Howe", false},
		{"Asia/Kolkata", false},
		{"Asia/Kathmandu", false},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			loc, err := time.LoadLocation(tc.zone)
			if err != nil {
				t.Fatal(err)
			}
			s := openTemp(t)
			ctx := context.Background()
			r := rand.New(rand.NewPCG(3, uint64(len(tc.zone))))
			ifaces := []string{"a", "b", "c"}
			check := func(step string) {
				t.Helper()
				queries := []Query{
					{Interfaces: []string{"a", "b"}, Start: start.Add(30 * 24 * time.Hour), End: start.Add(60 * 24 * time.Hour), Group: day},
					{Interfaces: []string{"a", "b"}, Start: start.Add(20*24*time.Hour + 5*time.Hour), End: start.Add(70 * 24 * time.Hour), Group: day},
					{Interfaces: []string{"c", "a"}, Start: start.Add(-3 * 24 * time.Hour), End: start.Add(75*24*time.Hour + time.Minute), Group: 7 * day},
					{Interfaces: []string{"b", "d"}, Start: start.Add(40*24*time.Hour + 13*time.Hour), End: start.Add(90 * 24 * time.Hour), Group: 3 * day},
					{Interfaces: ifaces, Start: start.Add(200 * 24 * time.Hour), End: start.Add(230 * 24 * time.Hour), Group: day},
					{Interfaces: ifaces, Start: start, End: start.Add(100 * 24 * time.Hour), Group: day},
					{Interfaces: []string{"a", "b", "c", "d"}, Start: start.Add(-3 * 24 * time.Hour), End: start.Add(140 * 24 * time.Hour), Group: day},
				}
				for i, q := range queries {
					q.Location = loc
					got, err := s.Traffic(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					want := freshTraffic(t, s, q)
					if a, b := fmt.Sprint(got), fmt.Sprint(want); a != b {
						t.Errorf("%s, query %d: rollup and SQL differ\nrollup: %.400s\nSQL:    %.400s", step, i, a, b)
					}
				}
				s.days.mu.Lock()
				n := len(s.days.zones)
				s.days.mu.Unlock()
				if tc.cached != (n > 0) {
					t.Errorf("%s: %d zones cached, want cached=%v", step, n, tc.cached)
				}
			}

			s.Add(randomRecords(r, start, 100*24*time.Hour, 4000, ifaces...)...)
			if err := s.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			check("first flush")
			// A clock step: records for days the rollup already holds,
			// around the DST changes, and for new days.
			s.Add(randomRecords(r, start.Add(10*24*time.Hour), 80*24*time.Hour, 500, ifaces...)...)
			s.Add(randomRecords(r, start.Add(100*24*time.Hour), 30*24*time.Hour, 200, "a", "d")...)
			if err := s.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			check("later flush into old days")
			s.Add(randomRecords(r, start.Add(35*24*time.Hour), 50*24*time.Hour, 300, "a", "b", "c", "d")...)
			check("with records pending")
			if err := s.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			check("pending flushed")
		})
	}
}

// TestDayRollupBoundsZones keeps the most recently used zones only.
func TestDayRollupBoundsZones(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.Add(Record{Interface: "a", Time: start.Add(36 * time.Hour), RxBytes: 5})
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/London", "America/Chicago"}
	for _, z := range zones {
		loc, _ := time.LoadLocation(z)
		res, err := s.Traffic(ctx, Query{Interfaces: []string{"a"}, Start: start, End: start.Add(7 * day), Group: day, Location: loc})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Series[0].Buckets; len(got) != 1 || got[0].Rx != 5 {
			t.Errorf("%s: %v", z, got)
		}
	}
	if len(s.days.zones) != maxRollupZones || s.days.zones[0].zone != "America/Chicago" || s.days.lookup("UTC") != nil {
		t.Errorf("want the %d most recent zones, got %d, first %s", maxRollupZones, len(s.days.zones), s.days.zones[0].zone)
	}
}

// TestDayRollupConcurrentFlushes queries while flushes add to the cached
// days: every answer's total must be a sum of whole flushes (nothing
// counted twice or missed), and the last must equal SQL's.
func TestDayRollupConcurrentFlushes(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	q := Query{Interfaces: []string{"a"}, Start: start, End: start.Add(40 * day), Group: day, Location: ny}
	r := rand.New(rand.NewPCG(5, 6))
	batches := make([][]Record, 20)
	totals := map[uint64]bool{0: true}
	var sum uint64
	for i := range batches {
		batches[i] = randomRecords(r, start.Add(24*time.Hour), 38*day, 50, "a")
		for _, rec := range batches[i] {
			sum += rec.RxBytes
		}
		totals[sum] = true
	}
	done := make(chan error)
	go func() {
		for _, b := range batches {
			s.Add(b...)
			if err := s.Flush(ctx); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
		}
		res, err := s.Traffic(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var rx uint64
		for _, b := range res.Series[0].Buckets {
			rx += b.Rx
		}
		// A batch is added whole, then flushed: an answer holds the
		// batches flushed so far and perhaps the one pending.
		if !totals[rx] {
			t.Fatalf("total %d is not the sum of the first batches", rx)
		}
	}
	if got, want := fmt.Sprint(s.mustTraffic(t, q)), fmt.Sprint(freshTraffic(t, s, q)); got != want {
		t.Errorf("after concurrent flushes:\nrollup: %.300s\nSQL:    %.300s", got, want)
	}
}

func (s *Storage) mustTraffic(t *testing.T, q Query) Result {
	t.Helper()
	res, err := s.Traffic(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
