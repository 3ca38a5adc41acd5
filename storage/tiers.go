package storage

import (
	"strings"
	"time"
)

// tier is one rollup table: buckets of a fixed size, kept for a while.
type tier struct {
	table  string
	bucket int64         // seconds
	keep   time.Duration // 0: forever
	// ring is the number of slots when the tier is a ring: a row per slot,
	// overwritten in place a ring later, so the tier keeps a fixed size
	// without deleting rows (see migration 2).
	ring int64
	// span is how many seconds one row of a ring holds. The raw tier packs
	// a minute of one-second buckets into a row (see packed.go): a flush
	// then writes one row per interface and minute instead of sixty.
	span int64
}

// tiers, finest first. Every flush adds into all of them, so a query of any
// length reads few rows. The raw tier has a bucket per second and so serves
// any poll interval; 15 minutes lines up with every time zone's midnight,
// hours with all whole-hour zones and make year-long views cheap.
//
// Retention follows what can be asked for: a query has at most 10,000
// buckets and the dashboard at most ~1,500 points, so second-level groups
// only ever cover hours and minute groups days. At 1 s polling a second
// costs about 16 bytes in the raw tier's packed rows and a row of the other
// tiers about 40, so one interface needs about 1.4 MB (raw) + 1.7 MB (1m)
// of fixed space plus 1.8 MB per year of history (15m and 1h). README.md
// lists these defaults.
var tiers = []tier{
	// A day and a minute of rows: a row is replaced a whole minute at a
	// time, so a ring of exactly a day would drop the oldest seconds of a
	// full day's view a little early.
	{table: "traffic_raw", bucket: 1, keep: 24 * time.Hour, ring: 24*60 + 1, span: 60},
	{table: "traffic_1m", bucket: 60, keep: 30 * 24 * time.Hour},
	{table: "traffic_15m", bucket: 15 * 60, keep: 5 * 366 * 24 * time.Hour},
	{table: "traffic_1h", bucket: 3600},
}

// faults is the table of the tier's errors and drops (see writeFaults);
// the raw tier keeps them in its packed rows.
func (t tier) faults() string { return t.table + "_faults" }

// slot is where the row holding time unix lives in a ring tier.
func (t tier) slot(unix int64) int64 { return mod(unix/t.span, t.ring) }

// rowStart is the start of the ring row holding time unix.
func (t tier) rowStart(unix int64) int64 { return unix - mod(unix, t.span) }

// slotRanges returns the slots of a ring tier that hold the times in
// [from, to), as two ranges [lo, hi) in time order; the second is empty
// unless the window wraps around the end of the ring.
func (t tier) slotRanges(from, to int64) [2][2]int64 {
	first := t.rowStart(from)
	n := (to - first + t.span - 1) / t.span // rows in the window
	if n >= t.ring {
		return [2][2]int64{{0, t.ring}, {0, 0}}
	}
	lo := t.slot(first)
	if n <= 0 {
		return [2][2]int64{{lo, lo}, {0, 0}}
	}
	if hi := lo + n; hi <= t.ring {
		return [2][2]int64{{lo, hi}, {0, 0}}
	}
	return [2][2]int64{{lo, t.ring}, {0, lo + n - t.ring}}
}

// rowID is the key of an interface's row in a slot of a ring tier: each
// interface's rows are one range of keys, in slot order.
func (t tier) rowID(iface, slot int64) int64 { return iface*t.ring + slot }

// idWhere is the SQL condition that bounds a scan of a ring tier to the
// rows of the interfaces ifaces that hold times in [from, to), with its
// arguments: a key range per interface, or two for a window that wraps
// around the ring's end, later slots first so that rows still come in time
// order.
func (t tier) idWhere(ifaces []int64, from, to int64) (string, []any) {
	r := t.slotRanges(from, to)
	var terms []string
	var args []any
	for _, id := range ifaces {
		for _, sr := range r {
			if sr[1] > sr[0] {
				terms = append(terms, "id >= ? AND id < ?")
				args = append(args, t.rowID(id, sr[0]), t.rowID(id, sr[1]))
			}
		}
	}
	if len(terms) == 0 {
		return " AND false", nil
	}
	return " AND (" + strings.Join(terms, " OR ") + ")", args
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
