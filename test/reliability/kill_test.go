package reliability

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/netpulse/netpulse/test/harness"
)

// TestSigkillDuringFlush kills netpulse again and again at the entry of a
// random pwrite64 (the system call SQLite writes pages with) while traffic
// flows, so every kill lands inside a flush or a checkpoint, and restarts
// it each time. At the end the recorded totals must equal the kernel
// counters and every tier of the database must hold them: the counter
// checkpoint written with each flush covers what the killed runs had in
// memory and the time they were down. NETPULSE_KILLS sets the number of
// kills (3 by default; the make targets set 5, make soak 50).
func TestSigkillDuringFlush(t *testing.T) {
	harness.NeedSystem(t)
	if !harness.TraceSupported {
		t.Skip("skipped: killing at a write needs ptrace on linux/amd64 or linux/arm64")
	}
	t.Parallel()
	kills := envInt(t, "NETPULSE_KILLS", 3)
	p := harness.QuietPair(t, "nprkill")
	opts := harness.Options{DataDir: t.TempDir(), Traced: true}
	s := harness.Start(t, bin, opts)
	rx0, tx0 := harness.Baseline(t, s, p)

	stream := harness.Stream(t, p, 4*mb)
	torn := 0
	for i := 1; i <= kills; i++ {
		// A flush of one interface writes about a dozen pages; up to 40
		// writes reaches into the third flush or a checkpoint.
		n := 1 + rand.IntN(40)
		s.KillAtWrite(n)
		select {
		case <-s.Done():
		case <-time.After(30 * time.Second):
			stream()
			t.Fatalf("kill %d: netpulse made fewer than %d writes in 30s", i, n)
		}
		if st := s.Status(); !s.KilledByTracer() || !st.Signaled() || st.Signal() != syscall.SIGKILL {
			stream()
			t.Fatalf("kill %d: netpulse ended with %s, not by the SIGKILL at write %d", i, s.ExitString(), n)
		}
		frames, open, err := harness.WALTail(s.DB() + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		if open > 0 {
			torn++
		}
		if res := harness.IntegrityOfCopy(t, s.DB()); res != "ok" {
			stream()
			t.Fatalf("kill %d: integrity_check of the database as the kill left it: %s", i, res)
		}
		t.Logf("kill %d at pwrite64 #%d: WAL has %d frames, %d of them in the transaction the kill cut short", i, n, frames, open)
		time.Sleep(time.Duration(rand.IntN(1500)) * time.Millisecond) // traffic passes while it is down
		s = s.Restart()
		s.WaitPolls(1)
	}
	stream()
	rx1, tx1 := harness.Settle(t, s, p)
	rx, tx := s.Totals(p.Host)
	harness.ExpectTotals(t, "after the kills (live answer)", rx, tx, rx0, tx0, rx1, tx1)
	if code := s.Stop(); code != 0 {
		t.Fatalf("clean stop exited %d", code)
	}
	harness.ExpectStoredTotals(t, s.DB(), p.Host, rx1-rx0, tx1-tx0)
	s = s.Restart()
	rx, tx = s.Totals(p.Host)
	harness.ExpectTotals(t, "after a restart (from disk)", rx, tx, rx0, tx0, rx1, tx1)
	t.Logf("%d kills inside database writes; %d left an uncommitted transaction in the WAL", kills, torn)
}
