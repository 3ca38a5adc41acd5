package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func TestSlotRanges(t *testing.T) {
	raw := tiers[0]
	day := int64(86400)
	base := 100 * day // a UTC midnight: slot 0
	tests := []struct {
		name     string
		from, to int64
		want     [2][2]int64
	}{
		{"inside the ring", base + 10, base + 20, [2][2]int64{{10, 20}, {0, 0}}},
		{"ends at the ring's end", base - 5, base, [2][2]int64{{day - 5, day}, {0, 0}}},
		{"wraps", base - 5, base + 3, [2][2]int64{{day - 5, day}, {0, 3}}},
		{"a whole day", base + 7, base + 7 + day, [2][2]int64{{0, day}, {0, 0}}},
		{"more than a day", base, base + 3*day, [2][2]int64{{0, day}, {0, 0}}},
		{"empty", base + 9, base + 9, [2][2]int64{{9, 9}, {0, 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := raw.slotRanges(tc.from, tc.to); got != tc.want {
				t.Errorf("slotRanges(%d, %d) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

// rawRows returns the raw tier's rows of iface as t → rx.
func rawRows(t *testing.T, s *Storage, iface string) map[int64]int64 {
	t.Helper()
	rows, err := s.r.Query(`SELECT r.t, r.rx FROM traffic_raw r JOIN interfaces i ON i.id = r.iface WHERE i.name = ?`, iface)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var ts, rx int64
		if err := rows.Scan(&ts, &rx); err != nil {
			t.Fatal(err)
		}
		out[ts] = rx
	}
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
		{"a day later replaces", [][]Record{
			{{Interface: "eth0", Time: now, RxBytes: 5}},
			{{Interface: "eth0", Time: now.Add(24 * time.Hour), RxBytes: 7}},
		}, map[int64]int64{now.Add(24 * time.Hour).Unix(): 7}},
		{"a day older is left out", [][]Record{
			{{Interface: "eth0", Time: now, RxBytes: 5}},
			{{Interface: "eth0", Time: now.Add(-24 * time.Hour), RxBytes: 7}},
		}, map[int64]int64{now.Unix(): 5}},
		{"within one flush the newest wins", [][]Record{
			{{Interface: "eth0", Time: now, RxBytes: 5}, {Interface: "eth0", Time: now.Add(24 * time.Hour), RxBytes: 7}},
		}, map[int64]int64{now.Add(24 * time.Hour).Unix(): 7}},
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
// the ring's last slot while yesterday's rows still fill the other slots:
// totals must be today's, to the byte.
func TestRingQueryAcrossItsEnd(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	midnight := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC) // slot 0
	start := midnight.Add(-30 * time.Minute)
	synth(s, start.Add(-24*time.Hour), 3600, "eth0") // yesterday's, to be overwritten
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	want := synth(s, start, 2400, "eth0") // 40 minutes from 23:30, half flushed
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
	// Polls every 10 s keep the test quick: two days for eth0, so its
	// second day overwrites the first; one day for eth1 ending two days
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
	poll("eth0", now.Add(-48*time.Hour), perDay)
	poll("eth0", now.Add(-24*time.Hour), perDay)
	poll("eth1", now.Add(-72*time.Hour), perDay)
	if _, err := s.Prune(ctx, now); err != nil {
		t.Fatal(err)
	}
	if n := len(rawRows(t, s, "eth0")); n != perDay {
		t.Errorf("eth0: %d raw rows, want the last day's %d", n, perDay)
	}
	if n := len(rawRows(t, s, "eth1")); n != 0 {
		t.Errorf("eth1: %d raw rows left, want none", n)
	}
	// An hour later, with eth0 stopped: the next run only looks at the hour
	// that passed, which is still in the kept day plus the flush allowance.
	if n, err := s.Prune(ctx, now.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("second prune: %d rows, %v; want 0", n, err)
	}
	// Hourly runs from then on delete, hour by hour, the rows that have
	// passed the cutoff and the allowance: by 13 hours later, eth0's first
	// twelve hours.
	var deleted int64
	for h := 2; h <= 13; h++ {
		n, err := s.Prune(ctx, now.Add(time.Duration(h)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		deleted += n
	}
	if left := len(rawRows(t, s, "eth0")); deleted != int64(perDay/2) || left != perDay/2 {
		t.Errorf("hourly prunes deleted %d rows and left %d, want %d and %d", deleted, left, perDay/2, perDay/2)
	}
}

// TestMigrationToRingKeepsRawRows opens a version-1 database, whose raw
// tier grows at one end and shrinks at the other, and checks that the
// newest row of every second survives the move into the ring.
func TestMigrationToRingKeepsRawRows(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "netpulse.db")
	if err := create(ctx, path); err != nil {
		t.Fatal(err)
	}
	db, err := openDB(path, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{migrations[0], fmt.Sprintf("PRAGMA application_id = %d", applicationID), "PRAGMA user_version = 1",
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
	var slot int64
	s.r.QueryRow(`SELECT slot FROM traffic_raw WHERE t = 1780086401`).Scan(&slot)
	if slot != 1780086401%86400 {
		t.Errorf("slot %d, want %d", slot, 1780086401%86400)
	}
}
