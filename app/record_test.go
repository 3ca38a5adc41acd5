package app

import (
	"testing"
	"time"

	"github.com/netpulse/netpulse/storage"
)

func TestSpreadGap(t *testing.T) {
	end := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		gap    time.Duration
		chunks int
	}{
		{"short gap stays one record", 50 * time.Second, 1},
		{"an hour in minutes", time.Hour, 60},
		{"a week is capped", 7 * 24 * time.Hour, 1440},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := storage.Record{Interface: "eth0", Time: end, RxBytes: 1_000_003, TxBytes: 7, RxPackets: 999, RxPeak: 5, TxPeak: 1}
			out := spreadGap(r, tc.gap)
			if len(out) != tc.chunks {
				t.Fatalf("want %d records, got %d", tc.chunks, len(out))
			}
			var rx, tx, pk uint64
			prev := end.Add(-tc.gap)
			for _, c := range out {
				rx, tx, pk = rx+c.RxBytes, tx+c.TxBytes, pk+c.RxPackets
				if !c.Time.After(prev) || c.Time.After(end) {
					t.Fatalf("record at %v outside the gap or out of order", c.Time)
				}
				prev = c.Time
			}
			if rx != r.RxBytes || tx != r.TxBytes || pk != r.RxPackets {
				t.Errorf("totals changed: rx %d tx %d packets %d", rx, tx, pk)
			}
			if !out[len(out)-1].Time.Equal(end) {
				t.Errorf("the last record must end the gap at %v, got %v", end, out[len(out)-1].Time)
			}
		})
	}
}
