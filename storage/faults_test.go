package storage

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRawRowPacksFaultsOnlyWhenThereAreAny(t *testing.T) {
	for _, tc := range []struct {
		name   string
		row    RawRow
		format byte
	}{
		{"no faults", RawRow{Present: 3, Seconds: [60]RawSecond{{Rx: 5}, {Tx: 6}}}, packedFormat},
		{"one second with drops", RawRow{Present: 1<<7 | 1<<59, Seconds: [60]RawSecond{7: {Rx: 100, RxPkts: 2, Faults: Faults{RxDrops: 3}}, 59: {Tx: 1}}}, packedFormatFaults},
		{"every count", RawRow{Present: 1, Seconds: [60]RawSecond{{Faults: Faults{1, 2, 3, 1 << 62}}}}, packedFormatFaults},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.row.Pack(nil)
			if b[0] != tc.format {
				t.Errorf("format %d, want %d", b[0], tc.format)
			}
			var got RawRow
			if err := got.Unpack(b); err != nil || got != tc.row {
				t.Errorf("round trip: %v\ngot  %+v\nwant %+v", err, got, tc.row)
			}
		})
	}
}

func TestRawRowUnpackRefusesDamagedFaults(t *testing.T) {
	good := (&RawRow{Present: 1 << 5, Seconds: [60]RawSecond{5: {Rx: 1, Faults: Faults{RxErrs: 1}}}}).Pack(nil)
	faultsOutside := append([]byte{}, good...)
	faultsOutside[9+1] = 1 // fault bitmap bit 8, a second not present
	noFaults := append([]byte{}, good...)
	noFaults[9], noFaults[9+5/8] = 0, 0 // format 2 with an empty fault bitmap
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"truncated bitmap", good[:12]},
		{"truncated values", good[:len(good)-1]},
		{"fault outside the present seconds", faultsOutside},
		{"format 2 without faults", noFaults},
		{"unknown format", append([]byte{3}, good[1:]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var row RawRow
			if err := row.Unpack(tc.b); !errors.Is(err, errBadRawRow) {
				t.Errorf("Unpack: %v, want %v", err, errBadRawRow)
			}
		})
	}
}

// TestFaultsSumInEveryTier records errors and drops, some flushed and some
// pending, and checks that every tier's answer adds up to them.
func TestFaultsSumInEveryTier(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	base := time.Now().Truncate(time.Hour).Add(-2 * time.Hour)
	var want Faults
	var pkts uint64
	for i := range 3600 {
		r := Record{Interface: "np16f", Time: base.Add(time.Duration(i) * 2 * time.Second), RxBytes: 100, RxPackets: 3, TxPackets: 1}
		if i%97 == 0 {
			r.RxErrors, r.TxErrors, r.RxDrops, r.TxDrops = 1, 2, uint64(i), 4
		}
		want.add(Faults{r.RxErrors, r.TxErrors, r.RxDrops, r.TxDrops})
		pkts += r.RxPackets + r.TxPackets
		s.Add(r)
		if i == 3000 {
			if err := s.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, g := range []time.Duration{time.Second, time.Minute, 15 * time.Minute, time.Hour, 24 * time.Hour} {
		res, err := s.Traffic(ctx, Query{Interfaces: []string{"np16f"}, Start: base.Add(-time.Hour), End: base.Add(3 * time.Hour), Group: g, Location: time.UTC})
		if err != nil {
			t.Fatal(err)
		}
		var got Faults
		var gotPkts uint64
		faulty := 0
		for _, b := range res.Series[0].Buckets {
			got.add(b.Faults)
			gotPkts += b.RxPkts + b.TxPkts
			if b.Faults != (Faults{}) {
				faulty++
			}
			if b.Imported {
				t.Errorf("group %s: bucket %d marked imported", g, b.T)
			}
		}
		if got != want || gotPkts != pkts || faulty == 0 {
			t.Errorf("group %s: faults %+v packets %d, want %+v and %d", g, got, gotPkts, want, pkts)
		}
	}
}

func TestPruneDeletesOldFaults(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	now := time.Now()
	old, recent := now.Add(-40*24*time.Hour), now.Add(-time.Hour)
	for _, at := range []time.Time{old, recent} {
		s.Add(Record{Interface: "np16p", Time: at, RxBytes: 1, RxDrops: 5})
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Prune(ctx, now); err != nil {
		t.Fatal(err)
	}
	// The 1-minute tier keeps 30 days: only the recent bucket is left
	// there; the coarser tiers keep both.
	for table, want := range map[string]int{"traffic_1m_faults": 1, "traffic_15m_faults": 2, "traffic_1h_faults": 2} {
		var n int
		if err := s.r.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil || n != want {
			t.Errorf("%s: %d rows (%v), want %d", table, n, err, want)
		}
	}
}
