package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// backupPrefix starts the names of the snapshot files Backup writes next to
// the database.
const backupPrefix = ".netpulse-backup-"

// BackupOptions says what a backup leaves out.
type BackupOptions struct {
	// WithoutNotifiers leaves the notifiers and their deliveries out of the
	// copy: their URLs hold secrets. The copy is rebuilt without them, so
	// no byte of a URL stays in the file.
	WithoutNotifiers bool
}

// Backup writes a consistent snapshot of the database, records not yet
// flushed included, to a new file in the database's folder and returns its
// path and how many notifiers opt left out; the caller removes the file.
// Recording goes on meanwhile: the copy reads through its own snapshot of
// the WAL, and only a flush that would commit during the copy waits for it
// (a few milliseconds per megabyte).
//
// The snapshot is a Net-Pulse database like any other: its checkpoints are
// those of the last records it holds, so a server started on it (on the
// same boot) counts the traffic that passed since as a gap, like after a
// restart.
func (s *Storage) Backup(ctx context.Context, opt BackupOptions) (path string, leftOut int, err error) {
	dir := filepath.Dir(s.path)
	removeStaleBackups(dir)
	path = filepath.Join(dir, fmt.Sprintf("%s%d.db", backupPrefix, time.Now().UnixNano()))
	pending, err := s.snapshot(ctx, path)
	if err != nil {
		os.Remove(path)
		return "", 0, err
	}
	if len(pending) == 0 && !opt.WithoutNotifiers {
		return path, 0, nil
	}
	if leftOut, err = finishCopy(ctx, path, pending, opt); err != nil {
		removeDB(path)
		return "", 0, err
	}
	return path, leftOut, nil
}

// snapshot copies the database to path with VACUUM INTO and returns the
// records pending at that moment. Holding view.RLock keeps a flush from
// committing in between, so every record is in exactly one of the two.
func (s *Storage) snapshot(ctx context.Context, path string) ([]Record, error) {
	s.view.RLock()
	defer s.view.RUnlock()
	// A connection of its own: the readers are query-only, which refuses
	// VACUUM INTO, and the writer must stay free for the poll's flushes.
	// mode=rw: a database file deleted since the last flush (which writes
	// it back) must not be created anew, empty, by the backup.
	db, err := openDB(s.path, "mode=rw")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := os.Stat(s.path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("storage: back up: the database file %s was deleted; the next write puts it back, try again then", s.path)
	}
	if err := newPrivateFile(path); err != nil {
		return nil, fmt.Errorf("storage: back up %s: %w", s.path, err)
	}
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return nil, fmt.Errorf("storage: back up %s: %w", s.path, describe(err))
	}
	var pending []Record
	s.eachPending(func(r *Record) { pending = append(pending, *r) })
	return pending, nil
}

// finishCopy writes records into the snapshot at path as a flush would,
// and leaves out what opt says. It returns how many notifiers it left out.
func finishCopy(ctx context.Context, path string, recs []Record, opt BackupOptions) (int, error) {
	c, err := Open(ctx, path)
	if err != nil {
		return 0, fmt.Errorf("storage: back up: open the copy: %w", err)
	}
	leftOut := 0
	if len(recs) > 0 {
		c.Add(recs...)
		if err = c.Flush(ctx); err != nil {
			err = fmt.Errorf("storage: back up: write pending records: %w", err)
		}
	}
	if err == nil && opt.WithoutNotifiers {
		leftOut, err = c.dropNotifiers(ctx)
	}
	if err == nil {
		err = c.checkpointAll(ctx)
	}
	if cerr := c.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("storage: back up: close the copy: %w", cerr)
	}
	return leftOut, err
}

// checkpointAll copies the whole WAL into the database file and empties it,
// so that the file alone holds what was written: a backup is served as the
// file alone. It fails, rather than leaving frames behind, when another
// connection holds the WAL.
func (s *Storage) checkpointAll(ctx context.Context) error {
	s.write.Lock()
	defer s.write.Unlock()
	var busy, frames, done int
	if err := s.w.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("storage: back up: checkpoint the copy: %w", describe(err))
	}
	if busy != 0 {
		return errors.New("storage: back up: checkpoint the copy: another connection holds it")
	}
	return nil
}

// removeDB removes a database file and its WAL and shared-memory files.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

// staleBackup is how old a snapshot file must be to count as left behind by
// a process that stopped in the middle of a backup.
const staleBackup = time.Hour

// removeStaleBackups removes snapshot files left behind in dir.
func removeStaleBackups(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), backupPrefix) {
			continue
		}
		info, err := e.Info()
		if err == nil && time.Since(info.ModTime()) > staleBackup {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// RemoveBackup removes a snapshot file Backup returned.
func RemoveBackup(path string) error {
	if !strings.HasPrefix(filepath.Base(path), backupPrefix) {
		return errors.New("storage: not a backup file: " + path)
	}
	removeDB(path)
	return nil
}
