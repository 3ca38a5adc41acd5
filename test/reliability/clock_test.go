//go:build linux

package reliability

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/netpulse/netpulse/internal/testnet"
	"github.com/netpulse/netpulse/test/harness"
)

// TestWallClockSteps steps the machine's wall clock back an hour and, later,
// forward an hour while netpulse runs and traffic flows, as NTP does on a
// machine that booted with a wrong clock. Polling must go on at its
// interval through both steps, rates must not spike, and the totals must
// still equal the kernel counters.
//
// The clock of the whole machine is stepped: netpulse is a separate
// process that reads CLOCK_REALTIME through the vDSO, so nothing narrower
// (LD_PRELOAD, time namespaces, which do not cover CLOCK_REALTIME) can
// move its wall clock honestly. Each step lasts seconds, and the true time
// is put back from the monotonic clock, in a cleanup that runs even when
// the test fails. This test never runs in parallel with others.
func TestWallClockSteps(t *testing.T) {
	harness.NeedSystem(t)
	p := harness.QuietPair(t, "nprclock")
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir()})
	rx0, tx0 := harness.Baseline(t, s, p)

	for _, step := range []time.Duration{-time.Hour, time.Hour} {
		undo := stepClock(t, step)
		polls, spikes := watchPolls(t, s, p, 8*time.Second)
		undo()
		t.Logf("clock stepped %v: %d polls in 8s, %d implausible rates", step, polls, len(spikes))
		if polls < 6 {
			t.Fatalf("after the clock stepped %v, netpulse polled %d times in 8s (interval 1s): polling stalled", step, polls)
		}
		if len(spikes) > 0 {
			t.Errorf("after the clock stepped %v: rates that do not fit the bytes of their poll: %v", step, spikes)
		}
		s.WaitPolls(2)
	}
	rx1, tx1 := harness.Settle(t, s, p)
	// Samples taken an hour early or late sit an hour away from now.
	q := "window=5h&group=1m&end=" + url.QueryEscape(time.Now().Add(2*time.Hour).UTC().Format(time.RFC3339)) + "&interface=" + p.Host
	rx, tx := s.TotalsQuery(q)
	harness.ExpectTotals(t, "after the clock steps", rx, tx, rx0, tx0, rx1, tx1)
	if code := s.Stop(); code != 0 {
		t.Fatalf("clean stop exited %d", code)
	}
	harness.ExpectStoredTotals(t, s.DB(), p.Host, rx1-rx0, tx1-tx0)
}

// stepClock moves CLOCK_REALTIME by d and returns the function that puts
// the true time back, computed from the monotonic clock; it also runs at
// cleanup.
func stepClock(t *testing.T, d time.Duration) (undo func()) {
	t.Helper()
	ref := time.Now() // wall and monotonic reading
	set := func(off time.Duration) error {
		now := ref.Add(time.Since(ref)).Add(off) // true time from the monotonic clock
		ts := unix.NsecToTimespec(now.UnixNano())
		return unix.ClockSettime(unix.CLOCK_REALTIME, &ts)
	}
	if err := set(d); err != nil {
		t.Fatalf("step the clock: %v", err)
	}
	var once sync.Once
	undo = func() {
		once.Do(func() {
			if err := set(0); err != nil {
				t.Errorf("CLOCK NOT RESTORED, set it by hand: %v", err)
			}
		})
	}
	t.Cleanup(undo)
	return undo
}

// watchPolls sends traffic across p for d and counts the polls the live
// stream reports meanwhile; it returns the samples whose rate does not fit
// their bytes over roughly one interval.
func watchPolls(t *testing.T, s *harness.Server, p testnet.Pair, d time.Duration) (polls int, spikes []harness.LiveSample) {
	t.Helper()
	stop := harness.Stream(t, p, 2*mb)
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	s.Live(ctx, func(ev harness.LiveSample, fresh bool) bool {
		if !fresh {
			return true
		}
		polls++
		for _, r := range ev.Interfaces {
			if r.Interface != p.Host || r.RxBytes < 64<<10 {
				continue
			}
			// rate = bytes / elapsed; with a 1s interval elapsed is about
			// a second, never an hour or negative.
			if r.RxBps > 3*r.RxBytes || 3*r.RxBps < r.RxBytes {
				spikes = append(spikes, ev)
			}
		}
		return true
	})
	return polls, spikes
}
