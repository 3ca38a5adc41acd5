package storage

import "time"

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
