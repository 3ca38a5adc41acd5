package storage

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"reflect"
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

	path, err := s.Backup(ctx)
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
	path, err := s.Backup(context.Background())
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
