package storage

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// TestSumEqualsTrafficBuckets: for random records, some flushed and some
// pending, and random ranges on any second, Sum equals the buckets of a
// traffic query covering the range, to the byte.
func TestSumEqualsTrafficBuckets(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	rng := rand.New(rand.NewPCG(19, 5))
	now := time.Now().Truncate(time.Second)
	names := []string{"np-a", "np-b", "np-c"}
	for i := range 4000 {
		s.Add(Record{Interface: names[rng.IntN(len(names))], Time: now.Add(-time.Duration(rng.Int64N(20*3600)) * time.Second),
			RxBytes: rng.Uint64N(1 << 30), TxBytes: rng.Uint64N(1 << 20)})
		if i == 3000 {
			if err := s.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range 60 {
		from := now.Unix() - 21*3600 + rng.Int64N(21*3600)
		to := from + 1 + rng.Int64N(now.Unix()+60-from)
		if i%3 == 0 { // quarter hours, as a plan's cycle
			from, to = from-mod(from, 900), to-mod(to, 900)+900
		}
		ifaces := names[:1+rng.IntN(len(names))]
		rx, tx, err := s.Sum(ctx, ifaces, from, to)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Traffic(ctx, Query{Interfaces: ifaces, Start: time.Unix(from, 0), End: time.Unix(to, 0).Add(-time.Nanosecond), Group: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		var wrx, wtx uint64
		for _, sd := range res.Series {
			for _, b := range sd.Buckets {
				wrx += b.Rx
				wtx += b.Tx
			}
		}
		if rx != wrx || tx != wtx || wrx == 0 && to-from > 3600 {
			t.Fatalf("[%d, %d) %v: Sum %d/%d, buckets %d/%d", from, to, ifaces, rx, tx, wrx, wtx)
		}
	}
}

// TestSumAcrossFlushesAndPrunes asks for one plan's cycle again and again
// while records are added, flushed and pruned: the answer is always what
// the tiers and the pending records hold, never a remembered stale sum.
func TestSumAcrossFlushesAndPrunes(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	now := time.Now().Truncate(time.Second)
	from, to := now.Unix()-mod(now.Unix(), 900)-3*3600, now.Unix()-mod(now.Unix(), 900)+900
	var want uint64
	check := func(step string) {
		t.Helper()
		for range 2 { // the second answer may come from the cache
			rx, _, err := s.Sum(ctx, []string{"np-a", "np-b"}, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if rx != want {
				t.Fatalf("%s: Sum = %d, want %d", step, rx, want)
			}
		}
	}
	add := func(ago time.Duration, rx uint64) {
		s.Add(Record{Interface: "np-a", Time: now.Add(-ago), RxBytes: rx})
		want += rx
	}
	check("empty")
	add(time.Hour, 1000)
	check("pending")
	for i, step := range []string{"flushed", "flushed again", "flushed a third time"} {
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		check(step)
		add(time.Duration(i+1)*time.Minute, 7)
		check(step + ", more pending")
	}
	if _, err := s.Prune(ctx, now); err != nil {
		t.Fatal(err)
	}
	check("pruned")
}
