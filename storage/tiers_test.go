package storage

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// synth adds n polls at 1-second spacing from start for the interfaces,
// returning the byte totals added per interface.
func synth(s *Storage, start time.Time, n int, ifaces ...string) map[string][2]uint64 {
	r := rand.New(rand.NewPCG(1, 2))
	tot := map[string][2]uint64{}
	for i := range n {
		for _, name := range ifaces {
			rx, tx := r.Uint64N(1<<20), r.Uint64N(1<<16)
			s.Add(Record{Interface: name, Time: start.Add(time.Duration(i) * time.Second),
				RxBytes: rx, TxBytes: tx, RxPackets: rx / 1000, TxPackets: tx / 1000, RxPeak: rx, TxPeak: tx})
			t := tot[name]
			tot[name] = [2]uint64{t[0] + rx, t[1] + tx}
		}
	}
	return tot
}

func TestTiersAgree(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	start := time.Date(2026, 5, 1, 10, 7, 13, 0, time.UTC)
	want := map[string][2]uint64{}
	// Several flushes, each a different size, crossing minute, quarter and
	// hour boundaries, and written in every mix of multi-row statements.
	wantPkts := map[string][2]uint64{}
	for i, n := range []int{1, 59, 600, 3000, 47} {
		got := synth(s, start, n, "eth0", "wlan0")
		start = start.Add(time.Duration(n) * time.Second)
		for _, r := range s.pending {
			p := wantPkts[r.Interface]
			wantPkts[r.Interface] = [2]uint64{p[0] + r.RxPackets, p[1] + r.TxPackets}
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatalf("flush %d: %v", i, err)
		}
		for k, v := range got {
			w := want[k]
			want[k] = [2]uint64{w[0] + v[0], w[1] + v[1]}
		}
	}
	for table, sums := range levelSums(t, s) {
		if len(sums) != len(want) {
			t.Errorf("%s holds %d interfaces, want %d", table, len(sums), len(want))
		}
		for name, sum := range sums {
			if w := want[name]; sum.Rx != w[0] || sum.Tx != w[1] {
				t.Errorf("%s %s: want rx %d tx %d, got rx %d tx %d", table, name, w[0], w[1], sum.Rx, sum.Tx)
			}
			if sum.RxPeak == 0 || sum.RxPeak >= 1<<20 {
				t.Errorf("%s %s: peak %d out of range", table, name, sum.RxPeak)
			}
			if w := wantPkts[name]; sum.RxPkts != w[0] || sum.TxPkts != w[1] {
				t.Errorf("%s %s: want packets rx %d tx %d, got rx %d tx %d", table, name, w[0], w[1], sum.RxPkts, sum.TxPkts)
			}
		}
	}
	var n int
	s.r.QueryRow("SELECT count(*) FROM traffic_1h").Scan(&n)
	if n < 4 {
		t.Errorf("want hourly buckets for both interfaces over two hours, got %d rows", n)
	}
}

func TestQueryIncludesPendingExactlyOnce(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	start := time.Now().Add(-10 * time.Minute).Truncate(time.Minute)
	q := Query{Interfaces: []string{"eth0"}, Start: start.Add(-time.Hour), End: time.Now(), Group: time.Minute}
	total := func() (rx uint64) {
		data, err := s.Traffic(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range data.Series[0].Buckets {
			rx += b.Rx
		}
		return rx
	}
	a := synth(s, start, 120, "eth0")["eth0"][0]
	if got := total(); got != a {
		t.Fatalf("pending only: want %d, got %d", a, got)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	b := synth(s, start.Add(2*time.Minute), 90, "eth0")["eth0"][0]
	if got := total(); got != a+b {
		t.Fatalf("flushed + pending: want %d, got %d", a+b, got)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := total(); got != a+b || s.Pending() != 0 {
		t.Fatalf("all flushed: want %d, got %d (%d pending)", a+b, got, s.Pending())
	}
}

func TestQueryBuckets(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	for _, tc := range []struct {
		name      string
		q         Query
		wantTier  string
		wantFirst time.Time
		wantLens  []int64 // seconds of the first buckets
	}{
		{name: "1m groups from the minute tier",
			q:        Query{Start: time.Unix(3600*1000+30, 0), End: time.Unix(3600*1000+600, 0), Group: time.Minute},
			wantTier: "traffic_1m", wantFirst: time.Unix(3600*1000, 0), wantLens: []int64{60, 60}},
		{name: "10s groups need raw samples",
			q:        Query{Start: time.Unix(1000005, 0), End: time.Unix(1000100, 0), Group: 10 * time.Second},
			wantTier: "traffic_raw", wantFirst: time.Unix(1000000, 0), wantLens: []int64{10}},
		{name: "90s groups are not whole minutes",
			q:        Query{Start: time.Unix(900000, 0), End: time.Unix(901000, 0), Group: 90 * time.Second},
			wantTier: "traffic_raw", wantFirst: time.Unix(900000, 0), wantLens: []int64{90}},
		{name: "the bucket holding a fractional end counts",
			q:        Query{Start: time.Unix(1200, 0), End: time.Unix(1260, 400e6), Group: time.Minute},
			wantTier: "traffic_1m", wantFirst: time.Unix(1200, 0), wantLens: []int64{60, 60}},
		{name: "hour groups from the hour tier",
			q:        Query{Start: time.Unix(7200*100+1, 0), End: time.Unix(7200*103, 0), Group: time.Hour},
			wantTier: "traffic_1h", wantFirst: time.Unix(7200*100, 0), wantLens: []int64{3600}},
		{name: "days around a DST change in New York",
			q: Query{Start: time.Date(2026, 3, 7, 15, 0, 0, 0, ny), End: time.Date(2026, 3, 10, 0, 0, 0, 0, ny),
				Group: 24 * time.Hour, Location: ny},
			wantTier: "traffic_1h", wantFirst: time.Date(2026, 3, 7, 0, 0, 0, 0, ny), wantLens: []int64{86400, 82800, 86400}},
		{name: "days in a half-hour zone use quarter hours",
			q: Query{Start: time.Date(2026, 1, 1, 5, 0, 0, 0, kolkata), End: time.Date(2026, 1, 3, 0, 0, 0, 0, kolkata),
				Group: 24 * time.Hour, Location: kolkata},
			wantTier: "traffic_15m", wantFirst: time.Date(2026, 1, 1, 0, 0, 0, 0, kolkata), wantLens: []int64{86400}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			starts := BucketStarts(tc.q)
			got := "traffic_raw"
			if tr, ok := pickTier(tc.q.Group, starts); ok {
				got = tr.table
			}
			if got != tc.wantTier {
				t.Errorf("tier: want %s, got %s", tc.wantTier, got)
			}
			if starts[0] != tc.wantFirst.Unix() {
				t.Errorf("first bucket: want %v, got %v", tc.wantFirst, time.Unix(starts[0], 0))
			}
			for i, l := range tc.wantLens {
				if got := starts[i+1] - starts[i]; got != l {
					t.Errorf("bucket %d: want %ds, got %ds", i, l, got)
				}
			}
			if last := starts[len(starts)-1]; last < tc.q.End.Unix() {
				t.Errorf("buckets end at %d, before the query end %d", last, tc.q.End.Unix())
			}
		})
	}
}

func TestCalendarQuerySumsPerLocalDay(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	// One record at 23:30 local each day, 100 bytes: each lands in its own
	// local day, never in the next one as a UTC day would put it.
	var recs []Record
	for d := 1; d <= 10; d++ {
		recs = append(recs, Record{Interface: "eth0", Time: time.Date(2026, 3, d, 23, 30, 0, 0, ny), RxBytes: 100, RxPeak: 5})
	}
	s.Add(recs...)
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	q := Query{Interfaces: []string{"eth0"}, Start: time.Date(2026, 3, 1, 0, 0, 0, 0, ny),
		End: time.Date(2026, 3, 11, 0, 0, 0, 0, ny), Group: 24 * time.Hour, Location: ny}
	data, err := s.Traffic(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	b := data.Series[0].Buckets
	if len(b) != 10 {
		t.Fatalf("want 10 daily buckets, got %d: %+v", len(b), b)
	}
	for i, bk := range b {
		want := time.Date(2026, 3, i+1, 0, 0, 0, 0, ny).Unix()
		if bk.T != want || bk.Rx != 100 || bk.RxPeak != 5 {
			t.Errorf("day %d: want t=%d rx=100 peak=5, got %+v", i+1, want, bk)
		}
	}
}

// Past the zone database's last listed change Go's ZoneBounds stops moving
// forward at the end of a leap year: a day query across the end of 2040 in
// Berlin must still end, and place each day's traffic in its local day on
// both sides of the spring change.
func TestCalendarQueryBeyondTheZoneDatabase(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2040, 12, 20, 0, 0, 0, 0, berlin)
	const days = 110 // to 2041-04-09, past 31 March's change
	var recs []Record
	for d := range days {
		recs = append(recs, Record{Interface: "eth0", Time: time.Date(2040, 12, 20+d, 23, 30, 0, 0, berlin), RxBytes: 100})
	}
	s.Add(recs...)
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	q := Query{Interfaces: []string{"eth0"}, Start: first, End: time.Date(2040, 12, 20+days, 0, 0, 0, 0, berlin),
		Group: 24 * time.Hour, Location: berlin}
	type result struct {
		data Result
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := s.Traffic(ctx, q)
		done <- result{data, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the query did not end")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	b := r.data.Series[0].Buckets
	if len(b) != days {
		t.Fatalf("want %d daily buckets, got %d", days, len(b))
	}
	for i, bk := range b {
		want := time.Date(2040, 12, 20+i, 0, 0, 0, 0, berlin).Unix()
		if bk.T != want || bk.Rx != 100 {
			t.Errorf("day %d: want t=%d rx=100, got %+v", i, want, bk)
		}
	}
}

// levelSums returns, per table of the raw ring and each tier, the sums
// (and the highest peak) of each interface's rows, unpacking the ring's.
func levelSums(t *testing.T, s *Storage) map[string]map[string]RawSecond {
	t.Helper()
	out := map[string]map[string]RawSecond{s.raw.table: {}}
	eachRawSecond(t, s, func(name string, _ int64, w RawSecond) {
		v := out[s.raw.table][name]
		v.merge(w)
		out[s.raw.table][name] = v
	})
	for _, tr := range tiers {
		out[tr.table] = tierSums(t, s, tr)
	}
	return out
}

// tierSums returns the sums (and the highest peak) of each interface's
// rows in tier tr.
func tierSums(t *testing.T, s *Storage, tr tier) map[string]RawSecond {
	t.Helper()
	out := map[string]RawSecond{}
	rows, err := s.r.Query(`SELECT i.name, sum(rx), sum(tx), sum(rx_pkts), sum(tx_pkts), max(rx_peak), max(tx_peak) FROM ` + tr.table + ` x
		JOIN interfaces i ON i.id = x.iface GROUP BY i.name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var v RawSecond
		if err := rows.Scan(&name, &v.Rx, &v.Tx, &v.RxPkts, &v.TxPkts, &v.RxPeak, &v.TxPeak); err != nil {
			t.Fatal(err)
		}
		out[name] = v
	}
	return out
}

func TestPruneDeletesOnlyExpired(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	// The raw tier keeps a day, plus an hour for the longest flush interval.
	ages := []time.Duration{time.Hour, 23 * time.Hour, 26 * time.Hour, 29 * 24 * time.Hour, 31 * 24 * time.Hour, 1900 * 24 * time.Hour}
	for _, age := range ages {
		s.Add(Record{Interface: "eth0", Time: now.Add(-age), RxBytes: 1})
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Prune(ctx, now); err != nil {
		t.Fatal(err)
	}
	count := func(table string) (n int) {
		s.r.QueryRow("SELECT count(*) FROM " + table).Scan(&n)
		return n
	}
	for table, want := range map[string]int{"traffic_raw": 2, "traffic_1m": 4, "traffic_15m": 5, "traffic_1h": 6} {
		if got := count(table); got != want {
			t.Errorf("%s: want %d rows kept, got %d", table, want, got)
		}
	}
}

func TestFlushFailureKeepsPending(t *testing.T) {
	s := openTemp(t)
	synth(s, time.Now(), 10, "eth0")
	// Another process holds the write lock.
	other, err := sql.Open("sqlite", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := s.Flush(ctx); err == nil {
		t.Fatal("want an error while another process holds the lock")
	}
	if s.Pending() != 10 {
		t.Errorf("want the 10 records kept pending, got %d", s.Pending())
	}
	conn.ExecContext(context.Background(), "ROLLBACK")
	if err := s.Flush(context.Background()); err != nil || s.Pending() != 0 {
		t.Fatalf("after the lock is gone: %v, %d pending", err, s.Pending())
	}
}

func TestFoldKeepsTotals(t *testing.T) {
	var recs []Record
	var rx uint64
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 600 {
		r := Record{Interface: []string{"a", "b"}[i%2], Time: start.Add(time.Duration(i) * time.Second), RxBytes: uint64(i), RxPeak: uint64(i)}
		rx += r.RxBytes
		recs = append(recs, r)
	}
	folded := foldOldest(recs, 500)
	var got uint64
	for _, r := range folded {
		got += r.RxBytes
	}
	if got != rx {
		t.Errorf("want %d bytes after folding, got %d", rx, got)
	}
	if len(folded) != 100+2*9 { // 500 records span 9 minutes of two interfaces
		t.Errorf("want 118 records, got %d", len(folded))
	}
}

// TestFoldDuringFlushKeepsEveryByte: polls that push the buffer past
// maxPending while a flush writes it (an outage ending, or a long flush
// interval with many interfaces) fold only records the flush is not
// writing, so the flush drops exactly what it wrote.
func TestFoldDuringFlushKeepsEveryByte(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	t0 := time.Now().Add(-10 * time.Hour).Truncate(time.Hour)
	var want uint64
	add := func(i int, rx uint64) {
		s.Add(Record{Interface: "eth0", Time: t0.Add(time.Duration(i) * time.Second), RxBytes: rx})
		want += rx
	}
	for i := range maxPending - 1 {
		add(i, 1)
	}
	s.view.RLock() // a query in progress holds the flush before its commit
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil { // as gocron recovers a job's panic
				done <- fmt.Errorf("the flush panicked: %v", r)
			}
		}()
		done <- s.Flush(ctx)
	}()
	for s.view.TryRLock() { // until the flush waits to commit
		s.view.RUnlock()
		time.Sleep(time.Millisecond)
	}
	add(maxPending, 1000) // the next polls, past maxPending
	add(maxPending+1, 1000)
	s.view.RUnlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	rx, _, err := s.Sum(ctx, []string{"eth0"}, t0.Unix(), t0.Add(24*time.Hour).Unix())
	if err != nil {
		t.Fatal(err)
	}
	if rx != want || s.Pending() != 0 {
		t.Errorf("recorded %d bytes with %d records pending, want %d with none", rx, s.Pending(), want)
	}
}

// TestSQLBucketsMatchGoBuckets answers the same queries twice, once from
// pending records (bucketed in Go against the calendar) and once after a
// flush (bucketed in SQL): the answers must be identical, across DST
// changes and in zones with half-hour offsets.
func TestSQLBucketsMatchGoBuckets(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	lh, _ := time.LoadLocation("Australia/Lord_Howe") // 30-minute DST shift
	r := rand.New(rand.NewPCG(7, 9))
	start := time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)
	var recs []Record
	for range 3000 {
		at := start.Add(time.Duration(r.Int64N(int64(80 * 24 * time.Hour))))
		recs = append(recs, Record{Interface: []string{"a", "b"}[r.IntN(2)], Time: at.Truncate(time.Second),
			RxBytes: r.Uint64N(1 << 30), TxBytes: r.Uint64N(1 << 20), RxPeak: r.Uint64N(1 << 20)})
	}
	queries := []Query{
		{Start: start, End: start.Add(80 * 24 * time.Hour), Group: 24 * time.Hour, Location: ny},
		{Start: start, End: start.Add(80 * 24 * time.Hour), Group: 7 * 24 * time.Hour, Location: ny},
		{Start: start, End: start.Add(80 * 24 * time.Hour), Group: 24 * time.Hour, Location: lh},
		{Start: start, End: start.Add(80 * 24 * time.Hour), Group: time.Hour},
		{Start: start.Add(time.Hour), End: start.Add(30 * 24 * time.Hour), Group: 45 * time.Minute},
	}
	s := openTemp(t)
	ctx := context.Background()
	s.Add(recs...)
	answer := func() []Result {
		var out []Result
		for _, q := range queries {
			q.Interfaces = []string{"a", "b"}
			res, err := s.Traffic(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, res)
		}
		return out
	}
	fromGo := answer()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	fromSQL := answer()
	for i := range queries {
		a, b := fmt.Sprint(fromGo[i]), fmt.Sprint(fromSQL[i])
		if a != b {
			t.Errorf("query %d: buckets differ\nGo:  %.300s\nSQL: %.300s", i, a, b)
		}
		if len(fromSQL[i].Series[0].Buckets) == 0 {
			t.Errorf("query %d: no buckets", i)
		}
	}
}

func TestCalendarQueryInUTC(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	day := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	s.Add(Record{Interface: "a", Time: day.Add(-time.Second), RxBytes: 1}, Record{Interface: "a", Time: day, RxBytes: 2})
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := s.Traffic(ctx, Query{Interfaces: []string{"a"}, Start: day.Add(-24 * time.Hour), End: day.Add(time.Hour), Group: 24 * time.Hour, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(res.Series[0].Buckets); got != fmt.Sprintf("[{%d 1 0 0 0 0 0 {0 0 0 0} false} {%d 2 0 0 0 0 0 {0 0 0 0} false}]", day.Unix()-86400, day.Unix()) {
		t.Errorf("UTC days: %s", got)
	}
}
