package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math/bits"
	"slices"
	"strings"
	"time"
)

// ring is the raw tier: one-second buckets, a minute of them packed into
// each row (see packed.go), in a ring of rows per interface. A row is
// overwritten in place a ring later, so the tier keeps a fixed size
// without deleting rows (migrations 2 and 3). A row's key is
// iface × slots + slot, so each interface's rows are one key range in
// slot order, and queries and retention read only the ranges they need.
type ring struct {
	table string
	slots int64         // rows per interface
	span  int64         // seconds one row holds
	keep  time.Duration // how far back queries may ask
	// pruned is where the last prune ended (unix seconds); 0 until the
	// first. Only Prune touches it, under Storage.write.
	pruned int64
}

// SecondsKept is how far back the one-second history reaches. Groups that
// are not whole minutes are read from it alone: the tiers' buckets are a
// minute and longer.
const SecondsKept = 24 * time.Hour

// newRawRing returns the raw tier's ring: a day and a minute of rows. A
// row is replaced a whole minute at a time, so a ring of exactly a day
// would drop the oldest seconds of a full day's view a little early.
func newRawRing() ring {
	return ring{table: "traffic_raw", slots: int64(SecondsKept/time.Minute) + 1, span: 60, keep: SecondsKept}
}

// slot is where the row holding time unix lives.
func (g *ring) slot(unix int64) int64 { return mod(unix/g.span, g.slots) }

// rowStart is the start of the row holding time unix.
func (g *ring) rowStart(unix int64) int64 { return unix - mod(unix, g.span) }

// rowID is the key of an interface's row in a slot.
func (g *ring) rowID(iface, slot int64) int64 { return iface*g.slots + slot }

// slotRanges returns the slots that hold the times in [from, to), as two
// ranges [lo, hi) in time order; the second is empty unless the window
// wraps around the end of the ring.
func (g *ring) slotRanges(from, to int64) [2][2]int64 {
	first := g.rowStart(from)
	n := (to - first + g.span - 1) / g.span // rows in the window
	if n >= g.slots {
		return [2][2]int64{{0, g.slots}, {0, 0}}
	}
	lo := g.slot(first)
	if n <= 0 {
		return [2][2]int64{{lo, lo}, {0, 0}}
	}
	if hi := lo + n; hi <= g.slots {
		return [2][2]int64{{lo, hi}, {0, 0}}
	}
	return [2][2]int64{{lo, g.slots}, {0, lo + n - g.slots}}
}

// idWhere is the SQL condition that bounds a scan to the rows of the
// interfaces ifaces that hold times in [from, to), with its arguments: a
// key range per interface, or two for a window that wraps around the
// ring's end, later slots first so that rows still come in time order.
func (g *ring) idWhere(ifaces []int64, from, to int64) (string, []any) {
	r := g.slotRanges(from, to)
	var terms []string
	var args []any
	for _, id := range ifaces {
		for _, sr := range r {
			if sr[1] > sr[0] {
				terms = append(terms, "id >= ? AND id < ?")
				args = append(args, g.rowID(id, sr[0]), g.rowID(id, sr[1]))
			}
		}
	}
	if len(terms) == 0 {
		return " AND false", nil
	}
	return " AND (" + strings.Join(terms, " OR ") + ")", args
}

// readKey names the statement reading one row.
func (g *ring) readKey() stmtKey { return stmtKey{g.table, 0} }

// writeKey names the statement writing one row.
func (g *ring) writeKey() stmtKey { return stmtKey{g.table, 1} }

// statements are the statements a flush runs on the ring.
func (g *ring) statements() map[stmtKey]string {
	return map[stmtKey]string{
		g.readKey(): "SELECT t, secs FROM " + g.table + " WHERE id = ?",
		g.writeKey(): "INSERT INTO " + g.table + " (id, iface, t, secs) VALUES (?, ?, ?, ?)" +
			" ON CONFLICT (id) DO UPDATE SET t = excluded.t, secs = excluded.secs",
	}
}

// write adds the batch into the ring's rows. Each row is read back first,
// since a flush usually ends inside a minute the next one continues, and
// written whole. A row holding an older minute is replaced; a minute older
// than its slot's row (written late, after a clock step) is too old for
// the ring and left out, as retention would have deleted it. Records
// marked SkipRaw are left out.
func (g *ring) write(ctx context.Context, tx *sql.Tx, stmts *stmtCache, batch []Record, ids map[string]int64) error {
	rows := map[bucketKey]*RawRow{}
	var order []bucketKey
	for _, r := range batch {
		if r.SkipRaw {
			continue
		}
		sec := r.Time.Unix()
		k := bucketKey{g.rowStart(sec), r.Interface}
		row, ok := rows[k]
		if !ok {
			row = &RawRow{}
			rows[k] = row
			order = append(order, k)
		}
		row.add(sec-k.t, r)
	}
	// Oldest first: of two minutes that share a slot, the newer stays.
	slices.SortStableFunc(order, func(a, b bucketKey) int { return cmp.Compare(a.t, b.t) })
	read, err := stmts.stmt(ctx, tx, g.readKey())
	if err != nil {
		return fmt.Errorf("storage: flush %s: %w", g.table, err)
	}
	write, err := stmts.stmt(ctx, tx, g.writeKey())
	if err != nil {
		return fmt.Errorf("storage: flush %s: %w", g.table, err)
	}
	var stored RawRow
	var buf []byte
	for _, k := range order {
		row, iface := rows[k], ids[k.iface]
		id := g.rowID(iface, g.slot(k.t))
		var storedT int64
		var packed []byte
		err := read.QueryRowContext(ctx, id).Scan(&storedT, &packed)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("storage: flush %s: %w", g.table, describe(err))
		case storedT > k.t:
			continue
		case storedT == k.t:
			// A row that cannot be read back is replaced by what this
			// flush knows, rather than stopping every flush after it.
			if stored.Unpack(packed) == nil {
				row.merge(&stored)
			}
		}
		buf = row.Pack(buf[:0])
		if _, err := write.ExecContext(ctx, id, iface, k.t, buf); err != nil {
			return fmt.Errorf("storage: flush %s: %w", g.table, describe(err))
		}
	}
	return nil
}

// query adds the seconds of the ring's rows that fall in the query's
// buckets, passing each to add with its interface id and bucket index.
// The rows are unpacked here rather than summed inside SQLite; a ring
// holds about a day of minutes per interface.
func (g *ring) query(ctx context.Context, db *sql.DB, q Query, starts []int64, names map[int64]string, add func(id int64, b int, v Bucket)) error {
	first, last := starts[0], starts[len(starts)-1]
	cond, idArgs := g.idWhere(slices.Sorted(maps.Keys(names)), first, last)
	args := append([]any{g.rowStart(first), last}, idArgs...)
	rows, err := db.QueryContext(ctx, "SELECT iface, t, secs FROM "+g.table+" WHERE t >= ? AND t < ?"+cond, args...)
	if err != nil {
		return fmt.Errorf("storage: query %s: %w", g.table, describe(err))
	}
	defer rows.Close()
	group := int64(q.Group / time.Second)
	var row RawRow
	for rows.Next() {
		var id, rowT int64
		var packed sql.RawBytes
		if err := rows.Scan(&id, &rowT, &packed); err != nil {
			return fmt.Errorf("storage: query %s: %w", g.table, describe(err))
		}
		if err := row.Unpack(packed); err != nil {
			return fmt.Errorf("storage: query %s: %w", g.table, describeRawRow(names[id], rowT, err))
		}
		for p := row.Present; p != 0; p &= p - 1 {
			i := bits.TrailingZeros64(p)
			sec := rowT + int64(i)
			if sec < first || sec >= last {
				continue
			}
			var b int
			if Calendar(q.Group) {
				b, _ = bucketIndex(starts, sec) // sec is inside [first, last)
			} else {
				b = int((sec - first) / group)
			}
			v := &row.Seconds[i]
			add(id, b, Bucket{Rx: v.Rx, Tx: v.Tx, RxPkts: v.RxPkts, TxPkts: v.TxPkts, RxPeak: v.RxPeak, TxPeak: v.TxPeak, Faults: v.Faults})
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: query %s: %w", g.table, describe(err))
	}
	return nil
}

// maxFlushGap is the longest a recorded poll waits in memory before a
// flush writes it (app caps --flush-interval at an hour). A slot whose row
// is not that much past the cutoff may still be about to be overwritten.
const maxFlushGap = time.Hour

// prune deletes the rows older than the ring keeps, as of now. Polls
// overwrite their slots, so such rows are only left where no poll came
// (the daemon was stopped, an interface is no longer monitored, polls are
// more than a second apart). Only the slots that have passed the cutoff
// since the last run are looked at; the first run after opening looks at
// all of them.
func (g *ring) prune(ctx context.Context, db *sql.DB, now time.Time) (int64, error) {
	end := now.Add(-g.keep - maxFlushGap).Unix()
	from := g.pruned
	if from == 0 || from > end {
		from = end - g.slots*g.span
	}
	// Only whole rows before end go: a row's seconds are kept or dropped
	// together.
	end = g.rowStart(end)
	ifaces, err := interfaceRowIDs(ctx, db)
	if err != nil {
		return 0, fmt.Errorf("storage: prune %s: %w", g.table, err)
	}
	var n int64
	for chunk := range slices.Chunk(ifaces, 200) {
		cond, idArgs := g.idWhere(chunk, from, end)
		deleted, err := execCount(ctx, db, "DELETE FROM "+g.table+" WHERE t < ?"+cond, append([]any{end}, idArgs...)...)
		if err != nil {
			return n, fmt.Errorf("storage: prune %s: %w", g.table, err)
		}
		n += deleted
	}
	g.pruned = end
	return n, nil
}

// interfaceRowIDs returns the row id of every interface ever recorded.
func interfaceRowIDs(ctx context.Context, db *sql.DB) ([]int64, error) {
	rows, err := db.QueryContext(ctx, "SELECT id FROM interfaces ORDER BY id")
	if err != nil {
		return nil, describe(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, describe(err)
		}
		ids = append(ids, id)
	}
	return ids, describe(rows.Err())
}
