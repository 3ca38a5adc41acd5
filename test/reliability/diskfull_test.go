package reliability

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/test/harness"
)

// TestDiskFull runs netpulse on a small tmpfs and fills it. While the disk
// is full the live view keeps streaming, /api/traffic stays exact (unwritten
// samples wait in memory), /api/health answers 503 naming the full disk,
// and nothing crashes. When space returns the samples are written. Then it
// fills the disk again and kills netpulse there, losing what it held in
// memory: after a restart with space back, the counter checkpoint of the
// last good flush covers the gap and the totals are still exact.
func TestDiskFull(t *testing.T) {
	harness.NeedSystem(t)
	t.Parallel()
	mnt := filepath.Join(t.TempDir(), "small")
	// Room for the database and its WAL to grow for a while, and small
	// enough to fill in an instant.
	harness.Mount(t, mnt, "-t", "tmpfs", "-o", "size=8m", "tmpfs")
	p := harness.QuietPair(t, "nprfull")
	s := harness.Start(t, bin, harness.Options{DataDir: filepath.Join(mnt, "data")})
	rx0, tx0 := harness.Baseline(t, s, p)
	harness.Send(t, p, 8*mb, 2*mb)
	s.WaitPolls(2)

	filler := harness.Fill(t, mnt)
	harness.Send(t, p, 16*mb, 4*mb)
	h := s.WaitHealth(20*time.Second, "503 naming the full disk", func(h harness.Health, code int) bool {
		return code == 503 && strings.Contains(strings.Join(h.Errors, " "), "disk is full")
	})
	t.Logf("health while full: %q, %d samples pending", h.Errors, h.PendingSamples)
	expectLive(t, s, p.Host, 3)
	rx1, tx1 := harness.Settle(t, s, p)
	rx, tx := s.Totals(p.Host)
	harness.ExpectTotals(t, "while the disk is full (samples in memory)", rx, tx, rx0, tx0, rx1, tx1)

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	s.WaitHealth(20*time.Second, "ok with nothing pending", func(h harness.Health, code int) bool {
		return code == 200 && h.PendingSamples == 0
	})
	rx, tx = s.Totals(p.Host)
	harness.ExpectTotals(t, "after space returned", rx, tx, rx0, tx0, rx1, tx1)

	// Full again, and killed while full: the samples in memory are gone,
	// the checkpoint on disk is not.
	filler = harness.Fill(t, mnt)
	harness.Send(t, p, 12*mb, 3*mb)
	s.WaitPolls(3)
	s.Kill()
	harness.Send(t, p, 6*mb, 6*mb)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	s = s.Restart()
	rx2, tx2 := harness.Settle(t, s, p)
	rx, tx = s.Totals(p.Host)
	harness.ExpectTotals(t, "after a kill on a full disk and a restart", rx, tx, rx0, tx0, rx2, tx2)
	if code := s.Stop(); code != 0 {
		t.Fatalf("clean stop exited %d:\n%s", code, s.Log())
	}
	harness.ExpectStoredTotals(t, s.DB(), p.Host, rx2-rx0, tx2-tx0)
}

// expectLive fails unless /api/live delivers n fresh samples naming iface
// within a few seconds each.
func expectLive(t *testing.T, s *harness.Server, iface string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(n)*time.Second+10*time.Second)
	defer cancel()
	got := 0
	err := s.Live(ctx, func(ev harness.LiveSample, fresh bool) bool {
		for _, r := range ev.Interfaces {
			if fresh && r.Interface == iface {
				got++
			}
		}
		return got < n
	})
	if err != nil {
		t.Fatalf("live view: %d of %d samples of %s, then %v", got, n, iface, err)
	}
}
