package storage

import "time"

// tier is one rollup table: buckets of a fixed size, kept for a while.
type tier struct {
	table  string
	bucket int64         // seconds
	keep   time.Duration // 0: forever
}

// tiers, finest first. Every flush adds into all of them, so a query of any
// length reads few rows. The raw tier has a bucket per second and so
// serves any poll interval; 15 minutes lines up with every time zone's
// midnight, hours with all whole-hour zones. Retention: see README.md.
var tiers = []tier{
	{table: "traffic_raw", bucket: 1, keep: 48 * time.Hour},
	{table: "traffic_1m", bucket: 60, keep: 90 * 24 * time.Hour},
	{table: "traffic_15m", bucket: 15 * 60, keep: 2 * 366 * 24 * time.Hour},
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
