package storage

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

var benchIfaces = []string{"bench0", "bench1", "bench2"}

// BenchmarkFlushMinute3 is one flush as the daemon does it every minute at
// the defaults: 60 one-second polls of 3 interfaces, added and written in
// one transaction into every tier, on a real file that already holds six
// hours of history. Besides time it reports the bytes the flush hands to
// write(2) (wchar) and the bytes the kernel accounts as written to disk
// (write_bytes), both from /proc/self/io.
func BenchmarkFlushMinute3(b *testing.B) {
	ctx := context.Background()
	s := openBenchStorage(b)
	gen := newTrafficGen(time.Now().Add(-7*time.Hour).Truncate(time.Hour), 1)
	minute := func() {
		for range 60 {
			s.Add(gen.next()...)
		}
		if err := s.Flush(ctx); err != nil {
			b.Fatal(err)
		}
	}
	for range 6 * 60 {
		minute()
	}
	io0 := procIO(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		minute()
	}
	b.StopTimer()
	reportIO(b, io0, "op")
}

// BenchmarkFlushPoll3 is what the daemon would do without write batching:
// a transaction for every 1-second poll of 3 interfaces. Compare with
// BenchmarkFlushMinute3, which writes 60 polls in one.
func BenchmarkFlushPoll3(b *testing.B) {
	ctx := context.Background()
	s := openBenchStorage(b)
	gen := newTrafficGen(time.Now().Add(-7*time.Hour).Truncate(time.Hour), 1)
	for range 6 * 60 {
		for range 60 {
			s.Add(gen.next()...)
		}
		if err := s.Flush(ctx); err != nil {
			b.Fatal(err)
		}
	}
	io0 := procIO(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.Add(gen.next()...)
		if err := s.Flush(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportIO(b, io0, "op")
}

// BenchmarkWriteHour is an hour of the daemon's writes at 1 s polling and 3
// interfaces, for several flush intervals: the hour's flushes and the
// hourly retention run, on a database whose raw tier is full (a day of
// 1-second rows). The op is the hour, so the write figures are per hour;
// they include WAL checkpoints, which a 10-minute soak rarely sees.
func BenchmarkWriteHour(b *testing.B) {
	ctx := context.Background()
	full := filepath.Join(b.TempDir(), "full.db")
	start := time.Now().Add(-48 * time.Hour).Truncate(time.Hour)
	{
		s, err := Open(ctx, full)
		if err != nil {
			b.Fatal(err)
		}
		gen := newTrafficGen(start, 1)
		for range 24 {
			for range 3600 {
				s.Add(gen.next()...)
			}
			if err := s.Flush(ctx); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	for _, every := range []int{1, 2, 5, 10} {
		b.Run(fmt.Sprintf("flush=%dm", every), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "netpulse.db")
			data, err := os.ReadFile(full)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o600); err != nil {
				b.Fatal(err)
			}
			s, err := Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			gen := newTrafficGen(start.Add(24*time.Hour), 1)
			io0 := procIO(b)
			b.ReportAllocs()
			for b.Loop() {
				for minute := 1; minute <= 60; minute++ {
					for range 60 {
						s.Add(gen.next()...)
					}
					if minute%every == 0 {
						if err := s.Flush(ctx); err != nil {
							b.Fatal(err)
						}
					}
				}
				if _, err := s.Prune(ctx, gen.t); err != nil {
					b.Fatal(err)
				}
			}
			reportIO(b, io0, "h")
		})
	}
}

// BenchmarkTierSize measures what one bucket costs on disk in each tier, from
// SQLite's own page accounting (the dbstat table): rows are written the way
// flushes write them, each tier separately, with values sized like a busy
// home-lab link's over that tier's bucket. The op is writing 10,000 buckets.
// The no-peaks variants show what the peak columns cost.
// The tier's bucket and retention are reported too (keep-days 0: forever),
// so bench/table can work out the database size per interface-year.
func BenchmarkTierSize(b *testing.B) {
	ctx := context.Background()
	raw := newRawRing()
	type variant struct {
		t       tier // the raw ring's table, bucket and retention when ring
		ring    bool
		noPeaks bool
	}
	rawTier := tier{table: raw.table, bucket: 1, keep: raw.keep}
	variants := []variant{{rawTier, true, false}}
	for _, t := range tiers {
		variants = append(variants, variant{t, false, false})
	}
	// What the peaks cost: the same rows with peaks that carry nothing, 0
	// in a row of columns (SQLite stores it in no bytes) and the bucket's
	// bytes in a packed row (stored as their difference, 0).
	variants = append(variants, variant{rawTier, true, true}, variant{tiers[len(tiers)-1], false, true})
	for _, v := range variants {
		t := v.t
		name := t.table
		if v.noPeaks {
			name += "/no-peaks"
		}
		b.Run(name, func(b *testing.B) {
			s := openBenchStorage(b)
			gen := newTrafficGen(time.Unix(0, 0).Add(365*24*time.Hour), t.bucket)
			const rowsPerOp = 10000
			rows := 0
			for b.Loop() {
				var batch []Record
				for range rowsPerOp / len(benchIfaces) {
					batch = append(batch, gen.next()...)
				}
				if v.noPeaks {
					for i := range batch {
						batch[i].RxPeak, batch[i].TxPeak = 0, 0
						if v.ring {
							batch[i].RxPeak, batch[i].TxPeak = batch[i].RxBytes, batch[i].TxBytes
						}
					}
				}
				tx, err := s.w.BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				ids, err := s.interfaceIDs(ctx, tx, batch)
				switch {
				case err == nil && v.ring:
					err = s.raw.write(ctx, tx, &s.stmts, batch, ids)
				case err == nil:
					err = t.write(ctx, tx, &s.stmts, batch, ids)
				}
				if err == nil {
					err = tx.Commit()
				}
				if err != nil {
					tx.Rollback()
					b.Fatal(err)
				}
				rows += len(batch)
			}
			// A ring overwrites its rows once it is full, so bytes are
			// divided by the buckets the table holds, not those written.
			var bytes, held int64
			if err := s.w.QueryRowContext(ctx, "SELECT sum(pgsize) FROM dbstat WHERE name = ?", t.table).Scan(&bytes); err != nil {
				b.Fatal(err)
			}
			if v.ring {
				held = heldSeconds(b, s)
			} else if err := s.w.QueryRowContext(ctx, "SELECT count(*) FROM "+t.table).Scan(&held); err != nil {
				b.Fatal(err)
			}
			if held > int64(rows) {
				b.Fatalf("%s holds %d buckets, %d were written", t.table, held, rows)
			}
			b.ReportMetric(float64(bytes)/float64(held), "B/bucket")
			b.ReportMetric(float64(t.bucket), "bucket-s")
			b.ReportMetric(t.keep.Hours()/24, "keep-days")
		})
	}
}

// heldSeconds counts the seconds the raw tier's packed rows hold.
func heldSeconds(b *testing.B, s *Storage) int64 {
	var n int64
	eachRawSecond(b, s, func(string, int64, RawSecond) { n++ })
	return n
}

func openBenchStorage(b *testing.B) *Storage {
	b.Helper()
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "netpulse.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// trafficGen makes the records of successive polls (or buckets) of
// benchIfaces: a daily curve from ~50 kB/s at night to a few MB/s in the
// evening, with noise, so integers have the sizes real traffic gives them.
type trafficGen struct {
	t        time.Time
	step     time.Duration
	rng      *rand.Rand
	counters []Counters
}

func newTrafficGen(start time.Time, stepSeconds int64) *trafficGen {
	return &trafficGen{t: start, step: time.Duration(stepSeconds) * time.Second,
		rng: rand.New(rand.NewPCG(1, 2)), counters: make([]Counters, len(benchIfaces))}
}

func (g *trafficGen) next() []Record {
	hour := float64(g.t.Hour()) + float64(g.t.Minute())/60
	secs := g.step.Seconds()
	out := make([]Record, len(benchIfaces))
	for i, name := range benchIfaces {
		rate := (50e3 + 2e6*max(0, 1-((hour-20)*(hour-20))/60)*float64(i+1)/3) * (0.5 + g.rng.Float64())
		rx := uint64(rate * secs)
		tx := rx / uint64(3+i)
		peak := uint64(rate * (1 + 4*g.rng.Float64()*g.rng.Float64()))
		c := &g.counters[i]
		c.Index = 10 + i
		c.RxBytes += rx
		c.TxBytes += tx
		c.RxPackets += rx / 1200
		c.TxPackets += tx / 600
		out[i] = Record{Interface: name, Time: g.t, RxBytes: rx, TxBytes: tx,
			RxPackets: rx / 1200, TxPackets: tx / 600, RxPeak: peak, TxPeak: peak / uint64(3+i),
			Counters: *c, BootID: "bench"}
	}
	g.t = g.t.Add(g.step)
	return out
}

// reportIO reports what this process wrote since io0, per op of the
// benchmark (named per): bytes handed to write(2) and bytes the kernel
// accounted as written to disk.
func reportIO(b *testing.B, io0 map[string]int64, per string) {
	io1 := procIO(b)
	b.ReportMetric(float64(io1["wchar"]-io0["wchar"])/float64(b.N), "wchar-B/"+per)
	b.ReportMetric(float64(io1["write_bytes"]-io0["write_bytes"])/float64(b.N), "disk-B/"+per)
}

// procIO reads this process's I/O accounting.
func procIO(b *testing.B) map[string]int64 {
	b.Helper()
	data, err := os.ReadFile("/proc/self/io")
	if err != nil {
		b.Skip("no /proc/self/io:", err)
	}
	out := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := bytes.Cut(sc.Bytes(), []byte(": "))
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			b.Fatal(fmt.Errorf("/proc/self/io: %s: %w", k, err))
		}
		out[string(k)] = n
	}
	return out
}
