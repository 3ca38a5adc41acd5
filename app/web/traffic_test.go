package web

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/netpulse/netpulse/app"
)

// TestTrafficJSONMatchesEncoder checks the hand-written encoding against
// encoding/json, byte for byte, including names that need escaping and nil
// slices.
func TestTrafficJSONMatchesEncoder(t *testing.T) {
	points := []app.Point{
		{T: 1700000000, RxBytes: 123456789, TxBytes: 0, RxPeakBps: 42, TxPeakBps: 7},
		{T: -86400, RxBytes: math.MaxInt64, TxBytes: math.MinInt64, RxPeakBps: -1, TxPeakBps: 1 << 40,
			Counts: app.Counts{RxPackets: 1, TxPackets: 2, RxErrors: 3, TxErrors: 4, RxDrops: 5, TxDrops: math.MaxInt64}},
		{T: 1600000000, RxBytes: 10, TxBytes: 20, Imported: true},
	}
	for _, tc := range []struct {
		name string
		t    app.Traffic
	}{
		{"empty", app.Traffic{}},
		{"no series", app.Traffic{Start: 1, End: 2, GroupSeconds: 60, Series: []app.Series{}}},
		{"series without points", app.Traffic{Series: []app.Series{{Interface: "eth0", Points: []app.Point{}}, {Interface: "wlan0"}}}},
		{"points", app.Traffic{Start: 1700000000, End: 1700086400, GroupSeconds: 86400, RxBytes: 9, TxBytes: 8, Counts: app.Counts{RxDrops: 7},
			Series: []app.Series{{Interface: "eth0", RxBytes: 5, TxBytes: 6, Counts: app.Counts{TxPackets: 9}, Points: points}, {Interface: "br-1", Points: points[:1]}}}},
		{"names to escape", app.Traffic{Series: []app.Series{
			{Interface: `<a&b>"q"\`, Points: []app.Point{}},
			{Interface: "tab\there\u2028\x01", Points: []app.Point{}},
			{Interface: "bad\xffutf8é", Points: []app.Point{}},
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want bytes.Buffer
			if err := json.NewEncoder(&want).Encode(tc.t); err != nil {
				t.Fatal(err)
			}
			if got := appendTrafficJSON(nil, tc.t); !bytes.Equal(got, want.Bytes()) {
				t.Errorf("got  %s\nwant %s", got, want.Bytes())
			}
		})
	}
}
