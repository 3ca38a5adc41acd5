// Package storage keeps Net-Pulse's history in SQLite: the schema and its
// migrations, batched writes that update every rollup tier at write time,
// tier-picking queries, retention, settings and counter checkpoints.
package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// applicationID marks a file as a Net-Pulse database ("NPLS").
const applicationID = 0x4e504c53

// busyTimeoutMS is how long a statement waits for another process's lock.
const busyTimeoutMS = 5000

// Storage is the Net-Pulse database. One writer connection does all writes
// (SQLite allows one writer; a single connection never contends with
// itself), a small pool of read-only connections serves queries in
// parallel through WAL, and records wait in memory until a flush.
//
// Locking: a method that uses the writer connection holds write, one that
// reads through the readers holds view.RLock, and pending and ifaceID are
// touched only under mu, which is never held across I/O, so Add never waits
// for the disk. view is locked for writing only to make a flush visible
// (its commit, its records leaving pending and entering the cached sums)
// and to replace the connections (restore, Close), so a reader sees every
// record exactly once. The order is write, view, the caches' own locks
// (days.go, sum.go, plans.go), mu.
type Storage struct {
	path string

	write  sync.Mutex // the writer connection, see above
	w      *sql.DB
	stmts  stmtCache // the writer's prepared statements
	raw    ring      // the raw tier, see ring.go
	fileID os.FileInfo

	view  sync.RWMutex // the readers and what a flush makes visible
	r     *sql.DB
	days  dayRollup // cached sums, see days.go and totals.go
	sums  sumCache  // the stored part of recent sums, see sum.go
	plans planList  // the plans table, see plans.go

	mu      sync.Mutex
	pending []Record
	// flushing is how many records at the front of pending a flush is
	// writing: Add folds none of them, or the flush would drop others.
	flushing int
	ifaceID  map[string]int64
}

// Open opens (creating if needed) the database at path, checks it and
// migrates it to the current schema. A file that is not a Net-Pulse
// database, is corrupt, or comes from a newer version is refused with an
// error and left untouched.
func Open(ctx context.Context, path string) (*Storage, error) {
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	if err := inspect(ctx, path); err != nil {
		return nil, err
	}
	s := &Storage{path: path, ifaceID: map[string]int64{}, raw: newRawRing()}
	if err := s.connect(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// pageSize is SQLite's default and the file system's block: a WAL
// checkpoint copies pages to scattered places in the file, and a smaller
// page still costs a whole block there. Smaller pages only pay off when
// flushes come every minute or so (PERFORMANCE.md).
const pageSize = 4096

// privateMode is the mode of the files Net-Pulse creates for databases: the
// database holds notifiers' URLs, secrets included, so only its owner may
// read it, whatever the folder's mode. SQLite gives the -wal and -shm files
// the database file's mode, and takes an empty file as a new database.
const privateMode = 0o600

// newPrivateFile creates path, empty, with privateMode, for SQLite or
// VACUUM INTO to fill (either would otherwise create it readable by all).
func newPrivateFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, privateMode)
	if err != nil {
		return err
	}
	return f.Close()
}

// create gives a new database file its page size, which can only be chosen
// before the first table and before WAL mode writes the header.
func create(ctx context.Context, path string) error {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return nil
	}
	// An empty file may be there already (SQLite takes it as new).
	if err := newPrivateFile(path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("storage: %w", err) // "open PATH: permission denied", not SQLite's "unable to open database file"
	}
	db, err := openDB(path, "")
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range []string{fmt.Sprintf("PRAGMA page_size = %d", pageSize), "PRAGMA journal_mode = WAL"} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("storage: create %s: %w", path, describe(err))
		}
	}
	return nil
}

// connect opens the writer, checks it, migrates, then opens the readers.
func (s *Storage) connect(ctx context.Context) error {
	if err := create(ctx, s.path); err != nil {
		return err
	}
	w, err := openDB(s.path, "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		return err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	s.w = w
	if err := s.checkPragmas(ctx); err != nil {
		w.Close()
		return err
	}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return err
	}
	if err := s.stmts.prepare(ctx, w, s.flushStatements()); err != nil {
		s.stmts.close()
		w.Close()
		return err
	}
	r, err := openDB(s.path, "_pragma=query_only(1)")
	if err != nil {
		s.stmts.close()
		w.Close()
		return err
	}
	r.SetMaxOpenConns(4)
	if s.fileID, err = os.Stat(s.path); err != nil {
		s.stmts.close()
		w.Close()
		r.Close()
		return fmt.Errorf("storage: stat %s: %w", s.path, err)
	}
	s.r = r
	return nil
}

// ErrReplaced means the database file was replaced by another file while
// Net-Pulse was running; samples stay in memory until it is restarted.
var ErrReplaced = errors.New("storage: the database file was replaced while Net-Pulse was running; new samples are kept in memory until Net-Pulse is restarted")

// restore recreates the database file after it was deleted while running.
// SQLite keeps writing into an open, deleted file, which would lose every
// later sample silently; instead the still-open database is copied back to
// its path and used from there, so nothing is lost. The caller holds write.
func (s *Storage) restore(ctx context.Context) error {
	if st, err := os.Stat(s.path); err == nil {
		if os.SameFile(st, s.fileID) {
			return nil
		}
		return ErrReplaced
	}
	tmp := s.path + ".restore"
	os.Remove(tmp)
	if err := newPrivateFile(tmp); err != nil {
		return fmt.Errorf("storage: the database file %s was deleted and could not be restored: %w", s.path, err)
	}
	if _, err := s.w.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return fmt.Errorf("storage: the database file %s was deleted and could not be restored: %w", s.path, describe(err))
	}
	// Close the old connections before the new file takes the name: the
	// last close removes the old -wal and -shm files, which must not be
	// replayed into the new one.
	s.view.Lock()
	defer s.view.Unlock()
	s.stmts.close()
	s.r.Close()
	s.w.Close()
	s.days.reset()
	s.sums.drop()
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("storage: restore %s: %w", s.path, err)
	}
	return s.connect(ctx)
}

func openDB(path, params string) (*sql.DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" +
		fmt.Sprintf("_pragma=busy_timeout(%d)", busyTimeoutMS)
	if params != "" {
		dsn += "&" + params
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	return db, nil
}

// checkHeader refuses a non-empty file that does not start with the SQLite
// header, before SQLite gets a chance to touch it.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	defer f.Close()
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == io.EOF || err == nil) {
		return nil // empty file: SQLite treats it as a new database
	}
	if !bytes.Equal(head[:n], []byte("SQLite format 3\x00")[:n]) || n < 16 {
		return fmt.Errorf("storage: %s is not an SQLite database; move it away or choose another --data-dir", path)
	}
	return nil
}

// inspect looks at an existing file over a read-only connection, so a
// damaged file, another program's database or one from a newer Net-Pulse is
// refused before anything writes to it.
func inspect(ctx context.Context, path string) error {
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		return nil
	}
	db, err := openDB(path, "mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := quickCheck(ctx, db, path); err != nil {
		return err
	}
	var version, appID, tables int
	err = db.QueryRowContext(ctx, "SELECT (SELECT user_version FROM pragma_user_version), "+
		"(SELECT application_id FROM pragma_application_id), (SELECT count(*) FROM sqlite_schema)").Scan(&version, &appID, &tables)
	if err != nil {
		return fmt.Errorf("storage: %s cannot be read as a database: %w", path, describe(err))
	}
	if appID != applicationID && (appID != 0 || tables > 0) {
		return fmt.Errorf("storage: %s is an SQLite database of another program; choose another --data-dir", path)
	}
	if version > len(migrations) {
		return fmt.Errorf("storage: %s has schema version %d, newer than this Net-Pulse knows (%d); upgrade Net-Pulse or use another --data-dir",
			path, version, len(migrations))
	}
	return nil
}

func quickCheck(ctx context.Context, db *sql.DB, path string) error {
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("storage: %s cannot be read as a database: %w", path, describe(err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("storage: check %s: %w", path, describe(err))
		}
		if line != "ok" && len(problems) < 3 {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: %s is damaged: %w", path, describe(err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("storage: %s is damaged (%v); restore a backup or move it away", path, problems)
	}
	return nil
}

// checkPragmas verifies that the connection settings took effect: a driver
// that silently ignored them would lose the crash safety WAL gives.
func (s *Storage) checkPragmas(ctx context.Context) error {
	var mode string
	var fk, busy int
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("storage: open %s: %w", s.path, describe(err))
	}
	if err := s.w.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("storage: open %s: %w", s.path, describe(err))
	}
	if err := s.w.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
		return fmt.Errorf("storage: open %s: %w", s.path, describe(err))
	}
	if mode != "wal" || fk != 1 || busy != busyTimeoutMS {
		return fmt.Errorf("storage: open %s: journal_mode=%s foreign_keys=%d busy_timeout=%d, want wal, 1, %d",
			s.path, mode, fk, busy, busyTimeoutMS)
	}
	return nil
}

// migrate applies the pending migrations, each in its own transaction.
func (s *Storage) migrate(ctx context.Context) error {
	var version int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("storage: read schema version: %w", describe(err))
	}
	for v := version; v < len(migrations); v++ {
		if err := s.applyMigration(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

func (s *Storage) applyMigration(ctx context.Context, v int) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storage: migrate to version %d: %w", v+1, describe(err))
	}
	defer tx.Rollback()
	m := migrations[v]
	err = execNonEmpty(ctx, tx, m.sql)
	if err == nil && m.fn != nil {
		err = m.fn(ctx, tx)
	}
	if err == nil {
		err = execNonEmpty(ctx, tx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, v+1))
	}
	if err != nil {
		return fmt.Errorf("storage: migrate to version %d: %w", v+1, describe(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: migrate to version %d: %w", v+1, describe(err))
	}
	return nil
}

func execNonEmpty(ctx context.Context, tx *sql.Tx, q string) error {
	if q == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, q)
	return err
}

// Close closes the database. Call Flush first to keep pending samples.
func (s *Storage) Close() error {
	s.write.Lock()
	defer s.write.Unlock()
	s.view.Lock()
	defer s.view.Unlock()
	errs := []error{s.stmts.close()}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	return errors.Join(errs...)
}

// Path returns the database file's path.
func (s *Storage) Path() string { return s.path }

// describe turns SQLite result codes users hit into plain words.
func describe(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("the database is locked by another process: %w", err)
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("the disk is full: %w", err)
	case sqlite3.SQLITE_READONLY:
		return fmt.Errorf("the database is read-only: %w", err)
	case sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("the file is not a database: %w", err)
	case sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("the database is damaged: %w", err)
	case sqlite3.SQLITE_CANTOPEN:
		return fmt.Errorf("the database file cannot be opened: %w", err)
	case sqlite3.SQLITE_IOERR:
		return fmt.Errorf("a disk I/O error occurred: %w", err)
	}
	return err
}
