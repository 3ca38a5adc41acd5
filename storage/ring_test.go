package storage

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ringSpan is how long the raw ring holds: a slot is reused this much later.
var ringSpan = func() time.Duration {
	raw := newRawRing()
	return time.Duration(raw.slots*raw.span) * time.Second
}()

func TestSlotRanges(t *testing.T) {
	raw := newRawRing()
	m, ring := raw.span, raw.slots
	base := 1000 * ring * m // slot 0
	tests := []struct {
		name     string
		from, to int64
		want     [2][2]int64
	}{
		{"inside the ring", base + 10*m, base + 20*m, [2][2]int64{{10, 20}, {0, 0}}},
		{"parts of minutes count whole", base + 10*m + 5, base + 20*m + 1, [2][2]int64{{10, 21}, {0, 0}}},
		{"ends at the ring's end", base - 5*m, base, [2][2]int64{{ring - 5, ring}, {0, 0}}},
		{"wraps", base - 5*m, base + 3*m, [2][2]int64{{ring - 5, ring}, {0, 3}}},
		{"a whole ring", base + 7*m, base + 7*m + ring*m, [2][2]int64{{0, ring}, {0, 0}}},
		{"more than a ring", base, base + 3*ring*m, [2][2]int64{{0, ring}, {0, 0}}},
		{"empty", base + 9*m, base + 9*m, [2][2]int64{{9, 9}, {0, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := raw.slotRanges(tc.from, tc.to); got != tc.want {
				t.Errorf("slotRanges(%d, %d) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

// TestRingScansUseKeyRanges checks that the ring's queries and retention
// read only the key ranges of their interfaces and window, not the table.
func TestRingScansUseKeyRanges(t *testing.T) {
	s := openTemp(t)
	raw := newRawRing()
	base := 1000 * raw.slots * raw.span
	for _, tc := range []struct {
		name     string
		from, to int64
	}{
		{"inside the ring", base + 600, base + 1200},
		{"wraps", base - 300, base + 300},
		{"the whole ring", base, base + 2*raw.slots*raw.span},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cond, args := raw.idWhere([]int64{1, 2, 3}, tc.from, tc.to)
			rows, err := s.r.Query("EXPLAIN QUERY PLAN SELECT iface, t, secs FROM traffic_raw WHERE t >= ? AND t < ?"+cond, append([]any{tc.from, tc.to}, args...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			for _, p := range plan {
				if strings.HasPrefix(p, "SCAN") {
					t.Errorf("plan scans the table: %q", plan)
				}
			}
		})
	}
}

// eachRawSecond calls fn for every second the raw tier holds, unpacking
// its rows.
func eachRawSecond(tb testing.TB, s *Storage, fn func(iface string, t int64, v RawSecond)) {
	tb.Helper()
	rows, err := s.r.Query(`SELECT i.name, r.t, r.secs FROM traffic_raw r JOIN interfaces i ON i.id = r.iface`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var ts int64
		var packed []byte
		var row RawRow
		if err := rows.Scan(&name, &ts, &packed); err != nil {
			tb.Fatal(err)
		}
		if err := row.Unpack(packed); err != nil {
			tb.Fatalf("row of %s at %d: %v", name, ts, err)
		}
		for i := range int64(60) {
			if row.Present&(1<<i) != 0 {
				fn(name, ts+i, row.Seconds[i])
			}
		}
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
}

// rawRows returns the raw tier's seconds of iface as t → rx.
func rawRows(t *testing.T, s *Storage, iface string) map[int64]int64 {
	t.Helper()
	out := map[int64]int64{}
	eachRawSecond(t, s, func(name string, ts int64, v RawSecond) {
		if name == iface {
			out[ts] = int64(v.Rx)
		}
	})
	return out
}

func TestRingSlotKeepsNewestSecond(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		flush [][]Record // each inner list is one flush
		want  map[int64]int64
	}{
		{"same second adds", [][]Record{
			{{Interface: "eth0", Time: now, RxBytes: 5}},
			{{Interface: "eth0", Time: now.Add(300 * time.Millisecond), RxBytes: 7}},
		}, map[int64]int64{now.Unix(): 12}},
		{"a minute's seconds from two flushes", [][]Record{
			{{Interface: "eth0", Time: now, RxBytes: 5}, {Interface: "eth0", Time: now.Add(time.Second), RxBytes: 6}},
			{{Interface: "eth0", Time: now.Add(59 * time.Second), RxBytes: 7}},
		}, map[int64]int64{now.Unix(): 5, now.Unix() + 1: 6, now.Unix() + 59: 7}},
		{"a day later is kept beside it", [][]Record{
			{{Interface: "eth0", Time: now, RxBytes: 5}},
			{{Interface: "eth0", Time: now.Add(24 * time.Hour), RxBytes: 7}},
		}, map[int64]int64{now.Unix(): 5, now.Add(24 * time.Hour).Unix(): 7}},
		{"a ring later replaces", [][]Record{
			{{Interface: "eth0", Time: now, RxBytes: 5}, {Interface: "eth0", Time: now.Add(time.Second), RxBytes: 6}},
			{{Interface: "eth0", Time: now.Add(ringSpan), RxBytes: 7}},
		}, map[int64]int64{now.Add(ringSpan).Unix(): 7}},
		{"a ring older is left out", [][]Record{
			{{Interface: "eth0", Time: now, RxBytes: 5}},
			{{Interface: "eth0", Time: now.Add(-ringSpan), RxBytes: 7}},
		}, map[int64]int64{now.Unix(): 5}},
		{"within one flush the newest wins", [][]Record{
			{{Interface: "eth0", Time: now.Add(ringSpan), RxBytes: 7}, {Interface: "eth0", Time: now, RxBytes: 5}},
		}, map[int64]int64{now.Add(ringSpan).Unix(): 7}},
		{"a record that skips the ring", [][]Record{
			{{Interface: "eth0", Time: now, RxBytes: 5}, {Interface: "eth0", Time: now.Add(time.Second), RxBytes: 6, SkipRaw: true}},
		}, map[int64]int64{now.Unix(): 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			for _, recs := range tc.flush {
				s.Add(recs...)
				if err := s.Flush(ctx); err != nil {
					t.Fatal(err)
				}
			}
			got := rawRows(t, s, "eth0")
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("raw rows %v, want %v", got, tc.want)
			}
		})
	}
}

// TestRingQueryAcrossItsEnd asks the raw tier for windows that wrap around
// the ring's last slot while older rows still fill the other slots:
// totals must be today's, to the byte.
func TestRingQueryAcrossItsEnd(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	ringSecs := int64(ringSpan / time.Second)
	edge := time.Unix(time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC).Unix()/ringSecs*ringSecs, 0) // slot 0
	start := edge.Add(-30 * time.Minute)
	synth(s, start.Add(-ringSpan), 3600, "eth0") // a ring ago, to be overwritten
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	want := synth(s, start, 2400, "eth0") // 40 minutes across the edge
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, g := range []time.Duration{time.Second, 10 * time.Second} {
		for _, w := range []struct{ from, to time.Duration }{{0, 40 * time.Minute}, {-time.Hour, 50 * time.Minute}, {25 * time.Minute, 35 * time.Minute}} {
			res, err := s.Traffic(ctx, Query{Interfaces: []string{"eth0"}, Start: start.Add(w.from), End: start.Add(w.to), Group: g})
			if err != nil {
				t.Fatal(err)
			}
			var rx uint64
			for _, b := range res.Series[0].Buckets {
				rx += b.Rx
			}
			if w.from == 0 || w.from < 0 {
				if rx != want["eth0"][0] {
					t.Errorf("group %v window %v: rx %d, want %d", g, w, rx, want["eth0"][0])
				}
			} else if rx == 0 || rx >= want["eth0"][0] {
				t.Errorf("group %v window %v: rx %d, want a part of %d", g, w, rx, want["eth0"][0])
			}
		}
	}
}

func TestRingPruneDeletesOnlyUnwrittenSlots(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	now := time.Date(2026, 6, 2, 12, 0, 0, 0, time.UTC)
	// Polls every 10 s keep the test quick: two days for eth0, so the ring
	// holds its last day and a minute; one day for eth1 ending two days
	// ago, past the cutoff and never overwritten.
	const step = 10 * time.Second
	poll := func(iface string, from time.Time, n int) {
		for i := range n {
			s.Add(Record{Interface: iface, Time: from.Add(time.Duration(i) * step), RxBytes: 1})
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	perDay := int(24 * time.Hour / step)
	poll("eth0", now.Add(-48*time.Hour), 2*perDay)
	poll("eth1", now.Add(-72*time.Hour), perDay)
	if _, err := s.Prune(ctx, now); err != nil {
		t.Fatal(err)
	}
	inRing := int(ringSpan / step)
	if n := len(rawRows(t, s, "eth0")); n != inRing {
		t.Errorf("eth0: %d seconds in the raw tier, want the ring's %d", n, inRing)
	}
	if n := len(rawRows(t, s, "eth1")); n != 0 {
		t.Errorf("eth1: %d seconds left, want none", n)
	}
	// An hour later, with eth0 stopped: the next run only looks at the hour
	// that passed, which holds the one minute the ring keeps beyond the
	// day and the flush allowance.
	if n, err := s.Prune(ctx, now.Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("second prune: %d rows, %v; want 1", n, err)
	}
	// Hourly runs from then on delete, hour by hour, the rows that have
	// passed the cutoff and the allowance: by 13 hours later, eth0's first
	// twelve hours, a row per minute.
	var deleted int64
	for h := 2; h <= 13; h++ {
		n, err := s.Prune(ctx, now.Add(time.Duration(h)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		deleted += n
	}
	if left := len(rawRows(t, s, "eth0")); deleted != 12*60 || left != perDay/2 {
		t.Errorf("hourly prunes deleted %d rows and left %d seconds, want %d and %d", deleted, left, 12*60, perDay/2)
	}
}

// TestMigrationToRingKeepsRawRows opens a version-1 database, whose raw
// tier grows at one end and shrinks at the other, and checks that the
// newest row of every second survives the moves into the ring and into
// packed rows.
func TestMigrationToRingKeepsRawRows(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "netpulse.db")
	db := oldDatabase(t, path, 1)
	for _, q := range []string{
		`INSERT INTO interfaces (id, name, first_seen) VALUES (1, 'eth0', 0)`,
		// Two rows 24 h apart share a slot; the newer must stay.
		`INSERT INTO traffic_raw VALUES (1780000000, 1, 10, 1, 0, 0, 10, 1), (1780086400, 1, 20, 2, 0, 0, 20, 2), (1780086401, 1, 30, 3, 0, 0, 30, 3)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := map[int64]int64{1780086400: 20, 1780086401: 30}
	if got := rawRows(t, s, "eth0"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("raw rows after migration %v, want %v", got, want)
	}
	var id, minute int64
	if err := s.r.QueryRow(`SELECT id, t FROM traffic_raw`).Scan(&id, &minute); err != nil {
		t.Fatal(err)
	}
	raw := newRawRing()
	if want := raw.rowID(1, raw.slot(1780086360)); minute != 1780086360 || id != want {
		t.Errorf("row at %d with id %d, want 1780086360 with id %d", minute, id, want)
	}
}

// TestMigrationToPackedRowsKeepsEverySecond opens a version-2 database,
// whose ring holds a row per second, and checks that every field of every
// second survives the move into packed rows; of two minutes that now share
// a slot, the newer stays.
func TestMigrationToPackedRowsKeepsEverySecond(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "netpulse.db")
	db := oldDatabase(t, path, 2)
	if _, err := db.Exec(`INSERT INTO interfaces (id, name, first_seen) VALUES (1, 'eth0', 0), (2, 'wlan0', 0)`); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC).Unix()
	type second struct {
		iface int64
		t     int64
		v     RawSecond
	}
	var seconds []second
	for i := range int64(150) { // two and a half minutes of eth0
		seconds = append(seconds, second{1, base + i, RawSecond{Rx: 1000 + uint64(i), Tx: 7 * uint64(i), RxPkts: uint64(i), TxPkts: 3, RxPeak: 1000 + 2*uint64(i), TxPeak: 0}})
	}
	// wlan0: a second a ring before one a day ago; only the later stays.
	ringSecs := int64(ringSpan / time.Second)
	seconds = append(seconds, second{2, base - 86400 - ringSecs, RawSecond{Rx: 1, Tx: 1}}, second{2, base - 86400, RawSecond{Rx: 2, Tx: 2, RxPeak: 2, TxPeak: 2}})
	for _, x := range seconds {
		_, err := db.Exec(`INSERT INTO traffic_raw VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, mod(x.t, 86400), x.iface, x.t,
			x.v.Rx, x.v.Tx, x.v.RxPkts, x.v.TxPkts, x.v.RxPeak, x.v.TxPeak)
		if err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	type key struct {
		iface string
		t     int64
	}
	got := map[key]RawSecond{}
	eachRawSecond(t, s, func(iface string, ts int64, v RawSecond) { got[key{iface, ts}] = v })
	want := map[key]RawSecond{}
	for _, x := range seconds[:150] {
		want[key{"eth0", x.t}] = x.v
	}
	want[key{"wlan0", base - 86400}] = seconds[151].v
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("seconds after migration:\n%v\nwant\n%v", got, want)
	}
}

// oldDatabase creates a database at path with the schema of an earlier
// version, made by that version's migrations, and returns it open.
func oldDatabase(t *testing.T, path string, version int) *sql.DB {
	t.Helper()
	if err := create(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	db, err := openDB(path, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range migrations[:version] {
		if _, err := db.Exec(m.sql); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, version)); err != nil {
		t.Fatal(err)
	}
	return db
}

// A record kept out of the ring still counts in every other tier.
func TestSkipRawCountsInOtherTiers(t *testing.T) {
	s := openTemp(t)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s.Add(Record{Interface: "web/eth0", Time: now, RxBytes: 5, TxBytes: 1, SkipRaw: true},
		Record{Interface: "web/eth0", Time: now.Add(time.Second), RxBytes: 6, TxBytes: 2, SkipRaw: true})
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := rawRows(t, s, "web/eth0"); len(got) != 0 {
		t.Errorf("raw rows %v, want none", got)
	}
	for _, table := range []string{"traffic_1m", "traffic_15m", "traffic_1h"} {
		var rx, tx int64
		if err := s.r.QueryRow("SELECT sum(rx), sum(tx) FROM "+table).Scan(&rx, &tx); err != nil {
			t.Fatal(err)
		}
		if rx != 11 || tx != 3 {
			t.Errorf("%s: rx %d tx %d, want 11 and 3", table, rx, tx)
		}
	}
}
