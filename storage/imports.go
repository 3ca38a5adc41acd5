package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ImportPeriod is traffic another tool counted in [Start, End), unix
// seconds.
type ImportPeriod struct {
	Start, End int64
	Rx, Tx     uint64
	// Straddled: shorter periods that begin in this one may run into the
	// next period of its level (vnStat's months beginning on the 15th
	// cross its calendar years). What they hold beyond this period then
	// belongs to the next one, and counts against it.
	Straddled bool
}

// ImportTier is what an import adds to one tier.
type ImportTier struct {
	Table   string
	Buckets int
	Rx, Tx  uint64
}

// ImportReport says what an import of one interface's history adds.
type ImportReport struct {
	Interface string
	Periods   int // periods taken
	// Repeated periods were imported before; Later ones end after
	// Net-Pulse's own history of the interface begins (at OwnStart, unix
	// seconds, 0 when there is none), which wins.
	Repeated, Later int
	OwnStart        int64
	Start, End      int64 // the span of the periods taken
	Rx, Tx          uint64
	Tiers           []ImportTier // finest first; tiers with nothing left out
	// Excess counts periods whose finer periods held more traffic than
	// they did; the finer ones are kept.
	Excess int
}

// ErrInUse means the database is open in another process, a running
// Net-Pulse most likely.
var ErrInUse = errors.New("the database is in use by another process; stop the running Net-Pulse (or whatever holds it open) and try again")

// Importer adds another tool's history to a Net-Pulse database. It holds
// the database exclusively, in one transaction, from OpenImporter to
// Commit or Close.
type Importer struct {
	path string
	db   *sql.DB
	tx   *sql.Tx
	now  time.Time
}

// OpenImporter opens the database at path (creating and migrating it if
// needed) for an import. A database another process has open, a running
// Net-Pulse, is refused with ErrInUse before anything is written.
func OpenImporter(ctx context.Context, path string) (*Importer, error) {
	if _, err := os.Stat(path); err == nil {
		im, err := exclusive(ctx, path)
		if err != nil {
			return nil, err
		}
		im.Close()
	}
	s, err := Open(ctx, path) // checks, creates, migrates
	if err != nil {
		return nil, err
	}
	if err := s.Close(); err != nil {
		return nil, fmt.Errorf("storage: close %s: %w", path, err)
	}
	return exclusive(ctx, path)
}

// OpenImporterCopy opens, for a dry run, a copy in dir of the database at
// path: the plan is made against it, with the copy migrated, and the
// original is left as it was (an older Net-Pulse can still open it). A
// database in use is refused as by OpenImporter; none at path plans
// against an empty one.
func OpenImporterCopy(ctx context.Context, path, dir string) (*Importer, error) {
	dst := filepath.Join(dir, "netpulse.db")
	if _, err := os.Stat(path); err == nil {
		im, err := exclusive(ctx, path)
		if err != nil {
			return nil, err
		}
		// VACUUM runs outside a transaction; the exclusive lock stays.
		im.tx.Rollback()
		_, err = im.db.ExecContext(ctx, "VACUUM INTO ?", dst)
		im.db.Close()
		if err != nil {
			return nil, fmt.Errorf("storage: copy %s for a dry run: %w", path, describe(err))
		}
	}
	return OpenImporter(ctx, dst)
}

// exclusive opens the database in exclusive locking mode and begins the
// import's transaction. In WAL mode SQLite can then only lock the file
// when no other connection has it open, in this process or another.
func exclusive(ctx context.Context, path string) (*Importer, error) {
	// Not openDB: waiting for the lock would only delay the answer.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=locking_mode(EXCLUSIVE)&_pragma=foreign_keys(1)&_txlock=exclusive"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err == nil {
		// The lock is taken by the first statement.
		_, err = tx.ExecContext(ctx, "SELECT count(*) FROM sqlite_schema")
	}
	if err != nil {
		if tx != nil {
			tx.Rollback()
		}
		db.Close()
		if isBusy(err) {
			return nil, fmt.Errorf("storage: %s: %w", path, ErrInUse)
		}
		return nil, fmt.Errorf("storage: open %s for import: %w", path, describe(err))
	}
	return &Importer{path: path, db: db, tx: tx, now: time.Now()}, nil
}

// Commit writes the imports and closes the database.
func (im *Importer) Commit() error {
	err := im.tx.Commit()
	if cerr := im.db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("storage: import into %s: %w", im.path, describe(err))
	}
	return nil
}

// Close closes the database, discarding what was not committed.
func (im *Importer) Close() error {
	im.tx.Rollback()
	return im.db.Close()
}

// Import adds an interface's history from another tool, source naming it.
// levels are its periods, finest first; each level's periods are disjoint,
// and a coarser period holds the finer ones inside it (a day its hours).
//
// Each period's traffic beyond that of the finer periods inside it goes
// into every tier that keeps the period's time (the hourly tier keeps it
// forever, so calendar totals are exact): into the bucket that holds the
// whole period, or else at the first bucket inside it that the finer
// periods leave free. So every grouping of a window shows all of it,
// whichever tier answers (calendar queries where hours begin at :30 or
// :45 are answered from the 15-minute tier). Imported rows carry no peak
// rates. A period is
// taken only if it ends before Net-Pulse's own history of the interface
// begins and overlaps no earlier import, so nothing is counted twice and a
// second import of the same history adds nothing.
func (im *Importer) Import(ctx context.Context, iface, source string, levels [][]ImportPeriod) (ImportReport, error) {
	rep := ImportReport{Interface: iface}
	id, err := im.interfaceID(ctx, iface)
	if err != nil {
		return rep, err
	}
	if rep.OwnStart, err = im.ownStart(ctx, id); err != nil {
		return rep, err
	}
	spans, err := im.importedSpans(ctx, id)
	if err != nil {
		return rep, err
	}
	var taken [][]ImportPeriod
	for _, ps := range levels {
		var keep []ImportPeriod
		for _, p := range ps {
			switch {
			case p.End <= p.Start:
				return rep, fmt.Errorf("storage: import %s: a period from unix time %d ends at %d, before it starts", iface, p.Start, p.End)
			case overlaps(spans, p.Start, p.End):
				rep.Repeated++
			case rep.OwnStart != 0 && p.End > rep.OwnStart:
				rep.Later++
			default:
				keep = append(keep, p)
			}
		}
		taken = append(taken, keep)
	}
	pieces := im.place(taken, &rep)
	if rep.Periods == 0 {
		return rep, nil
	}
	if err := im.write(ctx, id, pieces, &rep); err != nil {
		return rep, err
	}
	_, err = im.tx.ExecContext(ctx, "INSERT INTO imports (iface, source, start, end, rx, tx, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		id, source, rep.Start, rep.End, int64(rep.Rx), int64(rep.Tx), im.now.Unix())
	if err != nil {
		return rep, fmt.Errorf("storage: import %s: %w", iface, describe(err))
	}
	return rep, nil
}

// piece is traffic put into one tier's bucket.
type piece struct {
	tier   int // index in tiers
	t      int64
	rx, tx uint64
}

// place decides where the periods' traffic goes, see Import.
func (im *Importer) place(levels [][]ImportPeriod, rep *ImportReport) []piece {
	type mark struct {
		t      int64
		rx, tx uint64
	}
	var placed []mark  // traffic taken so far, at the time it was put
	var covered []span // the periods taken so far
	var out []piece
	for _, ps := range levels {
		slices.SortFunc(placed, func(a, b mark) int { return int(a.t - b.t) })
		free := merged(covered)
		var added []span // this level's periods and marks, for the next ones
		var marks []mark
		// What shorter periods placed in a straddled period held beyond
		// it, counted against the next period of the level if it follows.
		var over struct {
			end    int64
			rx, tx uint64
		}
		for _, p := range ps {
			// The finer periods' traffic inside p, already placed.
			lo := sort.Search(len(placed), func(i int) bool { return placed[i].t >= p.Start })
			var rx, tx uint64
			for _, m := range placed[lo:] {
				if m.t >= p.End {
					break
				}
				rx, tx = rx+m.rx, tx+m.tx
			}
			if over.end == p.Start {
				rx, tx = rx+over.rx, tx+over.tx
			}
			over.end, over.rx, over.tx = 0, 0, 0
			if p.Straddled {
				over.end, over.rx, over.tx = p.End, rx-min(rx, p.Rx), tx-min(tx, p.Tx)
			} else if rx > p.Rx || tx > p.Tx {
				rep.Excess++
			}
			rx, tx = p.Rx-min(rx, p.Rx), p.Tx-min(tx, p.Tx)
			if rep.Periods == 0 || p.Start < rep.Start {
				rep.Start = p.Start
			}
			rep.End = max(rep.End, p.End)
			rep.Periods++
			added = append(added, span{p.Start, p.End})
			if rx == 0 && tx == 0 {
				continue
			}
			rep.Rx += rx
			rep.Tx += tx
			// Every tier that keeps p's time gets its traffic, so that
			// every grouping of a window shows it: in the bucket that
			// holds p, or at the first one inside p that the shorter
			// periods leave free.
			for i, t := range tiers {
				fits := t.bucketStart(p.Start) == t.bucketStart(p.End-1)
				kept := t.keep == 0 || p.Start >= im.now.Add(-t.keep).Unix()
				switch {
				case !kept:
				case fits:
					out = append(out, piece{i, t.bucketStart(p.Start), rx, tx})
				default:
					out = append(out, piece{i, freeBucket(free, p, t.bucket), rx, tx})
				}
			}
			// The coarser periods find it at its start: they hold p whole,
			// and the hour it went into may begin before p does.
			marks = append(marks, mark{p.Start, rx, tx})
		}
		covered = append(covered, added...)
		placed = append(placed, marks...)
	}
	return out
}

// span is a time range [from, to).
type span struct{ from, to int64 }

// merged returns the spans sorted and joined where they touch.
func merged(spans []span) []span {
	s := slices.Clone(spans)
	slices.SortFunc(s, func(a, b span) int { return int(a.from - b.from) })
	var out []span
	for _, v := range s {
		if n := len(out); n > 0 && v.from <= out[n-1].to {
			out[n-1].to = max(out[n-1].to, v.to)
			continue
		}
		out = append(out, v)
	}
	return out
}

// freeBucket is the start of the first whole bucket of the given size
// inside p that no span of free (sorted, disjoint) overlaps; failing that,
// the first whole bucket inside p, or the one holding p's start when p
// holds none.
func freeBucket(free []span, p ImportPeriod, size int64) int64 {
	first := p.Start + mod(-p.Start, size)
	if first+size > p.End {
		return p.Start - mod(p.Start, size)
	}
	h := first
	for h+size <= p.End {
		i := sort.Search(len(free), func(i int) bool { return free[i].to > h })
		if i == len(free) || free[i].from >= h+size {
			return h
		}
		h = free[i].to + mod(-free[i].to, size)
	}
	return first
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	c := se.Code() & 0xff
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

// overlaps reports whether [from, to) overlaps any of spans.
func overlaps(spans []span, from, to int64) bool {
	for _, s := range spans {
		if from < s.to && s.from < to {
			return true
		}
	}
	return false
}

// write adds the pieces into the tiers, summed per bucket, as imported rows.
func (im *Importer) write(ctx context.Context, id int64, pieces []piece, rep *ImportReport) error {
	type key struct {
		tier int
		t    int64
	}
	sums := map[key]*RawSecond{}
	var order []key
	for _, p := range pieces {
		k := key{p.tier, p.t}
		if sums[k] == nil {
			sums[k] = &RawSecond{}
			order = append(order, k)
		}
		sums[k].Rx += p.rx
		sums[k].Tx += p.tx
	}
	byTier := map[int]*ImportTier{}
	for _, k := range order {
		t, v := tiers[k.tier], sums[k]
		// Peaks of -1 mark the row as imported (migration 4); a bucket
		// that already holds recorded traffic keeps its peaks.
		_, err := im.tx.ExecContext(ctx, upsertSQL(t, 1), k.t, id, int64(v.Rx), int64(v.Tx), 0, 0, -1, -1)
		if err != nil {
			return fmt.Errorf("storage: import %s into %s: %w", rep.Interface, t.table, describe(err))
		}
		it := byTier[k.tier]
		if it == nil {
			it = &ImportTier{Table: t.table}
			byTier[k.tier] = it
		}
		it.Buckets++
		it.Rx += v.Rx
		it.Tx += v.Tx
	}
	for i := range tiers {
		if it := byTier[i]; it != nil {
			rep.Tiers = append(rep.Tiers, *it)
		}
	}
	return nil
}

// interfaceID returns the interface's row id, creating the row if needed.
func (im *Importer) interfaceID(ctx context.Context, name string) (int64, error) {
	var id int64
	// Looked up first: an import that adds nothing writes nothing.
	err := im.tx.QueryRowContext(ctx, "SELECT id FROM interfaces WHERE name = ?", name).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("storage: import %s: %w", name, describe(err))
	}
	err = im.tx.QueryRowContext(ctx, `
		INSERT INTO interfaces (name, first_seen) VALUES (?, unixepoch())
		ON CONFLICT (name) DO UPDATE SET name = name
		RETURNING id`, name).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("storage: import %s: %w", name, describe(err))
	}
	return id, nil
}

// ownStart is when Net-Pulse's own history of the interface begins, unix
// seconds, 0 when it has none: the first recorded bucket of the coarsest
// tier, made more precise by the finer tiers' first bucket inside it
// where they still hold it.
func (im *Importer) ownStart(ctx context.Context, id int64) (int64, error) {
	var start int64
	for i := len(tiers) - 1; i >= 0; i-- {
		t := tiers[i]
		q := "SELECT min(t) FROM " + t.table + " WHERE iface = ? AND rx_peak >= 0"
		args := []any{id}
		if start != 0 {
			q += " AND t >= ? AND t < ?"
			args = append(args, start, start+tiers[i+1].bucket)
		}
		var first sql.NullInt64
		if err := im.tx.QueryRowContext(ctx, q, args...).Scan(&first); err != nil {
			return 0, fmt.Errorf("storage: import: find recorded history: %w", describe(err))
		}
		if first.Valid {
			start = first.Int64
		}
		if start == 0 {
			return 0, nil
		}
	}
	return start, nil
}

// importedSpans are the spans of the interface's earlier imports.
func (im *Importer) importedSpans(ctx context.Context, id int64) ([]span, error) {
	rows, err := im.tx.QueryContext(ctx, "SELECT start, end FROM imports WHERE iface = ?", id)
	if err != nil {
		return nil, fmt.Errorf("storage: import: read earlier imports: %w", describe(err))
	}
	defer rows.Close()
	var out []span
	for rows.Next() {
		var s span
		if err := rows.Scan(&s.from, &s.to); err != nil {
			return nil, fmt.Errorf("storage: import: read earlier imports: %w", describe(err))
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
