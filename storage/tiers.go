package storage

import "time"

// tier is one rollup table: buckets of a fixed size, kept for a while.
type tier struct {
	table  string
	bucket int64         // seconds
	keep   time.Duration // 0: forever
}

// tiers, finest first. Every flush adds into all of them, so a query of any
// length reads few rows. The raw tier has a bucket per second and so serves
// any poll interval; 15 minutes lines up with every time zone's midnight,
// hours with all whole-hour zones and make year-long views cheap.
//
// Retention follows what can be asked for: a query has at most 10,000
// buckets and the dashboard at most ~1,500 points, so second-level groups
// only ever cover hours and minute groups days. At 1 s polling a row costs
// about 35-40 bytes, so one interface needs about 3 MB (raw) + 1.7 MB (1m)
// of fixed space plus 1.8 MB per year of history (15m and 1h). README.md
// lists these defaults.
var tiers = []tier{
	{table: "traffic_raw", bucket: 1, keep: 24 * time.Hour},
	{table: "traffic_1m", bucket: 60, keep: 30 * 24 * time.Hour},
	{table: "traffic_15m", bucket: 15 * 60, keep: 5 * 366 * 24 * time.Hour},
	{table: "traffic_1h", bucket: 3600},
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
