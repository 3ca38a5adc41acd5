package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func openTemp(t *testing.T) *Storage {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "netpulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenSetsAndChecksPragmas(t *testing.T) {
	s := openTemp(t)
	var mode string
	var fk, version, appID int
	s.w.QueryRow("PRAGMA journal_mode").Scan(&mode)
	s.w.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	s.w.QueryRow("PRAGMA user_version").Scan(&version)
	s.w.QueryRow("PRAGMA application_id").Scan(&appID)
	if mode != "wal" || fk != 1 || version != len(migrations) || appID != applicationID {
		t.Errorf("journal_mode=%s foreign_keys=%d user_version=%d application_id=%x", mode, fk, version, appID)
	}
	// Readers cannot write.
	if _, err := s.r.Exec("INSERT INTO settings (key, value) VALUES ('x', 'y')"); err == nil {
		t.Error("a reader connection wrote to the database")
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "netpulse.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSettings(ctx, map[string]string{"theme": "dark"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, ok, err := s.Setting(ctx, "theme"); v != "dark" || !ok || err != nil {
		t.Errorf("want theme dark after reopening, got %q %v %v", v, ok, err)
	}
}

func TestOpenRefusesAndLeavesUntouched(t *testing.T) {
	sqliteOther := func(t *testing.T, path string) {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')"); err != nil {
			t.Fatal(err)
		}
	}
	newer := func(t *testing.T, path string) {
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		s.w.Exec("PRAGMA user_version = 99")
		s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		s.Close()
	}
	corrupt := func(t *testing.T, path string) {
		newer(t, path)
		s, _ := Open(context.Background(), path) // fails: version 99
		if s != nil {
			s.Close()
		}
		b, _ := os.ReadFile(path)
		b = bytes.Clone(b)
		for i := 4096; i < len(b); i++ { // keep the header page, wreck the rest
			b[i] = 0xA5
		}
		os.WriteFile(path, b, 0o600)
	}
	for _, tc := range []struct {
		name    string
		make    func(t *testing.T, path string)
		wantMsg string
	}{
		{"text file", func(t *testing.T, p string) { os.WriteFile(p, []byte("hello, not a database\n"), 0o600) }, "not an SQLite database"},
		{"short binary", func(t *testing.T, p string) { os.WriteFile(p, []byte{0, 1, 2}, 0o600) }, "not an SQLite database"},
		{"another program's SQLite", sqliteOther, "another program"},
		{"newer schema", newer, "newer than this Net-Pulse"},
		{"corrupt pages", corrupt, "damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "netpulse.db")
			tc.make(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(context.Background(), path)
			if err == nil {
				s.Close()
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("want an error mentioning %q, got %v", tc.wantMsg, err)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("the file was modified")
			}
		})
	}
}

func TestSettingsAllOrNothing(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	if err := s.SetSettings(ctx, map[string]string{"a": "1", "b": "2"}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b"} {
		if _, ok, _ := s.Setting(ctx, k); !ok {
			t.Errorf("%s not saved", k)
		}
	}
	if _, ok, _ := s.Setting(ctx, "missing"); ok {
		t.Error("a missing setting reported as set")
	}
}

func TestDeletedFileIsRestored(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows does not delete a file SQLite holds open")
	}
	s := openTemp(t)
	ctx := context.Background()
	if err := s.SetSettings(ctx, map[string]string{"theme": "dark"}); err != nil {
		t.Fatal(err)
	}
	s.Add(Record{Interface: "eth0", Time: time.Now(), RxBytes: 100})
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(s.Path() + suffix)
	}
	s.Add(Record{Interface: "eth0", Time: time.Now(), RxBytes: 23})
	if err := s.Flush(ctx); !errors.Is(err, ErrRestored) {
		t.Fatalf("want ErrRestored, got %v", err)
	}
	s.Add(Record{Interface: "eth0", Time: time.Now(), RxBytes: 7})
	if err := s.Flush(ctx); err != nil {
		t.Fatalf("flush after restore: %v", err)
	}
	// The file on disk, opened fresh, holds everything.
	s2, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var rx int64
	s2.r.QueryRow("SELECT sum(rx) FROM traffic_1h").Scan(&rx)
	if v, _, _ := s2.Setting(ctx, "theme"); rx != 130 || v != "dark" {
		t.Errorf("restored file: rx %d (want 130), theme %q (want dark)", rx, v)
	}
}

func TestReplacedFileKeepsSamplesInMemory(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	s.Add(Record{Interface: "eth0", Time: time.Now(), RxBytes: 100})
	os.Rename(s.Path(), s.Path()+".old")
	os.WriteFile(s.Path(), []byte("someone else's file"), 0o600)
	if err := s.Flush(ctx); !errors.Is(err, ErrReplaced) {
		t.Fatalf("want ErrReplaced, got %v", err)
	}
	if s.Pending() != 1 {
		t.Errorf("want the sample kept in memory, %d pending", s.Pending())
	}
	if b, _ := os.ReadFile(s.Path()); string(b) != "someone else's file" {
		t.Error("the other file was modified")
	}
}

// The database holds notifiers' URLs with their secrets: every file
// Net-Pulse creates for it is its owner's alone, even in a folder others
// can read, as a --data-dir chosen by hand often is.
func TestDatabaseFilesArePrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows files have no Unix mode; the data folder's ACL guards them")
	}
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, filepath.Join(dir, "netpulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Add(Record{Interface: "eth0", Time: time.Now(), RxBytes: 100})
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	backup, _, err := s.Backup(ctx, BackupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(backup)
	files := map[string]string{"database": s.Path(), "its WAL": s.Path() + "-wal", "its shared memory": s.Path() + "-shm", "a backup": backup}
	checkPrivate := func(t *testing.T) {
		t.Helper()
		for what, path := range files {
			st, err := os.Stat(path)
			if err != nil {
				t.Errorf("%s: %v", what, err)
				continue
			}
			if perm := st.Mode().Perm(); perm&0o077 != 0 {
				t.Errorf("%s %s has mode %v: others may read it", what, filepath.Base(path), perm)
			}
		}
	}
	checkPrivate(t)

	// Deleted while running: the file written back is private too.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(s.Path() + suffix)
	}
	s.Add(Record{Interface: "eth0", Time: time.Now(), RxBytes: 23})
	if err := s.Flush(ctx); !errors.Is(err, ErrRestored) {
		t.Fatalf("flush after deletion: %v", err)
	}
	delete(files, "a backup")
	checkPrivate(t)
}

// A folder Net-Pulse cannot create its file in is named with the system's
// reason, not SQLite's "unable to open database file".
func TestOpenNamesWhyTheFileCannotBeCreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "netpulse.db")
	s, err := Open(context.Background(), path)
	if err == nil {
		s.Close()
		t.Fatal("want an error")
	}
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Errorf("want the path and the system's reason, got %q", err)
	}
	if strings.Contains(err.Error(), "unable to open database file") {
		t.Errorf("want the system's reason, not SQLite's: %q", err)
	}
}

// A backup asked for after the database file was deleted, before the next
// flush writes it back, says so and creates no empty file in its place
// (which the flush would then take for a replaced file).
func TestBackupWhileTheFileIsDeleted(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows does not delete a file SQLite holds open")
	}
	ctx := context.Background()
	s := openTemp(t)
	s.Add(Record{Interface: "eth0", Time: time.Now(), RxBytes: 100})
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(s.Path() + suffix)
	}
	path, _, err := s.Backup(ctx, BackupOptions{})
	if err == nil {
		RemoveBackup(path)
		t.Fatal("backup of a deleted database: want an error")
	}
	if !strings.Contains(err.Error(), "was deleted") {
		t.Errorf("the error does not say why: %v", err)
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the backup created a file in the database's place: %v", err)
	}
	s.Add(Record{Interface: "eth0", Time: time.Now(), RxBytes: 23})
	if err := s.Flush(ctx); !errors.Is(err, ErrRestored) {
		t.Fatalf("flush after the refused backup: %v, want the file written back", err)
	}
	if got, err := s.AllTimeTotals(ctx); err != nil || got["eth0"].RxBytes != 123 {
		t.Errorf("totals after the file was written back: %v %v, want 123 bytes received", got, err)
	}
}
