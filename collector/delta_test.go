package collector

import (
	"math"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func c(name string, idx int, rx, tx uint64) Counters {
	return Counters{Name: name, Index: idx, RxBytes: rx, TxBytes: tx}
}

type step struct {
	at      time.Duration // since t0
	reading []Counters
	// want: rx, tx per interface in this step's deltas; absent (or a nil
	// map) = no delta
	want map[string][2]uint64
	// restarted lists the interfaces whose delta must be flagged
	restarted []string
}

func TestTracker(t *testing.T) {
	names := []string{"eth0"}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"first reading after start is a baseline", []step{
			{0, []Counters{c("eth0", 2, 5000, 7000)}, map[string][2]uint64{}, nil},
			{time.Second, []Counters{c("eth0", 2, 5100, 7050)}, map[string][2]uint64{"eth0": {100, 50}}, nil},
		}},
		{"reset to zero", []step{
			{0, []Counters{c("eth0", 2, 5000, 7000)}, nil, nil},
			{time.Second, []Counters{c("eth0", 2, 0, 0)}, map[string][2]uint64{"eth0": {0, 0}}, []string{"eth0"}},
			{2 * time.Second, []Counters{c("eth0", 2, 10, 20)}, map[string][2]uint64{"eth0": {10, 20}}, nil},
		}},
		{"reset to a small value counts the new reading", []step{
			{0, []Counters{c("eth0", 2, 1<<40, 1<<40)}, nil, nil},
			{time.Second, []Counters{c("eth0", 2, 300, 400)}, map[string][2]uint64{"eth0": {300, 400}}, []string{"eth0"}},
		}},
		{"32-bit wrap is counted across the wrap", []step{
			{0, []Counters{c("eth0", 2, math.MaxUint32-99, math.MaxUint32)}, nil, nil},
			{time.Second, []Counters{c("eth0", 2, 50, 9)}, map[string][2]uint64{"eth0": {150, 10}}, nil},
		}},
		{"a drop in a 32-bit counter too large to be a wrap is a reset, not a 4 GiB spike", []step{
			{0, []Counters{c("eth0", 2, 100000, 100000)}, nil, nil},
			{time.Second, []Counters{c("eth0", 2, 10, 10)}, map[string][2]uint64{"eth0": {10, 10}}, []string{"eth0"}},
		}},
		{"a reset polled every 4 s is a reset, not a 4 GiB spike", []step{
			{0, []Counters{c("eth0", 2, 100000, 100000)}, nil, nil},
			{4 * time.Second, []Counters{c("eth0", 2, 10, 10)}, map[string][2]uint64{"eth0": {10, 10}}, []string{"eth0"}},
		}},
		{"a reset read 10 s later (a recorded-only container) is a reset", []step{
			{0, []Counters{c("eth0", 2, 1<<30, 1<<30)}, nil, nil},
			{10 * time.Second, []Counters{c("eth0", 2, 10, 10)}, map[string][2]uint64{"eth0": {10, 10}}, []string{"eth0"}},
		}},
		{"a 32-bit wrap polled every 10 s is counted across the wrap", []step{
			{0, []Counters{c("eth0", 2, math.MaxUint32-(1<<30), math.MaxUint32)}, nil, nil},
			{10 * time.Second, []Counters{c("eth0", 2, 1<<20, 9)}, map[string][2]uint64{"eth0": {1<<30 + 1<<20 + 1, 10}}, nil},
		}},
		{"64-bit counter going down is a reset", []step{
			{0, []Counters{c("eth0", 2, 1<<33, 1<<33)}, nil, nil},
			{time.Second, []Counters{c("eth0", 2, 5, 6)}, map[string][2]uint64{"eth0": {5, 6}}, []string{"eth0"}},
		}},
		{"interface vanishes and returns as a new incarnation", []step{
			{0, []Counters{c("eth0", 2, 1000, 1000)}, nil, nil},
			{time.Second, []Counters{c("eth0", 2, 1500, 1200)}, map[string][2]uint64{"eth0": {500, 200}}, nil},
			{2 * time.Second, nil, map[string][2]uint64{}, nil},
			// Re-created and already busier than the old one: the new
			// index says so, and everything it counted is its own.
			{3 * time.Second, []Counters{c("eth0", 3, 9000, 8000)}, map[string][2]uint64{"eth0": {9000, 8000}}, []string{"eth0"}},
			{4 * time.Second, []Counters{c("eth0", 3, 9100, 8100)}, map[string][2]uint64{"eth0": {100, 100}}, nil},
		}},
		{"re-created between polls: new index, counters higher than before", []step{
			{0, []Counters{c("eth0", 2, 1000, 1000)}, nil, nil},
			{time.Second, []Counters{c("eth0", 7, 5000, 6000)}, map[string][2]uint64{"eth0": {5000, 6000}}, []string{"eth0"}},
		}},
		{"missing from one reading without an index: counters decide", []step{
			{0, []Counters{c("eth0", 0, 1000, 1000)}, nil, nil},
			{time.Second, nil, map[string][2]uint64{}, nil},
			{2 * time.Second, []Counters{c("eth0", 0, 1300, 1100)}, map[string][2]uint64{"eth0": {300, 100}}, nil},
			{3 * time.Second, nil, map[string][2]uint64{}, nil},
			{4 * time.Second, []Counters{c("eth0", 0, 40, 50)}, map[string][2]uint64{"eth0": {40, 50}}, []string{"eth0"}},
		}},
		{"renamed away and back: same index, same device", []step{
			{0, []Counters{c("eth0", 5, 1000, 1000)}, nil, nil},
			{time.Second, nil, map[string][2]uint64{}, nil},
			{2 * time.Second, []Counters{c("eth0", 5, 1800, 1200)}, map[string][2]uint64{"eth0": {800, 200}}, nil},
		}},
		{"monitored but absent at start, then created", []step{
			{0, nil, map[string][2]uint64{}, nil},
			{time.Second, []Counters{c("eth0", 9, 70, 80)}, map[string][2]uint64{"eth0": {70, 80}}, []string{"eth0"}},
		}},
		{"wall clock stepping backwards keeps exact bytes", []step{
			{0, []Counters{c("eth0", 2, 1000, 1000)}, nil, nil},
			{-time.Hour, []Counters{c("eth0", 2, 1600, 1100)}, map[string][2]uint64{"eth0": {600, 100}}, nil},
			{-time.Hour + time.Second, []Counters{c("eth0", 2, 1700, 1150)}, map[string][2]uint64{"eth0": {100, 50}}, nil},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewTracker()
			for i, s := range tc.steps {
				deltas := tr.Update(t0.Add(s.at), s.reading, names)
				if len(deltas) != len(s.want) {
					t.Fatalf("step %d: want %d deltas, got %+v", i, len(s.want), deltas)
				}
				for _, d := range deltas {
					w, ok := s.want[d.Name]
					if !ok {
						t.Errorf("step %d: a delta for %s, which wants none", i, d.Name)
					}
					if d.RxBytes != w[0] || d.TxBytes != w[1] {
						t.Errorf("step %d %s: want rx %d tx %d, got rx %d tx %d", i, d.Name, w[0], w[1], d.RxBytes, d.TxBytes)
					}
					if d.Elapsed <= 0 {
						t.Errorf("step %d %s: elapsed %v must be positive", i, d.Name, d.Elapsed)
					}
					wantRestart := false
					for _, n := range s.restarted {
						wantRestart = wantRestart || n == d.Name
					}
					if d.Restarted != wantRestart {
						t.Errorf("step %d %s: restarted = %v, want %v", i, d.Name, d.Restarted, wantRestart)
					}
				}
			}
		})
	}
}

// TestTrackerChanges checks what a poll reports as starting or ending a
// count: each of these must be stored at once, or a crash before the next
// write loses traffic (a restart would take a later baseline, or the
// kernel's counters went with the interface).
func TestTrackerChanges(t *testing.T) {
	type want struct {
		baselines []Counters
		gone      []string
	}
	for _, tc := range []struct {
		name    string
		resume  []Checkpoint
		names   []string
		reading [][]Counters
		want    []want
	}{
		{"first reading is a baseline, once", nil, []string{"eth0"},
			[][]Counters{{c("eth0", 2, 5000, 7000)}, {c("eth0", 2, 5100, 7050)}},
			[]want{{baselines: []Counters{c("eth0", 2, 5000, 7000)}}, {}}},
		{"monitored but absent starts from zero", nil, []string{"eth0"},
			[][]Counters{nil, nil, {c("eth0", 3, 70, 80)}},
			[]want{{baselines: []Counters{{Name: "eth0"}}}, {}, {}}},
		{"resumed from a checkpoint: no new baseline", []Checkpoint{{Counters: c("eth0", 2, 100, 100), Time: t0}}, []string{"eth0"},
			[][]Counters{{c("eth0", 2, 150, 180)}},
			[]want{{}}},
		{"vanishing is reported once, coming back is not", nil, []string{"eth0"},
			[][]Counters{{c("eth0", 2, 10, 10)}, nil, nil, {c("eth0", 4, 5, 5)}},
			[]want{{baselines: []Counters{c("eth0", 2, 10, 10)}}, {gone: []string{"eth0"}}, {}, {}}},
		{"resumed but absent at start is gone at once", []Checkpoint{{Counters: c("eth0", 2, 100, 100), Time: t0}}, []string{"eth0"},
			[][]Counters{nil},
			[]want{{gone: []string{"eth0"}}}},
		{"each new interface of a poll", nil, []string{"eth0", "wlan0", "tun0"},
			[][]Counters{{c("eth0", 2, 1, 2), c("wlan0", 3, 3, 4)}},
			[]want{{baselines: []Counters{c("eth0", 2, 1, 2), c("wlan0", 3, 3, 4), {Name: "tun0"}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewTracker()
			tr.Resume(tc.resume, true)
			for i, reading := range tc.reading {
				tr.Update(t0.Add(time.Duration(i)*time.Second), reading, tc.names)
				got, w := tr.Changes(), tc.want[i]
				if !slices.Equal(got.Baselines, w.baselines) {
					t.Errorf("poll %d: baselines %+v, want %+v", i, got.Baselines, w.baselines)
				}
				if !slices.Equal(got.Gone, w.gone) {
					t.Errorf("poll %d: gone %v, want %v", i, got.Gone, w.gone)
				}
			}
		})
	}
}

func TestTrackerResume(t *testing.T) {
	cp := []Checkpoint{{Counters: c("eth0", 4, 10000, 20000), Time: t0}}
	for _, tc := range []struct {
		name     string
		sameBoot bool
		cur      Counters
		wantRx   uint64
		wantTx   uint64
	}{
		{"same boot counts the traffic while stopped", true, c("eth0", 4, 15000, 26000), 5000, 6000},
		{"same boot, interface re-created while stopped", true, c("eth0", 5, 300, 400), 300, 400},
		{"same boot, counters went down", true, c("eth0", 4, 100, 200), 100, 200},
		{"after a reboot the counters count since boot", false, c("eth0", 4, 700, 800), 700, 800},
		{"after a reboot, above the old checkpoint", false, c("eth0", 4, 50000, 60000), 50000, 60000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := NewTracker()
			tr.Resume(cp, tc.sameBoot)
			d := tr.Update(t0.Add(time.Hour), []Counters{tc.cur}, []string{"eth0"})
			if len(d) != 1 || d[0].RxBytes != tc.wantRx || d[0].TxBytes != tc.wantTx {
				t.Fatalf("want rx %d tx %d, got %+v", tc.wantRx, tc.wantTx, d)
			}
			if d[0].Elapsed != time.Hour {
				t.Errorf("want the rate over the hour stopped, elapsed %v", d[0].Elapsed)
			}
		})
	}
}

func TestTrackerForgetsUnmonitored(t *testing.T) {
	tr := NewTracker()
	for i := range 200 {
		name := "veth" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		tr.Update(t0, []Counters{c(name, i+10, 1, 1)}, []string{"eth0", name})
	}
	tr.Update(t0, nil, []string{"eth0"})
	if len(tr.states) != 1 {
		t.Errorf("want only the monitored interface tracked, got %d states", len(tr.states))
	}
}

func TestCounterDelta(t *testing.T) {
	for _, tc := range []struct {
		name             string
		prev, cur, limit uint64
		want             uint64
		reset            bool
	}{
		{"growth", 10, 25, 1 << 30, 15, false},
		{"unchanged", 10, 10, 1 << 30, 0, false},
		{"wrap at 2^32 within limit", math.MaxUint32 - 4, 5, 100, 10, false},
		{"wrap beyond limit is a reset", math.MaxUint32 - 400, 5, 100, 5, true},
		{"above 32 bits never wraps", 1 << 40, 5, 1 << 40, 5, true},
		{"max uint64 to zero", math.MaxUint64, 0, 1 << 30, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, reset := counterDelta(tc.prev, tc.cur, tc.limit)
			if got != tc.want || reset != tc.reset {
				t.Errorf("counterDelta(%d, %d, %d) = %d, %v; want %d, %v", tc.prev, tc.cur, tc.limit, got, reset, tc.want, tc.reset)
			}
		})
	}
}
