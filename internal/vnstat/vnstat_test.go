package vnstat

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// schema is vnStat 2.x's (dbversion 1), as vnstatd --initdb creates it.
const schema = `
CREATE TABLE info(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, value TEXT NOT NULL);
CREATE TABLE interface(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, alias TEXT, active INTEGER NOT NULL,
	created DATE NOT NULL, updated DATE NOT NULL, rxcounter INTEGER NOT NULL, txcounter INTEGER NOT NULL,
	rxtotal INTEGER NOT NULL, txtotal INTEGER NOT NULL);
CREATE TABLE fiveminute(id INTEGER PRIMARY KEY, interface INTEGER REFERENCES interface(id) ON DELETE CASCADE, date DATE NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL, CONSTRAINT u UNIQUE (interface, date));
CREATE TABLE hour(id INTEGER PRIMARY KEY, interface INTEGER REFERENCES interface(id) ON DELETE CASCADE, date DATE NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL, CONSTRAINT u UNIQUE (interface, date));
CREATE TABLE day(id INTEGER PRIMARY KEY, interface INTEGER REFERENCES interface(id) ON DELETE CASCADE, date DATE NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL, CONSTRAINT u UNIQUE (interface, date));
CREATE TABLE month(id INTEGER PRIMARY KEY, interface INTEGER REFERENCES interface(id) ON DELETE CASCADE, date DATE NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL, CONSTRAINT u UNIQUE (interface, date));
CREATE TABLE year(id INTEGER PRIMARY KEY, interface INTEGER REFERENCES interface(id) ON DELETE CASCADE, date DATE NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL, CONSTRAINT u UNIQUE (interface, date));
CREATE TABLE top(id INTEGER PRIMARY KEY, interface INTEGER REFERENCES interface(id) ON DELETE CASCADE, date DATE NOT NULL, rx INTEGER NOT NULL, tx INTEGER NOT NULL, CONSTRAINT u UNIQUE (interface, date));
INSERT INTO info (name, value) VALUES ('vnstatversion', '2.10'), ('dbversion', '1');
INSERT INTO interface VALUES (1, 'eth0', NULL, 1, '2025-10-01 10:00:00', '2025-10-26 03:10:00', 0, 0, 0, 0);
INSERT INTO interface VALUES (2, 'wlan0', 'Wi-Fi', 1, '2025-10-01 10:00:00', '2025-10-26 03:10:00', 0, 0, 0, 0);
-- 26 October 2025 in Berlin: 02:00 to 03:00 happens twice.
INSERT INTO fiveminute (interface, date, rx, tx) VALUES (1, '2025-10-26 02:55:00', 5, 6), (1, '2025-10-26 03:00:00', 7, 8);
INSERT INTO hour (interface, date, rx, tx) VALUES (1, '2025-10-26 02:00:00', 50, 60), (1, '2025-10-26 03:00:00', 70, 80);
INSERT INTO day (interface, date, rx, tx) VALUES (1, '2025-10-26', 500, 600), (1, '2025-10-25', 1, 2), (2, '2025-10-26', 9, 9);
INSERT INTO month (interface, date, rx, tx) VALUES (1, '2025-10-01', 5000, 6000);
INSERT INTO year (interface, date, rx, tx) VALUES (1, '2025-01-01', 50000, 60000);
`

// fixture writes a database from SQL and returns its path.
func fixture(t *testing.T, sqlText string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vnstat.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(sqlText); err != nil {
		t.Fatal(err)
	}
	return path
}

// openSchema opens the schema's database, whose times are Berlin's.
func openSchema(t *testing.T) (*DB, *time.Location) {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), fixture(t, schema))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, loc
}

func TestInterfacesReadsEveryLevelInLocalTime(t *testing.T) {
	db, loc := openSchema(t)
	ifaces, err := db.Interfaces(context.Background(), DefaultConfig(), loc)
	if err != nil {
		t.Fatal(err)
	}
	if len(ifaces) != 2 || ifaces[0].Name != "eth0" || ifaces[1].Name != "wlan0" {
		t.Fatalf("interfaces %+v", ifaces)
	}
	at := func(d, h, m int) time.Time { return time.Date(2025, 10, d, h, m, 0, 0, loc) }
	eth := ifaces[0].Periods
	for _, tc := range []struct {
		name  string
		got   Period
		start time.Time
		hours float64
		rx    uint64
	}{
		// Times that happen twice start at the first, summer time's, and
		// last to the second's end.
		{"five minutes that happen twice", eth[FiveMinute][0], time.Date(2025, 10, 26, 0, 55, 0, 0, time.UTC), 65.0 / 60, 5},
		{"hour that happens twice", eth[Hour][0], time.Date(2025, 10, 26, 0, 0, 0, 0, time.UTC), 2, 50},
		{"hour after", eth[Hour][1], at(26, 3, 0), 1, 70},
		{"25-hour day", eth[Day][1], at(26, 0, 0), 25, 500},
		{"day before, sorted first", eth[Day][0], at(25, 0, 0), 24, 1},
		{"month", eth[Month][0], at(1, 0, 0), 31*24 + 1, 5000},
		{"year", eth[Year][0], time.Date(2025, 1, 1, 0, 0, 0, 0, loc), 365 * 24, 50000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.got.Start.Equal(tc.start) || tc.got.End.Sub(tc.got.Start).Hours() != tc.hours || tc.got.Rx != tc.rx {
				t.Errorf("got %s to %s rx %d, want %s for %vh rx %d", tc.got.Start, tc.got.End, tc.got.Rx, tc.start, tc.hours, tc.rx)
			}
		})
	}
	if w := ifaces[1].Periods; len(w[Day]) != 1 || len(w[Hour]) != 0 || w[Day][0].Tx != 9 {
		t.Errorf("wlan0: %+v", w)
	}
}

func TestOpenRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A vnStat 1.x file starts with its format version and the interface.
	legacyFile := make([]byte, 1024)
	binary.LittleEndian.PutUint32(legacyFile, 3)
	copy(legacyFile[4:], "eth0")
	for _, tc := range []struct {
		name, path, msg string
	}{
		{"vnStat 1.x", write("eth0", legacyFile), "vnStat 1.x database"},
		{"text", write("notes.txt", []byte("hello\n")), "not a vnStat database (not an SQLite file)"},
		{"empty", write("empty.db", nil), "not a vnStat database"},
		{"directory", dir, "is a directory"},
		{"missing", filepath.Join(dir, "nope.db"), "no such file"},
		{"another program's", fixture(t, "CREATE TABLE t (x)"), "SQLite database of another program"},
		{"Net-Pulse's", fixture(t, "PRAGMA application_id = 1313885267; CREATE TABLE interfaces (x)"), "is a Net-Pulse database"},
		{"newer vnStat", fixture(t, strings.Replace(schema, "('dbversion', '1')", "('dbversion', '2')", 1)), "vnStat database version 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := os.ReadFile(tc.path)
			db, err := Open(context.Background(), tc.path)
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q, want it to say %q", err, tc.msg)
			}
			if tc.name != "missing" && tc.name != "directory" && !errors.Is(err, ErrNotVnStat) {
				t.Errorf("error %v does not wrap ErrNotVnStat", err)
			}
			if after, _ := os.ReadFile(tc.path); string(after) != string(before) {
				t.Error("the file changed")
			}
		})
	}
}

// With vnStat's DatabaseWriteAheadLogging on, changes vnstatd has not yet
// written into the database sit in its -wal file, which an immutable open
// does not read: the import refuses, saying why, rather than miss them.
func TestOpenRefusesUnwrittenWriteAheadLog(t *testing.T) {
	path := fixture(t, schema)
	vnstatd, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer vnstatd.Close()
	vnstatd.SetMaxOpenConns(1)
	for _, q := range []string{
		"PRAGMA journal_mode = WAL",
		"PRAGMA wal_autocheckpoint = 0",
		"INSERT INTO day (interface, date, rx, tx) VALUES (1, '2025-10-27', 1000000, 1)",
	} {
		if _, err := vnstatd.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db, err := Open(context.Background(), path)
	if err == nil {
		db.Close()
		t.Fatal("opened while the write-ahead log held changes")
	}
	if !strings.Contains(err.Error(), "vnstat.db-wal holds changes vnstatd has not yet written") {
		t.Errorf("error %q does not say why", err)
	}
	// Once vnstatd exits, its changes are in the database and are read.
	if err := vnstatd.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ifaces, err := db.Interfaces(context.Background(), DefaultConfig(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	var rx uint64
	for _, p := range ifaces[0].Periods[Day] {
		rx += p.Rx
	}
	if rx != 500+1+1000000 {
		t.Errorf("eth0's days received %d bytes, want %d", rx, 500+1+1000000)
	}
}
