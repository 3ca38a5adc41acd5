package storage

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestRawRowPackRoundTrip(t *testing.T) {
	full := RawRow{}
	for i := range 60 {
		full.add(int64(i), Record{RxBytes: uint64(i) * 1e6, TxBytes: 3, RxPackets: 1e3, TxPackets: uint64(i), RxPeak: uint64(i)*1e6 - 7, TxPeak: 1e9})
	}
	tests := []struct {
		name string
		row  RawRow
		size int // packed bytes, 0: not checked
	}{
		{"empty", RawRow{}, 9},
		{"one second of nothing", RawRow{Present: 1}, 9 + 6},
		{"last second", RawRow{Present: 1 << 59, Seconds: [60]RawSecond{59: {Rx: 300, Tx: 20, RxPkts: 2, TxPkts: 1, RxPeak: 300, TxPeak: 20}}}, 9 + 2 + 1 + 1 + 1 + 1 + 1},
		{"peaks below and above bytes", RawRow{Present: 3, Seconds: [60]RawSecond{{Rx: 1000, RxPeak: 990}, {Tx: 1000, TxPeak: 1010}}}, 0},
		{"the largest counters", RawRow{Present: 1, Seconds: [60]RawSecond{{Rx: math.MaxUint64, Tx: math.MaxUint64, RxPkts: math.MaxUint64, TxPkts: math.MaxUint64, RxPeak: 0, TxPeak: math.MaxUint64}}}, 0},
		{"a full minute", full, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.row.Pack(nil)
			if tc.size != 0 && len(b) != tc.size {
				t.Errorf("packed into %d bytes, want %d", len(b), tc.size)
			}
			var got RawRow
			if err := got.Unpack(b); err != nil {
				t.Fatal(err)
			}
			if got != tc.row {
				t.Errorf("unpacked %+v, want %+v", got, tc.row)
			}
		})
	}
}

func TestRawRowUnpackRefusesDamage(t *testing.T) {
	good := (&RawRow{Present: 1 << 5, Seconds: [60]RawSecond{5: {Rx: 1 << 40}}}).Pack(nil)
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"short bitmap", good[:5]},
		{"unknown format", append([]byte{9}, good[1:]...)},
		{"cut inside a number", good[:len(good)-4]},
		{"trailing bytes", append(bytes.Clone(good), 0)},
		{"a 61st second", append([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0x10}, make([]byte, 6)...)},
		{"a number too long", append(append([]byte{1, 1, 0, 0, 0, 0, 0, 0, 0}, bytes.Repeat([]byte{0xff}, 10)...), 1, 0, 0, 0, 0, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := RawRow{Present: 1}
			if err := row.Unpack(tc.b); !errors.Is(err, errBadRawRow) {
				t.Errorf("Unpack: %v, want %v", err, errBadRawRow)
			}
			if row != (RawRow{}) {
				t.Errorf("a refused row left %+v", row)
			}
		})
	}
}

func FuzzRawRowUnpack(f *testing.F) {
	f.Add((&RawRow{Present: 1 << 59, Seconds: [60]RawSecond{59: {Rx: 1, RxPeak: 3}}}).Pack(nil))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var row RawRow
		if err := row.Unpack(b); err != nil {
			return
		}
		var again RawRow
		if err := again.Unpack(row.Pack(nil)); err != nil || again != row {
			t.Fatalf("repacked row differs: %+v, %v; was %+v", again, err, row)
		}
	})
}

// TestDamagedRawRow: a query over a packed row that cannot be read says
// which row, and the next flush into that minute replaces it.
func TestDamagedRawRow(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s.Add(Record{Interface: "eth0", Time: now, RxBytes: 5})
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`UPDATE traffic_raw SET secs = x'01ff'`); err != nil {
		t.Fatal(err)
	}
	q := Query{Interfaces: []string{"eth0"}, Start: now.Add(-time.Minute), End: now.Add(time.Minute), Group: time.Second}
	_, err := s.Traffic(ctx, q)
	if err == nil || !strings.Contains(err.Error(), "per-second row of eth0 at unix time") {
		t.Fatalf("query over a damaged row: %v", err)
	}
	s.Add(Record{Interface: "eth0", Time: now.Add(time.Second), RxBytes: 7})
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := s.Traffic(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if b := res.Series[0].Buckets; len(b) != 1 || b[0].Rx != 7 {
		t.Errorf("after the next flush: %+v, want the new second only", b)
	}
}

// TestCalendarDaysFromRawTier: a zone whose midnight falls inside a minute
// (Amsterdam until 1937 was 19 min 32 s ahead of UTC) sums its days from
// the raw tier, split at local midnight to the second.
func TestCalendarDaysFromRawTier(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Skip(err)
	}
	midnight := time.Date(1930, 5, 2, 0, 0, 0, 0, ams)
	if midnight.Unix()%60 == 0 {
		t.Fatalf("midnight %v is on a whole minute; the test needs a zone whose midnight is not", midnight)
	}
	var before, after uint64
	for i := -3600; i < 3600; i += 7 {
		ts := midnight.Add(time.Duration(i) * time.Second)
		rx := uint64(1000 + i + 3600)
		s.Add(Record{Interface: "eth0", Time: ts, RxBytes: rx, RxPeak: rx})
		if i < 0 {
			before += rx
		} else {
			after += rx
		}
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := s.Traffic(ctx, Query{Interfaces: []string{"eth0"}, Start: midnight.AddDate(0, 0, -1), End: midnight.AddDate(0, 0, 1), Group: 24 * time.Hour, Location: ams})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Series[0].Buckets
	if len(b) != 2 || b[0].T != midnight.AddDate(0, 0, -1).Unix() || b[0].Rx != before || b[1].T != midnight.Unix() || b[1].Rx != after {
		t.Errorf("days %+v, want %d before %v and %d after", b, before, midnight, after)
	}
}
