package storage

import (
	"context"
	"database/sql"
)

// migration is one step of the schema: SQL, or Go for a change SQL alone
// cannot make.
type migration struct {
	sql string
	fn  func(ctx context.Context, tx *sql.Tx) error
}

// migrations is the schema history, oldest first. The schema version is the
// number applied, kept in PRAGMA user_version; each runs in its own
// transaction together with the version bump. Never edit a released entry:
// append a new one.
var migrations = []migration{
	// 1: interfaces, rollup tiers, settings, counter checkpoints.
	{sql: `
CREATE TABLE interfaces (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	first_seen INTEGER NOT NULL
) STRICT;

-- One table per tier, all the same shape: byte and packet sums per bucket
-- plus the highest per-poll rate seen inside it. t is the bucket start in
-- unix seconds; (t, iface) keeps inserts at the right edge of the b-tree.
CREATE TABLE traffic_raw (
	t INTEGER NOT NULL, iface INTEGER NOT NULL REFERENCES interfaces(id),
	rx INTEGER NOT NULL, tx INTEGER NOT NULL,
	rx_pkts INTEGER NOT NULL, tx_pkts INTEGER NOT NULL,
	rx_peak INTEGER NOT NULL, tx_peak INTEGER NOT NULL,
	PRIMARY KEY (t, iface)
) STRICT, WITHOUT ROWID;
CREATE TABLE traffic_1m  (t INTEGER NOT NULL, iface INTEGER NOT NULL REFERENCES interfaces(id), rx INTEGER NOT NULL, tx INTEGER NOT NULL, rx_pkts INTEGER NOT NULL, tx_pkts INTEGER NOT NULL, rx_peak INTEGER NOT NULL, tx_peak INTEGER NOT NULL, PRIMARY KEY (t, iface)) STRICT, WITHOUT ROWID;
CREATE TABLE traffic_15m (t INTEGER NOT NULL, iface INTEGER NOT NULL REFERENCES interfaces(id), rx INTEGER NOT NULL, tx INTEGER NOT NULL, rx_pkts INTEGER NOT NULL, tx_pkts INTEGER NOT NULL, rx_peak INTEGER NOT NULL, tx_peak INTEGER NOT NULL, PRIMARY KEY (t, iface)) STRICT, WITHOUT ROWID;
CREATE TABLE traffic_1h  (t INTEGER NOT NULL, iface INTEGER NOT NULL REFERENCES interfaces(id), rx INTEGER NOT NULL, tx INTEGER NOT NULL, rx_pkts INTEGER NOT NULL, tx_pkts INTEGER NOT NULL, rx_peak INTEGER NOT NULL, tx_peak INTEGER NOT NULL, PRIMARY KEY (t, iface)) STRICT, WITHOUT ROWID;

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- The last recorded kernel counters of each monitored interface, written in
-- the same transaction as the traffic they end, with the boot they belong to.
CREATE TABLE checkpoints (
	iface    TEXT PRIMARY KEY,
	boot_id  TEXT NOT NULL,
	ifindex  INTEGER NOT NULL,
	t_ms     INTEGER NOT NULL,
	rx       INTEGER NOT NULL, tx INTEGER NOT NULL,
	rx_pkts  INTEGER NOT NULL, tx_pkts INTEGER NOT NULL,
	rx_errs  INTEGER NOT NULL, tx_errs INTEGER NOT NULL,
	rx_drops INTEGER NOT NULL, tx_drops INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
`},
	// 2: the raw tier becomes a ring of 86,400 one-second slots. Rows are
	// overwritten a day later instead of inserted at one end of the b-tree
	// and deleted at the other, which wrote every emptied page twice (WAL
	// and checkpoint) and was most of the daemon's disk writes. t stays in
	// each row so a query can tell today's second from yesterday's.
	{sql: `
CREATE TABLE traffic_ring (
	slot INTEGER NOT NULL, iface INTEGER NOT NULL REFERENCES interfaces(id),
	t INTEGER NOT NULL,
	rx INTEGER NOT NULL, tx INTEGER NOT NULL,
	rx_pkts INTEGER NOT NULL, tx_pkts INTEGER NOT NULL,
	rx_peak INTEGER NOT NULL, tx_peak INTEGER NOT NULL,
	PRIMARY KEY (slot, iface)
) STRICT, WITHOUT ROWID;
INSERT INTO traffic_ring (slot, iface, t, rx, tx, rx_pkts, tx_pkts, rx_peak, tx_peak)
	SELECT ((t % 86400) + 86400) % 86400, iface, t, rx, tx, rx_pkts, tx_pkts, rx_peak, tx_peak
	FROM traffic_raw WHERE true ORDER BY t
	ON CONFLICT (slot, iface) DO UPDATE SET
		t = excluded.t, rx = excluded.rx, tx = excluded.tx,
		rx_pkts = excluded.rx_pkts, tx_pkts = excluded.tx_pkts,
		rx_peak = excluded.rx_peak, tx_peak = excluded.tx_peak;
DROP TABLE traffic_raw;
ALTER TABLE traffic_ring RENAME TO traffic_raw;
`},
	// 3: the raw tier packs a minute's seconds into a row (packed.go), in a
	// ring of a day and a minute of rows. It is a rowid table: a busy
	// minute packs into about a kilobyte, more than an index b-tree (a
	// WITHOUT ROWID table) keeps in its page with 4 KiB pages, and each
	// such row took an overflow page of its own.
	{fn: packRawTier},
	// 4: errors and drops per bucket, and the record of imports. Errors
	// and drops are nearly always zero, so each rollup tier keeps them in
	// a table of their own with a row only for a bucket that has any; the
	// raw tier keeps them in its packed rows (format 2, see packed.go).
	// Imported buckets carry no peak rates: their peaks are stored as -1.
	{sql: `
CREATE TABLE traffic_1m_faults  (t INTEGER NOT NULL, iface INTEGER NOT NULL REFERENCES interfaces(id), rx_errs INTEGER NOT NULL, tx_errs INTEGER NOT NULL, rx_drops INTEGER NOT NULL, tx_drops INTEGER NOT NULL, PRIMARY KEY (t, iface)) STRICT, WITHOUT ROWID;
CREATE TABLE traffic_15m_faults (t INTEGER NOT NULL, iface INTEGER NOT NULL REFERENCES interfaces(id), rx_errs INTEGER NOT NULL, tx_errs INTEGER NOT NULL, rx_drops INTEGER NOT NULL, tx_drops INTEGER NOT NULL, PRIMARY KEY (t, iface)) STRICT, WITHOUT ROWID;
CREATE TABLE traffic_1h_faults  (t INTEGER NOT NULL, iface INTEGER NOT NULL REFERENCES interfaces(id), rx_errs INTEGER NOT NULL, tx_errs INTEGER NOT NULL, rx_drops INTEGER NOT NULL, tx_drops INTEGER NOT NULL, PRIMARY KEY (t, iface)) STRICT, WITHOUT ROWID;

-- One row per interface and import: the span [start, end) of the periods
-- taken from another tool's history, so that a later import of the same
-- history adds nothing.
CREATE TABLE imports (
	id     INTEGER PRIMARY KEY,
	iface  INTEGER NOT NULL REFERENCES interfaces(id),
	source TEXT NOT NULL,    -- e.g. "vnstat:/var/lib/vnstat/vnstat.db:eth0"
	start  INTEGER NOT NULL, -- unix seconds
	end    INTEGER NOT NULL,
	rx     INTEGER NOT NULL, tx INTEGER NOT NULL,
	at     INTEGER NOT NULL  -- when it was imported
) STRICT;
`},
	// 5: data plans, notifiers, and the alerts raised with their deliveries
	// (see plans.go). They refer to no table of the migrations before.
	{sql: planSchema},
}

// packRawTier moves the one-second rows of migration 2's ring into packed
// rows of a minute each. Its sizes are written out rather than taken from
// tiers, which may change after it.
func packRawTier(ctx context.Context, tx *sql.Tx) error {
	const span, ring = 60, 24*60 + 1
	if _, err := tx.ExecContext(ctx, `
CREATE TABLE traffic_packed (
	id    INTEGER PRIMARY KEY, -- iface * 1441 + slot: an interface's rows are one range
	iface INTEGER NOT NULL REFERENCES interfaces(id),
	t     INTEGER NOT NULL,    -- the minute's start, unix seconds
	secs  BLOB NOT NULL        -- its one-second buckets, packed
) STRICT`); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT iface, t, rx, tx, rx_pkts, tx_pkts, rx_peak, tx_peak FROM traffic_raw ORDER BY iface, t`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var row RawRow
	var iface, minute int64 = 0, -1
	var buf []byte
	// Rows come oldest first, so of two minutes that share a slot the
	// newer replaces the older.
	write := func() error {
		if row.Present == 0 {
			return nil
		}
		buf = row.Pack(buf[:0])
		_, err := tx.ExecContext(ctx, `INSERT INTO traffic_packed (id, iface, t, secs) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET t = excluded.t, secs = excluded.secs`,
			iface*ring+mod(minute/span, ring), iface, minute, buf)
		row = RawRow{}
		return err
	}
	for rows.Next() {
		var id, t int64
		var v RawSecond
		if err := rows.Scan(&id, &t, &v.Rx, &v.Tx, &v.RxPkts, &v.TxPkts, &v.RxPeak, &v.TxPeak); err != nil {
			return err
		}
		if m := t - mod(t, span); id != iface || m != minute {
			if err := write(); err != nil {
				return err
			}
			iface, minute = id, m
		}
		i := t - minute
		row.Present |= 1 << i
		row.Seconds[i] = v
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := write(); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DROP TABLE traffic_raw; ALTER TABLE traffic_packed RENAME TO traffic_raw`)
	return err
}
