package storage

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestBaselineIsOnlyACheckpoint stores a baseline with nothing else pending:
// it must become the interface's checkpoint at once and add no bucket to
// any tier, no point to a query and no name to the known interfaces.
func TestBaselineIsOnlyACheckpoint(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	base := Counters{Index: 7, RxBytes: 5000, TxBytes: 6000, RxPackets: 5, TxPackets: 6}
	s.Add(Record{Interface: "veth0", Time: now, Counters: base, BootID: "b1", Baseline: true})
	q := Query{Interfaces: []string{"veth0"}, Start: now.Add(-time.Minute), End: now.Add(time.Minute), Group: time.Second}
	if got := s.mustTraffic(t, q); len(got.Series[0].Buckets) != 0 {
		t.Errorf("pending baseline shows as points: %+v", got.Series[0].Buckets)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	cps, err := s.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cps) != 1 || cps[0].Interface != "veth0" || cps[0].Counters != base || cps[0].BootID != "b1" || !cps[0].Time.Equal(now) {
		t.Fatalf("checkpoints after a baseline: %+v", cps)
	}
	for table, sums := range levelSums(t, s) {
		if len(sums) != 0 {
			t.Errorf("%s holds rows after a baseline alone: %+v", table, sums)
		}
	}
	if known, err := s.KnownInterfaces(ctx); err != nil || len(known) != 0 {
		t.Errorf("known interfaces after a baseline alone: %v %v", known, err)
	}
	if got := s.mustTraffic(t, q); len(got.Series[0].Buckets) != 0 {
		t.Errorf("flushed baseline shows as points: %+v", got.Series[0].Buckets)
	}
}

// TestLaterCheckpointWins orders a baseline among traffic records of the
// same interface: the checkpoint is whichever came last, so an interface
// ticked again after records of its earlier monitoring starts from the new
// baseline, and a poll after the baseline moves the checkpoint on.
func TestLaterCheckpointWins(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	rec := func(sec int, rx uint64, baseline bool) Record {
		r := Record{Interface: "eth0", Time: now.Add(time.Duration(sec) * time.Second), Counters: Counters{RxBytes: rx}, Baseline: baseline}
		if !baseline {
			r.RxBytes = 10
		}
		return r
	}
	for _, tc := range []struct {
		name   string
		recs   []Record
		wantRx uint64
		bytes  uint64
	}{
		{"baseline after records", []Record{rec(0, 100, false), rec(1, 110, false), rec(5, 9000, true)}, 9000, 20},
		{"records after a baseline", []Record{rec(0, 9000, true), rec(1, 9010, false)}, 9010, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			s.Add(tc.recs...)
			if err := s.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			cps, err := s.Checkpoints(context.Background())
			if err != nil || len(cps) != 1 || cps[0].Counters.RxBytes != tc.wantRx {
				t.Fatalf("checkpoints %+v %v, want rx counter %d", cps, err, tc.wantRx)
			}
			for table, sums := range levelSums(t, s) {
				if got := sums["eth0"].Rx; got != tc.bytes {
					t.Errorf("%s: %d bytes, want %d", table, got, tc.bytes)
				}
			}
		})
	}
}

// TestFoldKeepsTrafficAfterABaseline folds a minute that begins with a
// baseline: the traffic after it must survive the fold.
func TestFoldKeepsTrafficAfterABaseline(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := []Record{{Interface: "a", Time: start, Baseline: true}}
	for i := 1; i < 30; i++ {
		recs = append(recs, Record{Interface: "a", Time: start.Add(time.Duration(i) * time.Second), RxBytes: 100})
	}
	folded := foldOldest(recs, len(recs))
	if len(folded) != 1 || folded[0].Baseline || folded[0].RxBytes != 2900 {
		t.Errorf("folded: %+v", folded)
	}
}

// TestConcurrentFlushesWriteOnce flushes from several goroutines while
// records arrive, as the flush job and a baseline's prompt write may: every
// record must be written exactly once.
func TestConcurrentFlushesWriteOnce(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	start := time.Now().Add(-time.Hour).Truncate(time.Hour)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				s.Add(Record{Interface: "eth0", Time: start.Add(time.Duration(g*50+i) * time.Second), RxBytes: 1})
				if err := s.Flush(ctx); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for table, sums := range levelSums(t, s) {
		if got := sums["eth0"].Rx; got != 200 {
			t.Errorf("%s: %d bytes, want 200", table, got)
		}
	}
}
