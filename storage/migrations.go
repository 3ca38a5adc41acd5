package storage

// migrations is the schema history, oldest first. The schema version is the
// number applied, kept in PRAGMA user_version; each runs in its own
// transaction together with the version bump. Never edit a released entry:
// append a new one.
var migrations = []string{
	// 1: interfaces, rollup tiers, settings, counter checkpoints.
	`
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
`,
	// 2: the raw tier becomes a ring of 86,400 one-second slots. Rows are
	// overwritten a day later instead of inserted at one end of the b-tree
	// and deleted at the other, which wrote every emptied page twice (WAL
	// and checkpoint) and was most of the daemon's disk writes. t stays in
	// each row so a query can tell today's second from yesterday's.
	`
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
`,
}
