package web

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// TestTrafficJSONMatchesEncoder checks the hand-written encoding against
// encoding/json, byte for byte, including names that need escaping and nil
// slices.
func TestTrafficJSONMatchesEncoder(t *testing.T) {
	points := []Point{
		{T: 1700000000, RxBytes: 123456789, TxBytes: 0, RxPeakBps: 42, TxPeakBps: 7},
		{T: -86400, RxBytes: math.MaxInt64, TxBytes: math.MinInt64, RxPeakBps: -1, TxPeakBps: 1 << 40,
			Counts: Counts{RxPackets: 1, TxPackets: 2, RxErrors: 3, TxErrors: 4, RxDrops: 5, TxDrops: math.MaxInt64}},
		{T: 1600000000, RxBytes: 10, TxBytes: 20, Imported: true},
	}
	for _, tc := range []struct {
		name string
		t    Traffic
	}{
		{"empty", Traffic{}},
		{"no series", Traffic{Start: 1, End: 2, GroupSeconds: 60, Series: []Series{}}},
		{"series without points", Traffic{Series: []Series{{Interface: "eth0", Points: []Point{}}, {Interface: "wlan0"}}}},
		{"points", Traffic{Start: 1700000000, End: 1700086400, GroupSeconds: 86400, RxBytes: 9, TxBytes: 8, Counts: Counts{RxDrops: 7},
			Series: []Series{{Interface: "eth0", RxBytes: 5, TxBytes: 6, Counts: Counts{TxPackets: 9}, Points: points}, {Interface: "br-1", Points: points[:1]}}}},
		{"names to escape", Traffic{Series: []Series{
			{Interface: `<a&b>"q"\`, Points: []Point{}},
			{Interface: "tab\there\u2028\x01", Points: []Point{}},
			{Interface: "bad\xffutf8é", Points: []Point{}},
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
