package reliability

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/netpulse/netpulse/internal/testnet"
	"github.com/netpulse/netpulse/test/harness"
)

// These tests run netpulse as users do, with its default five-minute
// write interval, and kill it where no write protects what it counted:
// before its first write, right after an interface was ticked, right after
// one was re-created, and anywhere between writes. Every count must start
// from a stored baseline, so the counters read on restart cover what the
// killed run had only in memory.

// TestCrashBeforeFirstWrite is a new user's first minutes: tick an
// interface, move 10 MB each way, and the process dies before its first
// write. Restarted in the same boot, it must show every byte.
func TestCrashBeforeFirstWrite(t *testing.T) {
	harness.NeedSystem(t)
	t.Parallel()
	p := harness.QuietPair(t, "nprfirst")
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir(), Defaults: true})
	rx0, tx0 := harness.Baseline(t, s, p)
	harness.Send(t, p, 10*mb, 10*mb)
	rx1, tx1 := harness.Settle(t, s, p)
	rx, tx := s.Totals(p.Host)
	harness.ExpectTotals(t, "before the kill (live answer)", rx, tx, rx0, tx0, rx1, tx1)
	if h, _ := s.Health(); h.PendingSamples == 0 {
		t.Fatalf("nothing pending before the kill: the test must kill before the first write (health %+v)", h)
	}
	s.Kill()
	s = s.Restart()
	s.WaitPolls(1)
	rx, tx = s.Totals(p.Host)
	harness.ExpectTotals(t, "after kill -9 before the first write", rx, tx, rx0, tx0, rx1, tx1)
}

// TestCrashAtRandomMoments kills netpulse NETPULSE_KILLS times (5 by
// default, make soak: 50) at a random moment of one of three situations in
// turn, with traffic flowing before, during and after each down time:
// between writes; right after the interface was ticked again (its old
// checkpoint dropped, a new baseline taken); right after it was deleted and
// created again (a new incarnation counted from zero). Recorded totals
// must equal the kernel's counters to the byte after each restart and at
// the end, live and from disk.
func TestCrashAtRandomMoments(t *testing.T) {
	harness.NeedSystem(t)
	t.Parallel()
	kills := envInt(t, "NETPULSE_KILLS", 5)
	p := harness.QuietPair(t, "nprrand")
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir(), Defaults: true})
	rx0, tx0 := harness.Baseline(t, s, p)
	// What earlier incarnations and monitored spans counted, and where the
	// current span began.
	var done [2]uint64
	base := [2]uint64{rx0, tx0}
	endSpan := func() {
		rx, tx := harness.Settle(t, s, p)
		done[0] += rx - base[0]
		done[1] += tx - base[1]
	}
	check := func(what string) {
		t.Helper()
		rx, tx := harness.Settle(t, s, p)
		got0, got1 := s.Totals(p.Host)
		harness.ExpectTotals(t, what, got0, got1, 0, 0, done[0]+rx-base[0], done[1]+tx-base[1])
	}

	stream := harness.Stream(t, p, 2*mb)
	for i := range kills {
		var what string
		var delay time.Duration
		switch i % 3 {
		case 0:
			delay = time.Duration(rand.IntN(3000)) * time.Millisecond
			what = "between writes"
		case 1:
			stream()
			endSpan()
			if code, body := s.PostJSON("/api/config/monitored_interfaces", map[string][]string{"interfaces": {}}); code != 200 {
				t.Fatalf("untick %s: %d %s", p.Host, code, body)
			}
			base[0], base[1] = harness.Counters(t, p)
			s.Monitor(p.Host)
			if rx, tx := harness.Counters(t, p); rx != base[0] || tx != base[1] {
				t.Fatalf("%s moved while it was ticked again", p.Host)
			}
			stream = harness.Stream(t, p, 2*mb)
			delay = time.Duration(rand.IntN(1000)) * time.Millisecond
			what = "right after the interface was ticked again"
		case 2:
			stream()
			endSpan()
			recreate(t, p)
			base = [2]uint64{} // the new incarnation counts from zero
			// A crash before netpulse's next poll would lose the old
			// incarnation's unwritten traffic: its kernel counters are gone
			// (RELIABILITY.md). The poll that sees the change writes it.
			s.WaitPolls(1)
			stream = harness.Stream(t, p, 2*mb)
			delay = time.Duration(rand.IntN(1000)) * time.Millisecond
			what = "right after the interface was re-created"
		}
		time.Sleep(delay)
		s.Kill()
		down := time.Duration(rand.IntN(1500)) * time.Millisecond
		time.Sleep(down) // traffic passes while it is down
		s = s.Restart()
		s.WaitPolls(1)
		t.Logf("kill %d: %s, %s after, down %s", i+1, what, delay, down)
		// Settling needs a quiet link; the stream starts again after.
		stream()
		check(fmt.Sprintf("kill %d, %s", i+1, what))
		stream = harness.Stream(t, p, 2*mb)
	}
	stream()
	check("after the kills (live answer)")
	rx1, tx1 := harness.Settle(t, s, p)
	wantRx, wantTx := done[0]+rx1-base[0], done[1]+tx1-base[1]
	if code := s.Stop(); code != 0 {
		t.Fatalf("clean stop exited %d", code)
	}
	harness.ExpectStoredTotals(t, s.DB(), p.Host, wantRx, wantTx)
	s = s.Restart()
	rx, tx := s.Totals(p.Host)
	harness.ExpectTotals(t, "after a restart (from disk)", rx, tx, 0, 0, wantRx, wantTx)
}

// recreate deletes p's host end and creates the pair again, quiet.
func recreate(t *testing.T, p testnet.Pair) {
	t.Helper()
	if err := p.Recreate(); err != nil {
		t.Fatal(err)
	}
	harness.PinNeighbours(t, p, p.Host)
	harness.WaitQuiet(t, p)
}
