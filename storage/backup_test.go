package storage

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestBackup(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	start := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	synth(s, start, 600, "eth0", "wlan0")
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSettings(ctx, map[string]string{"theme": "dark"}); err != nil {
		t.Fatal(err)
	}
	synth(s, start.Add(10*time.Minute), 90, "eth0") // stays pending
	wantTotals, err := s.AllTimeTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	q := Query{Interfaces: []string{"eth0", "wlan0"}, Start: start, End: start.Add(time.Hour), Group: time.Minute}
	wantTraffic, err := s.Traffic(ctx, q)
	if err != nil {
		t.Fatal(err)
	}

	path, _, err := s.Backup(ctx, BackupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(path) != filepath.Dir(s.Path()) {
		t.Errorf("backup written to %s, want the database's folder", path)
	}
	if s.Pending() != 90 {
		t.Errorf("backup changed the pending records: %d, want 90", s.Pending())
	}

	var check string
	if err := s.r.QueryRowContext(ctx, "SELECT integrity_check FROM pragma_integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("the live database: integrity %q %v", check, err)
	}
	c, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer c.Close()
	if err := c.r.QueryRowContext(ctx, "SELECT integrity_check FROM pragma_integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("the backup: integrity %q %v", check, err)
	}
	gotTotals, err := c.AllTimeTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(gotTotals, wantTotals) {
		t.Errorf("backup totals %v, want %v (pending records included)", gotTotals, wantTotals)
	}
	gotTraffic, err := c.Traffic(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotTraffic, wantTraffic) {
		t.Errorf("backup traffic differs:\n got %+v\nwant %+v", gotTraffic, wantTraffic)
	}
	if v, _, _ := c.Setting(ctx, "theme"); v != "dark" {
		t.Errorf("backup settings: theme %q, want dark", v)
	}
	cps, err := c.Checkpoints(ctx)
	if err != nil || len(cps) != 2 {
		t.Errorf("backup checkpoints: %v %v, want two", cps, err)
	}

	c.Close()
	if err := RemoveBackup(path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("backup file still there after RemoveBackup: %v", err)
	}
	if err := RemoveBackup(s.Path()); err == nil {
		t.Error("RemoveBackup removed the database itself")
	}
}

func TestBackupRemovesStaleFiles(t *testing.T) {
	s := openTemp(t)
	dir := filepath.Dir(s.Path())
	stale := filepath.Join(dir, backupPrefix+"1.db")
	fresh := filepath.Join(dir, backupPrefix+"2.db")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleBackup)
	os.Chtimes(stale, old, old)
	path, _, err := s.Backup(context.Background(), BackupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer RemoveBackup(path)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a stale backup file was left")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a recent backup file (maybe being streamed) was removed")
	}
}

// TestBackupWithoutNotifiers: a backup that leaves the notifiers out holds
// no byte of their URLs (nor of a delivery error quoting one), and keeps
// everything else; a full backup keeps them, which shows the search for
// the secret can find it. Thirty long notifiers fill more than a page,
// whose rearranging left URL bytes behind even with secure_delete.
func TestBackupWithoutNotifiers(t *testing.T) {
	const secret = "tk_9f3c2e71d4b8a605"
	for _, tc := range []struct {
		name      string
		opt       BackupOptions
		more      int // notifiers beyond the two, with long URLs
		hasSecret bool
	}{
		{"full", BackupOptions{}, 0, true},
		{"without notifiers", BackupOptions{WithoutNotifiers: true}, 0, false},
		{"full, thirty long ones", BackupOptions{}, 28, true},
		{"without thirty long ones", BackupOptions{WithoutNotifiers: true}, 28, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := openTemp(t)
			start := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
			synth(s, start, 600, "eth0")
			if err := s.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			synth(s, start.Add(10*time.Minute), 30, "eth0") // stays pending
			wantTotals, err := s.AllTimeTotals(ctx)
			if err != nil {
				t.Fatal(err)
			}
			a, err := s.AddNotifier(ctx, Notifier{Name: "phone", URL: "ntfy://:" + secret + "@ntfy.example/home", Events: []string{"plan"}})
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.AddNotifier(ctx, Notifier{Name: "hook", URL: "https://hooks.example/in/" + secret, Events: []string{"plan"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.NotifierResult(ctx, b, 100, `Post "https://hooks.example/in/`+secret+`": connection refused`); err != nil {
				t.Fatal(err)
			}
			long := "https://hooks.example/services/" + strings.Repeat(secret+"/", 5)
			for i := range tc.more {
				id, err := s.AddNotifier(ctx, Notifier{Name: fmt.Sprint("hook ", i), URL: long + fmt.Sprint(i), Events: []string{"plan"}})
				if err != nil {
					t.Fatal(err)
				}
				if err := s.NotifierResult(ctx, id, 100, `Post "`+long+`": connection refused`); err != nil {
					t.Fatal(err)
				}
			}
			all := 2 + tc.more
			leftOut := 0
			if tc.opt.WithoutNotifiers {
				leftOut = all
			}
			if _, err := s.RaiseAlert(ctx, "plan:1:0:1000:50", 100, []byte(`{"event":"plan.threshold"}`), []int64{a, b}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.SavePlan(ctx, Plan{Name: "Home", Interfaces: []string{"eth0"}, Direction: "both", Period: "month", ResetDay: 1, TZ: "UTC", Thresholds: []int{50}}); err != nil {
				t.Fatal(err)
			}

			path, got, err := s.Backup(ctx, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			defer RemoveBackup(path)
			if got != leftOut {
				t.Errorf("left out %d notifiers, want %d", got, leftOut)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(raw, []byte(secret)); got != tc.hasSecret {
				t.Errorf("the file holds the secret: %v, want %v", got, tc.hasSecret)
			}
			if ns, err := s.Notifiers(ctx); err != nil || len(ns) != all {
				t.Errorf("the live database's notifiers: %d %v, want all %d kept", len(ns), err, all)
			}

			c, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var check string
			if err := c.r.QueryRowContext(ctx, "SELECT integrity_check FROM pragma_integrity_check").Scan(&check); err != nil || check != "ok" {
				t.Errorf("the backup: integrity %q %v", check, err)
			}
			ns, err := c.Notifiers(ctx)
			if err != nil || len(ns) != all-leftOut {
				t.Errorf("the backup's notifiers: %d %v, want %d", len(ns), err, all-leftOut)
			}
			if got, err := c.AllTimeTotals(ctx); err != nil || !maps.Equal(got, wantTotals) {
				t.Errorf("the backup's totals %v %v, want %v (pending records included)", got, err, wantTotals)
			}
			if plans, err := c.Plans(ctx); err != nil || len(plans) != 1 {
				t.Errorf("the backup's plans: %v %v, want the one", plans, err)
			}
			// The alert stays recorded, so a server started on the copy
			// does not raise it again.
			if raised, err := c.AlertRaised(ctx, "plan:1:0:1000:50"); err != nil || !raised {
				t.Errorf("the backup's alert: %v %v, want it kept", raised, err)
			}
		})
	}
}
