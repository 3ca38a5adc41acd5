package reliability

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/test/harness"
)

// TestDatabaseLocked holds an exclusive lock on the database from another
// process's connection for longer than netpulse's busy timeout. Flushes
// fail with a clear error that health reports; polling, the live view and
// traffic queries go on; a settings change fails with a clear error rather
// than hanging; after the lock is released everything is written.
func TestDatabaseLocked(t *testing.T) {
	harness.NeedSystem(t)
	t.Parallel()
	p := harness.QuietPair(t, "nprlock")
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir()})
	rx0, tx0 := harness.Baseline(t, s, p)

	db, err := harness.OpenDB(s.DB(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	locked := time.Now()
	harness.Send(t, p, 20*mb, 5*mb)
	h := s.WaitHealth(20*time.Second, "503 naming the lock", func(h harness.Health, code int) bool {
		return code == 503 && strings.Contains(strings.Join(h.Errors, " "), "locked")
	})
	t.Logf("health while locked: %q", h.Errors)
	expectLive(t, s, p.Host, 3)
	start := time.Now()
	code, body := s.PostJSON("/api/config/settings", map[string]string{"theme": "dark"})
	if code < 500 || !strings.Contains(body, "locked") {
		t.Errorf("settings change while locked: %d %s; want a 5xx naming the lock", code, body)
	}
	t.Logf("settings change while locked: %d after %s: %s", code, time.Since(start).Round(time.Millisecond), strings.TrimSpace(body))
	rx1, tx1 := harness.Settle(t, s, p)
	rx, tx := s.Totals(p.Host)
	harness.ExpectTotals(t, "while locked (samples in memory)", rx, tx, rx0, tx0, rx1, tx1)
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	t.Logf("lock held for %s", time.Since(locked).Round(time.Second))
	s.WaitHealth(20*time.Second, "ok with nothing pending", func(h harness.Health, code int) bool {
		return code == 200 && h.PendingSamples == 0
	})
	if code := s.Stop(); code != 0 {
		t.Fatalf("clean stop exited %d", code)
	}
	harness.ExpectStoredTotals(t, s.DB(), p.Host, rx1-rx0, tx1-tx0)
}

// TestDatabaseReadOnly puts the data folder on an ext4 file system mounted
// with errors=remount-ro and makes the kernel turn it read-only under the
// running process, as it does after a disk error. (A plain remount,ro is
// refused while a file is open for writing, and file modes do not bind
// root or an already open descriptor.) Flushes fail with a clear error,
// health reports it, the live view and queries go on, and a clean stop
// says how many samples could not be written instead of losing them
// silently. After the file system is repaired, a restart recovers the gap
// from the last counter checkpoint.
func TestDatabaseReadOnly(t *testing.T) {
	harness.NeedSystem(t)
	for _, tool := range []string{"mkfs.ext4", "e2fsck", "losetup"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("skipped: needs %s (e2fsprogs, mount)", tool)
		}
	}
	t.Parallel()
	dir := t.TempDir()
	img, mnt := filepath.Join(dir, "fs.img"), filepath.Join(dir, "mnt")
	harness.Run(t, "truncate", "-s", "64M", img)
	harness.Run(t, "mkfs.ext4", "-q", "-F", img)
	harness.Mount(t, mnt, "-o", "loop,errors=remount-ro", img)
	p := harness.QuietPair(t, "nprro")
	s := harness.Start(t, bin, harness.Options{DataDir: filepath.Join(mnt, "data")})
	rx0, tx0 := harness.Baseline(t, s, p)
	harness.Send(t, p, 6*mb, 2*mb)
	s.WaitPolls(2)

	// What was committed before the disk error must be on the disk: with
	// synchronous=NORMAL a commit is durable only at the next checkpoint or
	// sync, and a file system that turned read-only never writes back its
	// dirty pages.
	harness.Run(t, "sync", "-f", filepath.Join(mnt, "data", "netpulse.db"))
	dev := filepath.Base(strings.TrimSpace(harness.Run(t, "findmnt", "-n", "-o", "SOURCE", mnt)))
	if err := os.WriteFile("/sys/fs/ext4/"+dev+"/trigger_fs_error", []byte("netpulse reliability test\n"), 0); err != nil {
		t.Skipf("skipped: cannot trigger an ext4 error: %v", err)
	}
	if !strings.Contains(harness.Run(t, "findmnt", "-n", "-o", "OPTIONS", mnt), "ro") {
		t.Fatal("the file system did not turn read-only")
	}
	harness.Send(t, p, 14*mb, 4*mb)
	h := s.WaitHealth(20*time.Second, "503 saying the database cannot be written", func(h harness.Health, code int) bool {
		return code == 503 && strings.Contains(strings.Join(h.Errors, " "), "database cannot be written")
	})
	t.Logf("health on a read-only file system: %q", h.Errors)
	expectLive(t, s, p.Host, 3)
	rx1, tx1 := harness.Settle(t, s, p)
	rx, tx := s.Totals(p.Host)
	harness.ExpectTotals(t, "on a read-only file system (samples in memory)", rx, tx, rx0, tx0, rx1, tx1)
	if !s.Running() {
		t.Fatalf("netpulse ended: %s", s.ExitString())
	}
	code := s.Stop()
	if code == 0 || !strings.Contains(s.Log(), "not written") {
		t.Errorf("stop with unwritten samples: exit %d; want non-zero and a log line saying what was not written", code)
	}
	t.Logf("stop on a read-only file system: exit %d", code)

	// Repair as an administrator would, then start again.
	harness.Run(t, "umount", mnt)
	exec.Command("e2fsck", "-fy", img).Run() // exit 1: errors corrected
	harness.Run(t, "mount", "-o", "loop,errors=remount-ro", img, mnt)
	harness.Send(t, p, 4*mb, 4*mb) // passes while netpulse is down
	s = s.Restart()
	rx2, tx2 := harness.Settle(t, s, p)
	rx, tx = s.Totals(p.Host)
	harness.ExpectTotals(t, "after repair and restart", rx, tx, rx0, tx0, rx2, tx2)
	if code := s.Stop(); code != 0 {
		t.Fatalf("clean stop exited %d", code)
	}
	harness.ExpectStoredTotals(t, s.DB(), p.Host, rx2-rx0, tx2-tx0)
}

// TestDatabaseDeleted removes netpulse.db while netpulse runs. Before the
// next flush the storage notices, writes the still-open database back to
// its path and goes on there; health tells what happened. Nothing may be
// lost: the totals stay exact while running, after a clean stop every tier
// of the file on disk holds them, and the file is sound.
func TestDatabaseDeleted(t *testing.T) {
	harness.NeedSystem(t)
	t.Parallel()
	p := harness.QuietPair(t, "nprdel")
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir()})
	rx0, tx0 := harness.Baseline(t, s, p)
	harness.Send(t, p, 10*mb, 3*mb)
	s.WaitHealth(10*time.Second, "ok with nothing pending", func(h harness.Health, code int) bool {
		return code == 200 && h.PendingSamples == 0
	})
	if err := os.Remove(s.DB()); err != nil {
		t.Fatal(err)
	}
	harness.Send(t, p, 10*mb, 3*mb)
	h := s.WaitHealth(10*time.Second, "a report of the deletion", func(h harness.Health, code int) bool {
		return strings.Contains(strings.Join(append(h.Errors, h.Warnings...), " "), "deleted")
	})
	t.Logf("health after the file was deleted: errors %q, warnings %q", h.Errors, h.Warnings)
	if _, err := os.Stat(s.DB()); err != nil {
		t.Errorf("after the deletion was noticed: %v", err)
	}
	expectLive(t, s, p.Host, 3)
	harness.Send(t, p, 5*mb, 5*mb)
	rx1, tx1 := harness.Settle(t, s, p)
	rx, tx := s.Totals(p.Host)
	harness.ExpectTotals(t, "after the file was deleted", rx, tx, rx0, tx0, rx1, tx1)
	if code := s.Stop(); code != 0 {
		t.Fatalf("clean stop after the deletion exited %d", code)
	}
	harness.ExpectStoredTotals(t, s.DB(), p.Host, rx1-rx0, tx1-tx0)
	s = s.Restart()
	rx, tx = s.Totals(p.Host)
	harness.ExpectTotals(t, "after a restart (from disk)", rx, tx, rx0, tx0, rx1, tx1)
}
