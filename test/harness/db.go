package harness

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netpulse/netpulse/storage"
	_ "modernc.org/sqlite" // the same pure-Go SQLite netpulse uses
)

// OpenDB opens a database file with SQLite, for inspection.
func OpenDB(path string, params string) (*sql.DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)"
	if params != "" {
		dsn += "&" + params
	}
	return sql.Open("sqlite", dsn)
}

// Integrity runs PRAGMA integrity_check on the database at path and returns
// its answer ("ok" for a sound file).
func Integrity(path string) (string, error) {
	db, err := OpenDB(path, "")
	if err != nil {
		return "", err
	}
	defer db.Close()
	rows, err := db.Query("PRAGMA integrity_check")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return "", err
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "; "), rows.Err()
}

// IntegrityOfCopy copies the database and its WAL (not the shared-memory
// index, which SQLite rebuilds) as a crash left them, and checks the copy.
// The original stays exactly as it was for netpulse to recover from.
func IntegrityOfCopy(t testing.TB, path string) string {
	t.Helper()
	dir := t.TempDir()
	dst := filepath.Join(dir, filepath.Base(path))
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(path+suffix, dst+suffix); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	res, err := Integrity(dst)
	if err != nil {
		t.Fatalf("integrity check of a copy of %s: %v", path, err)
	}
	return res
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TierTotals returns the rx and tx sums of iface in every rollup table of
// a stopped netpulse's database: every tier must hold the same totals.
func TierTotals(path, iface string) (map[string][2]uint64, error) {
	db, err := OpenDB(path, "")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out := map[string][2]uint64{}
	raw, err := rawTotals(db, iface)
	if err != nil {
		return nil, fmt.Errorf("traffic_raw: %w", err)
	}
	out["traffic_raw"] = raw
	for _, table := range []string{"traffic_1m", "traffic_15m", "traffic_1h"} {
		var rx, tx int64
		err := db.QueryRowContext(context.Background(), `
			SELECT coalesce(sum(x.rx), 0), coalesce(sum(x.tx), 0)
			FROM `+table+` x JOIN interfaces i ON i.id = x.iface WHERE i.name = ?`, iface).Scan(&rx, &tx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", table, err)
		}
		out[table] = [2]uint64{uint64(rx), uint64(tx)}
	}
	return out, nil
}

// rawTotals sums iface's seconds in the raw tier, whose rows each pack a
// minute of them.
func rawTotals(db *sql.DB, iface string) ([2]uint64, error) {
	rows, err := db.QueryContext(context.Background(), `
		SELECT x.t, x.secs FROM traffic_raw x JOIN interfaces i ON i.id = x.iface WHERE i.name = ?`, iface)
	if err != nil {
		return [2]uint64{}, err
	}
	defer rows.Close()
	var sum [2]uint64
	for rows.Next() {
		var t int64
		var packed []byte
		var row storage.RawRow
		if err := rows.Scan(&t, &packed); err != nil {
			return sum, err
		}
		if err := row.Unpack(packed); err != nil {
			return sum, fmt.Errorf("row at %d: %w", t, err)
		}
		for _, v := range row.Seconds {
			sum[0] += v.Rx
			sum[1] += v.Tx
		}
	}
	return sum, rows.Err()
}

// ExpectStoredTotals checks a stopped netpulse's database: integrity_check
// says ok and every tier holds exactly the kernel's growth.
func ExpectStoredTotals(t testing.TB, path, iface string, rx, tx uint64) {
	t.Helper()
	if res, err := Integrity(path); err != nil || res != "ok" {
		t.Fatalf("PRAGMA integrity_check on %s: %q, %v", path, res, err)
	}
	tiers, err := TierTotals(path, iface)
	if err != nil {
		t.Fatal(err)
	}
	for table, v := range tiers {
		if v[0] != rx || v[1] != tx {
			t.Errorf("%s holds rx %d tx %d for %s; the kernel counted rx %d tx %d", table, v[0], v[1], iface, rx, tx)
		}
	}
	if !t.Failed() {
		t.Logf("database: integrity ok; all 4 tiers hold rx %d tx %d", rx, tx)
	}
}

// WALTail reports how a write-ahead log ends: the number of valid frames,
// and how many of them follow the last commit frame, that is, belong to a
// transaction that never committed. SQLite ignores those frames on
// recovery; a crash in the middle of a flush leaves them behind.
// Format: https://sqlite.org/fileformat2.html#the_write_ahead_log
func WALTail(path string) (frames, uncommitted int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return 0, 0, nil
		}
		return 0, 0, err
	}
	if len(b) < 32 {
		return 0, 0, nil
	}
	magic := binary.BigEndian.Uint32(b[0:])
	if magic != 0x377f0682 && magic != 0x377f0683 {
		return 0, 0, fmt.Errorf("%s: not a WAL file", path)
	}
	pageSize := int(binary.BigEndian.Uint32(b[8:]))
	salt1, salt2 := binary.BigEndian.Uint32(b[16:]), binary.BigEndian.Uint32(b[20:])
	for off := 32; off+24 <= len(b); off += 24 + pageSize {
		h := b[off : off+24]
		if binary.BigEndian.Uint32(h[8:]) != salt1 || binary.BigEndian.Uint32(h[12:]) != salt2 {
			break // a frame of an earlier generation of the log, or unwritten space
		}
		frames++
		if binary.BigEndian.Uint32(h[4:]) != 0 {
			uncommitted = 0 // a commit frame ends a transaction
		} else {
			uncommitted++
		}
	}
	return frames, uncommitted, nil
}
