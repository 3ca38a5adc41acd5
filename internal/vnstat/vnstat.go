// Package vnstat reads the traffic history in a vnStat 2.x database, for
// importing it into Net-Pulse.
package vnstat

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// Level is one of vnStat's tables of periods, finest first.
type Level int

const (
	FiveMinute Level = iota
	Hour
	Day
	Month
	Year
)

// Levels are all levels, finest first.
var Levels = []Level{FiveMinute, Hour, Day, Month, Year}

// table is the level's table in the vnStat database.
func (l Level) table() string { return levelTables[l] }

var levelTables = [...]string{"fiveminute", "hour", "day", "month", "year"}

func (l Level) String() string { return l.table() }

// span is the period of level l of the row dated date, in date's zone:
// to the next local hour, day, month or year, so a day with a DST change
// is 23 or 25 hours long, as in vnStat. Months, and with RotateYears
// years, begin on c's MonthRotate day: vnStat dates them by their first
// day of the calendar month (or year) they begin in.
func (l Level) span(date time.Time, c Config) (start, end time.Time) {
	y, m, d := date.Date()
	h, mi, _ := date.Clock()
	loc := date.Location()
	rotate := max(c.MonthRotate, 1)
	switch l {
	case FiveMinute:
		return date, time.Date(y, m, d, h, mi+5, 0, 0, loc)
	case Hour:
		return date, time.Date(y, m, d, h+1, 0, 0, 0, loc)
	case Day:
		return date, time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	case Month:
		return time.Date(y, m, rotate, 0, 0, 0, 0, loc), time.Date(y, m+1, rotate, 0, 0, 0, 0, loc)
	default:
		if !c.RotateYears {
			rotate = 1
		}
		return time.Date(y, 1, rotate, 0, 0, 0, 0, loc), time.Date(y+1, 1, rotate, 0, 0, 0, 0, loc)
	}
}

// Period is the traffic vnStat counted in [Start, End).
type Period struct {
	Start, End time.Time
	Rx, Tx     uint64
	// Straddled: a year whose months do not nest in it (MonthRotate
	// without MonthRotateAffectsYears): the month that begins in its
	// December ends in the next year, which counts that part.
	Straddled bool
}

// Interface is one interface's history: its periods per level, each level
// sorted by time.
type Interface struct {
	Name    string
	Periods [len(levelTables)][]Period // by Level
}

// DB is an open vnStat database.
type DB struct {
	path string
	db   *sql.DB
}

// Open opens the vnStat 2.x database at path read-only and as immutable:
// SQLite then takes no locks and writes nothing, so a running vnstatd is
// not disturbed. Anything else is refused with an error saying what the
// file is.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := checkFile(path); err != nil {
		return nil, err
	}
	// An immutable database is read without its write-ahead log: what
	// vnstatd has put there (with DatabaseWriteAheadLogging on) would be
	// missed, and its periods then skipped as imported by the next run.
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		return nil, fmt.Errorf("vnstat: %s-wal holds changes vnstatd has not yet written into %s (vnStat's DatabaseWriteAheadLogging is on): stop vnstatd, which writes them in as it exits, then import again", path, path)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&immutable=1"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("vnstat: open %s: %w", path, err)
	}
	d := &DB{path: path, db: db}
	if err := d.check(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// ErrNotVnStat is wrapped by every refusal of a file that is not a vnStat
// 2.x database.
var ErrNotVnStat = errors.New("not a vnStat 2.x database")

// checkFile refuses files that are not SQLite databases before SQLite
// reads them, naming a vnStat 1.x file as such.
func checkFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("vnstat: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return fmt.Errorf("vnstat: %w", err)
	} else if st.IsDir() {
		return fmt.Errorf("vnstat: %s is a directory; give the database file, usually /var/lib/vnstat/vnstat.db: %w", path, ErrNotVnStat)
	}
	head := make([]byte, 100)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return fmt.Errorf("vnstat: read %s: %w", path, err)
	}
	head = head[:n]
	if bytes.HasPrefix(head, []byte("SQLite format 3\x00")) {
		return nil
	}
	if legacy(head) {
		return fmt.Errorf("vnstat: %s is a vnStat 1.x database (one file per interface); Net-Pulse reads vnStat 2.x databases: "+
			"let vnStat 2.x convert it first, then import its vnstat.db: %w", path, ErrNotVnStat)
	}
	return fmt.Errorf("vnstat: %s is not a vnStat database (not an SQLite file): %w", path, ErrNotVnStat)
}

// legacy reports whether head starts like a vnStat 1.x data file: a
// version number from 1 to 3, then the interface's name, a NUL-terminated
// string in 32 bytes.
func legacy(head []byte) bool {
	if len(head) < 36 {
		return false
	}
	v := binary.LittleEndian.Uint32(head)
	if v < 1 || v > 3 {
		return false
	}
	name := head[4:36]
	end := bytes.IndexByte(name, 0)
	if end <= 0 {
		return false
	}
	for _, c := range name[:end] {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// check refuses SQLite files that are not vnStat 2.x databases.
func (d *DB) check(ctx context.Context) error {
	var tables int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table'
		AND name IN ('info', 'interface', 'fiveminute', 'hour', 'day', 'month', 'year')`).Scan(&tables)
	if err != nil {
		return fmt.Errorf("vnstat: %s cannot be read as a database: %w", d.path, err)
	}
	if tables != 7 {
		var appID int
		d.db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID)
		if appID == 0x4e504c53 {
			return fmt.Errorf("vnstat: %s is a Net-Pulse database, not vnStat's: %w", d.path, ErrNotVnStat)
		}
		return fmt.Errorf("vnstat: %s is an SQLite database of another program (it lacks vnStat's tables): %w", d.path, ErrNotVnStat)
	}
	var version string
	err = d.db.QueryRowContext(ctx, "SELECT value FROM info WHERE name = 'dbversion'").Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("vnstat: %s has no vnStat database version: %w", d.path, ErrNotVnStat)
	}
	if err != nil {
		return fmt.Errorf("vnstat: read %s: %w", d.path, err)
	}
	if version != "1" {
		return fmt.Errorf("vnstat: %s has vnStat database version %s; Net-Pulse reads version 1 (vnStat 2.x): %w", d.path, version, ErrNotVnStat)
	}
	return nil
}

// Interfaces reads every interface's history as vnStat configured with c
// wrote it. vnStat writes local times (unless c.UseUTC); loc is the zone
// they are read in, the one vnstatd ran in.
func (d *DB) Interfaces(ctx context.Context, c Config, loc *time.Location) ([]Interface, error) {
	if c.UseUTC {
		loc = time.UTC
	}
	rows, err := d.db.QueryContext(ctx, "SELECT id, name FROM interface ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("vnstat: read interfaces of %s: %w", d.path, err)
	}
	var ids []int64
	var out []Interface
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("vnstat: read interfaces of %s: %w", d.path, err)
		}
		ids = append(ids, id)
		out = append(out, Interface{Name: name})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vnstat: read interfaces of %s: %w", d.path, err)
	}
	for i, id := range ids {
		for _, l := range Levels {
			ps, err := d.periods(ctx, l, id, c, loc)
			if err != nil {
				return nil, err
			}
			out[i].Periods[l] = ps
		}
	}
	return out, nil
}

// periods reads one interface's periods of level l.
func (d *DB) periods(ctx context.Context, l Level, iface int64, c Config, loc *time.Location) ([]Period, error) {
	// date || '': the text as stored; the driver turns a column declared
	// DATE into a time in UTC.
	rows, err := d.db.QueryContext(ctx, "SELECT date || '', rx, tx FROM "+l.table()+" WHERE interface = ? ORDER BY date", iface)
	if err != nil {
		return nil, fmt.Errorf("vnstat: read %s of %s: %w", l, d.path, err)
	}
	defer rows.Close()
	var out []Period
	for rows.Next() {
		var date string
		var rx, tx int64
		if err := rows.Scan(&date, &rx, &tx); err != nil {
			return nil, fmt.Errorf("vnstat: read %s of %s: %w", l, d.path, err)
		}
		at, err := parseDate(date, loc)
		if err != nil || rx < 0 || tx < 0 {
			return nil, fmt.Errorf("vnstat: %s of %s: a row dated %q with rx %d and tx %d cannot be read", l, d.path, date, rx, tx)
		}
		start, end := l.span(at, c)
		out = append(out, Period{Start: start, End: end, Rx: uint64(rx), Tx: uint64(tx),
			Straddled: l == Year && c.MonthRotate > 1 && !c.RotateYears})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vnstat: read %s of %s: %w", l, d.path, err)
	}
	return out, nil
}

// parseDate reads vnStat's dates: "2026-12-05 09:35:00" for five minutes
// and hours, "2026-12-05" for the longer periods.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	if len(s) == len("2006-01-02") {
		return time.ParseInLocation("2006-01-02", s, loc)
	}
	const layout = "2006-01-02 15:04:05"
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		return t, err
	}
	// A local time that happens twice (the hour a DST change repeats) is
	// one row in vnStat holding both: it starts at the first.
	if earlier := t.Add(-time.Hour); earlier.Format(layout) == s {
		return earlier, nil
	}
	return t, nil
}
