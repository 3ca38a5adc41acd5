package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// tier is one rollup table: buckets of a fixed size, kept for a while.
// The raw tier, finer than every rollup tier, is a ring (see ring.go).
type tier struct {
	table  string
	bucket int64         // seconds
	keep   time.Duration // 0: forever
}

// tiers, finest first. Every flush adds into all of them and into the raw
// ring, so a query of any length reads few rows. The raw ring has a bucket
// per second and so serves any poll interval; 15 minutes lines up with
// every time zone's midnight, hours with all whole-hour zones and make
// year-long views cheap.
//
// Retention follows what can be asked for: a query has at most 10,000
// buckets and the dashboard at most ~1,500 points, so second-level groups
// only ever cover hours and minute groups days. README.md lists these
// defaults and PERFORMANCE.md what each tier costs on disk.
var tiers = []tier{
	{table: "traffic_1m", bucket: 60, keep: 30 * 24 * time.Hour},
	{table: "traffic_15m", bucket: 15 * 60, keep: 5 * 366 * 24 * time.Hour},
	{table: "traffic_1h", bucket: 3600},
}

// faults is the table of the tier's errors and drops (see writeFaults);
// the raw ring keeps them in its packed rows.
func (t tier) faults() string { return t.table + "_faults" }

// pickTier returns the coarsest tier whose buckets nest inside every bucket
// of the query; false when none does and only the raw ring's seconds do.
func pickTier(group time.Duration, starts []int64) (tier, bool) {
	g := int64(group / time.Second)
	for i := len(tiers) - 1; i >= 0; i-- {
		t := tiers[i]
		if g%t.bucket != 0 && !Calendar(group) {
			continue
		}
		aligned := true
		for _, b := range starts {
			if mod(b, t.bucket) != 0 {
				aligned = false
				break
			}
		}
		if aligned {
			return t, true
		}
	}
	return tier{}, false
}

// statements are the statements a flush runs on the tier.
func (t tier) statements() map[stmtKey]string {
	qs := map[stmtKey]string{{t.faults(), 1}: upsertFaultsSQL(t)}
	for _, n := range upsertChunks {
		qs[stmtKey{t.table, n}] = upsertSQL(t, n)
	}
	return qs
}

// bucketKey is an interface's bucket (or the ring's row) starting at t.
type bucketKey struct {
	t     int64
	iface string
}

// write adds the batch into the tier: summed in memory first, so a
// minute of 1-second polls costs one row per interface in the coarse
// tiers, not sixty. Rows go in as multi-row upserts of upsertChunks rows:
// a statement per row spent more in database/sql and binding than SQLite
// spent writing.
func (t tier) write(ctx context.Context, tx *sql.Tx, stmts *stmtCache, batch []Record, ids map[string]int64) error {
	sums := map[bucketKey]*RawSecond{}
	var order []bucketKey
	for _, r := range batch {
		k := bucketKey{t.bucketStart(r.Time.Unix()), r.Interface}
		b, ok := sums[k]
		if !ok {
			b = &RawSecond{}
			sums[k] = b
			order = append(order, k)
		}
		b.merge(sumOf(r))
	}
	args := make([]any, 0, min(len(order), upsertChunks[0])*t.columns())
	for len(order) > 0 {
		n := upsertChunks[len(upsertChunks)-1]
		for _, c := range upsertChunks {
			if c <= len(order) {
				n = c
				break
			}
		}
		args = args[:0]
		for _, k := range order[:n] {
			b := sums[k]
			args = append(args, k.t, ids[k.iface], int64(b.Rx), int64(b.Tx),
				int64(b.RxPkts), int64(b.TxPkts), int64(b.RxPeak), int64(b.TxPeak))
		}
		st, err := stmts.stmt(ctx, tx, stmtKey{t.table, n})
		if err == nil {
			_, err = st.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("storage: flush %s: %w", t.table, describe(err))
		}
		for _, k := range order[:n] {
			if f := sums[k].Faults; f != (Faults{}) {
				if err := t.writeFaults(ctx, tx, stmts, k.t, ids[k.iface], f); err != nil {
					return err
				}
			}
		}
		order = order[n:]
	}
	return nil
}

// writeFaults adds a bucket's errors and drops into the tier's faults
// table. They have a table of their own, written only for the rare bucket
// that has any, so the tier's rows stay as small as before.
func (t tier) writeFaults(ctx context.Context, tx *sql.Tx, stmts *stmtCache, bucket, iface int64, f Faults) error {
	st, err := stmts.stmt(ctx, tx, stmtKey{t.faults(), 1})
	if err == nil {
		_, err = st.ExecContext(ctx, bucket, iface, int64(f.RxErrs), int64(f.TxErrs), int64(f.RxDrops), int64(f.TxDrops))
	}
	if err != nil {
		return fmt.Errorf("storage: flush %s: %w", t.faults(), describe(err))
	}
	return nil
}

// upsertFaultsSQL adds one bucket's errors and drops into tier t.
func upsertFaultsSQL(t tier) string {
	return "INSERT INTO " + t.faults() + ` (t, iface, rx_errs, tx_errs, rx_drops, tx_drops) VALUES (?, ?, ?, ?, ?, ?)
	ON CONFLICT (t, iface) DO UPDATE SET
		rx_errs = rx_errs + excluded.rx_errs, tx_errs = tx_errs + excluded.tx_errs,
		rx_drops = rx_drops + excluded.rx_drops, tx_drops = tx_drops + excluded.tx_drops`
}

// upsertChunks are the row counts of the multi-row upserts, largest first.
var upsertChunks = [...]int{64, 8, 1}

const tierColumns = "(t, iface, rx, tx, rx_pkts, tx_pkts, rx_peak, tx_peak)"

// columns is how many values a row of the tier takes.
func (t tier) columns() int { return strings.Count(tierColumns, ",") + 1 }

// upsertSQL is the statement that adds rows buckets' sums into tier t: a
// bucket's sums add into its row.
func upsertSQL(t tier, rows int) string {
	row := "(?" + strings.Repeat(", ?", t.columns()-1) + ")"
	values := row + strings.Repeat(", "+row, rows-1)
	return "INSERT INTO " + t.table + " " + tierColumns + " VALUES " + values + `
	ON CONFLICT (t, iface) DO UPDATE SET
		rx = rx + excluded.rx, tx = tx + excluded.tx,
		rx_pkts = rx_pkts + excluded.rx_pkts, tx_pkts = tx_pkts + excluded.tx_pkts,
		rx_peak = max(rx_peak, excluded.rx_peak), tx_peak = max(tx_peak, excluded.tx_peak)`
}

// query sums the tier's rows of the interfaces in names (by id) into the
// buckets starting at starts inside SQLite, which hands back one row per
// bucket and interface, passed to add with the bucket's index. Each row's
// bucket is found by arithmetic on t, so the scan follows the primary key
// with no join; calendar buckets add the zone's UTC offset first (see
// localDay).
func (t tier) query(ctx context.Context, db *sql.DB, q Query, starts []int64, names map[int64]string, add func(id int64, b int, v Bucket)) error {
	if len(names) == 0 {
		return nil
	}
	first, last := starts[0], starts[len(starts)-1]
	var index string
	var args []int64 // in the order of the placeholders: index, range, ids
	if Calendar(q.Group) {
		index, args = localDay(q, first, last)
	} else {
		index = fmt.Sprintf("(t - %d) / %d", first, int64(q.Group/time.Second))
	}
	args = append(args, first, last)
	ids := make([]string, 0, len(names))
	for id := range names {
		ids = append(ids, "?")
		args = append(args, id)
	}
	cols := "sum(rx), sum(tx), sum(rx_pkts), sum(tx_pkts), max(rx_peak), max(tx_peak)"
	faultCols := "sum(rx_errs), sum(tx_errs), sum(rx_drops), sum(tx_drops)"
	group := " GROUP BY iface, b"
	if !Calendar(q.Group) && int64(q.Group/time.Second) == t.bucket {
		// One row per bucket already.
		cols, faultCols, group = "rx, tx, rx_pkts, tx_pkts, rx_peak, tx_peak", "rx_errs, tx_errs, rx_drops, tx_drops", ""
	}
	where := " WHERE t >= ? AND t < ? AND iface IN (" + strings.Join(ids, ",") + ")"
	key := "iface, " + index + " AS b, "
	// A row just before a DST change can fall one bucket before the first.
	bucket := func(b int64) int { return int(min(max(b, 0), int64(len(starts)-2))) }
	query := "SELECT " + key + cols + " FROM " + t.table + where + group
	err := queryInts(ctx, db, query, args, func(v []int64) {
		// Only imported rows have negative peaks (migration 4), so a
		// bucket's highest peak is negative when all its rows were
		// imported.
		imported := v[6] < 0
		add(v[0], bucket(v[1]), Bucket{Rx: uint64(v[2]), Tx: uint64(v[3]), RxPkts: uint64(v[4]), TxPkts: uint64(v[5]),
			RxPeak: uint64(max(v[6], 0)), TxPeak: uint64(max(v[7], 0)), Imported: imported})
	})
	if err != nil {
		return fmt.Errorf("storage: query %s: %w", t.table, describe(err))
	}
	// Errors and drops: usually no rows at all.
	query = "SELECT " + key + faultCols + " FROM " + t.faults() + where + group
	err = queryInts(ctx, db, query, args, func(v []int64) {
		add(v[0], bucket(v[1]), Bucket{Faults: Faults{uint64(v[2]), uint64(v[3]), uint64(v[4]), uint64(v[5])}})
	})
	if err != nil {
		return fmt.Errorf("storage: query %s: %w", t.faults(), describe(err))
	}
	return nil
}

// localDay is the SQL expression for the calendar bucket index of a row, and
// its arguments: the row's local time (t plus the UTC offset in force then,
// which changes only at the zone's transitions inside the query), counted
// in buckets from the local midnight that starts the first one.
func localDay(q Query, first, last int64) (string, []int64) {
	loc := q.Location
	if loc == nil {
		loc = time.Local
	}
	at := time.Unix(first, 0).In(loc)
	_, off := at.Zone()
	origin := first + int64(off)
	var cases strings.Builder
	var args []int64
	for {
		end := nextZoneChange(at, last)
		if end.IsZero() {
			break
		}
		cases.WriteString(" WHEN t < ? THEN ?")
		args = append(args, end.Unix(), int64(off))
		at = end
		_, off = at.Zone()
	}
	offset := fmt.Sprint(off)
	if cases.Len() > 0 {
		offset = "CASE" + cases.String() + " ELSE " + offset + " END"
	}
	return fmt.Sprintf("(t + %s - %d) / %d", offset, origin, int64(q.Group/time.Second)), args
}

// nextZoneChange is the next instant after at, before last, at which at's
// zone may change its UTC offset, or the zero time when none is left.
// ZoneBounds gives it where it moves forward; past the zone database's
// last listed change it can give an end at or before at (Europe/Berlin at
// the end of 2040, a leap year), so from there the days are walked, and
// the second of a change found between two of them is searched.
func nextZoneChange(at time.Time, last int64) time.Time {
	if _, end := at.ZoneBounds(); end.After(at) || end.IsZero() {
		if end.IsZero() || end.Unix() >= last {
			return time.Time{}
		}
		return end.In(at.Location())
	}
	_, off := at.Zone()
	offsetAt := func(u int64) int {
		_, o := time.Unix(u, 0).In(at.Location()).Zone()
		return o
	}
	for lo := at.Unix(); lo < last; lo += 86400 {
		hi := min(lo+86400, last)
		if offsetAt(hi) == off {
			continue
		}
		for hi-lo > 1 { // offsetAt(lo) == off, offsetAt(hi) != off
			mid := lo + (hi-lo)/2
			if offsetAt(mid) == off {
				lo = mid
			} else {
				hi = mid
			}
		}
		return time.Unix(hi, 0).In(at.Location())
	}
	return time.Time{}
}

func (t tier) bucketStart(unix int64) int64 {
	return unix - mod(unix, t.bucket)
}

// mod is the non-negative remainder, so times before 1970 bucket correctly.
func mod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}
