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
}
