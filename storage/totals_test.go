package storage

import (
	"context"
	"maps"
	"path/filepath"
	"testing"
	"time"
)

// recordedTotals sums what synth-like tests added, per interface, from the
// records themselves.
func recordedTotals(recs []Record) map[string]Totals {
	out := map[string]Totals{}
	for _, r := range recs {
		t := out[r.Interface]
		t.Add(r.Counts)
		out[r.Interface] = t
	}
	return out
}

func TestAllTimeTotals(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "netpulse.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	var all []Record
	add := func(start time.Time, n int) {
		before := len(s.pending)
		synth(s, start, n, "eth0", "wlan0")
		// Errors and drops, which live in tables of their own.
		s.Add(Record{Interface: "eth0", Time: start.Add(time.Second), RxBytes: 1, RxErrors: 3, TxErrors: 1, RxDrops: 7, TxDrops: 2})
		all = append(all, s.pending[before:]...)
	}
	check := func(step string) {
		t.Helper()
		got, err := s.AllTimeTotals(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if want := recordedTotals(all); !maps.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", step, got, want)
		}
	}
	check("empty database")
	start := time.Date(2026, 5, 1, 10, 59, 30, 0, time.UTC)
	add(start, 90)
	check("pending only, before the first read")
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	check("flushed, kept in memory")
	add(start.Add(2*time.Hour), 3700)
	check("flushed and pending")
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	add(start.Add(5*time.Hour), 10)
	check("second flush")
	// Records from before the history so far (a clock stepped back) count too.
	add(start.Add(-48*time.Hour), 5)
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	check("records older than the rest")
	cached, _ := s.AllTimeTotals(ctx)
	fresh, err := readAllTime(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(cached, fresh) {
		t.Errorf("sums kept in memory %v differ from the tier's %v", cached, fresh)
	}
	s.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	check("reopened, read from the database")
}

func TestAllTimeTotalsNeverDecrease(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	start := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 40 {
			synth(s, start.Add(time.Duration(i)*time.Minute), 30, "eth0")
			if err := s.Flush(ctx); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var last Totals
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		got, err := s.AllTimeTotals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cur := got["eth0"]
		if cur.RxBytes < last.RxBytes || cur.TxBytes < last.TxBytes || cur.RxPackets < last.RxPackets {
			t.Fatalf("totals went down: %+v after %+v", cur, last)
		}
		last = cur
	}
}
