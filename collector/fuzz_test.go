package collector

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// The fuzz targets below take the collector's outside input (procfs text)
// and its counter arithmetic. Their seed corpora live in
// testdata/fuzz/<name>; `make soak` and mk/reliability.mk fuzz each for a
// while, and plain `go test` replays the seeds.

func FuzzParseNetDev(f *testing.F) {
	for _, name := range []string{"testdata/netdev-vm.txt", "testdata/netdev-awkward.txt"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		all, err := ParseNetDev(data, nil)
		even := func(name string) bool { return len(name)%2 == 0 }
		some, errSome := ParseNetDev(data, even)
		if err != nil {
			return
		}
		if errSome != nil {
			t.Fatalf("the full text parses but a filtered parse fails: %v", errSome)
		}
		var want []Counters
		for _, c := range all {
			if c.Name == "" || c.Name != strings.TrimSpace(c.Name) || strings.ContainsAny(c.Name, "\n") {
				t.Fatalf("bad interface name %q", c.Name)
			}
			if even(c.Name) {
				want = append(want, c)
			}
		}
		if !slices.Equal(some, want) {
			t.Fatalf("filtered parse %+v, want %+v", some, want)
		}
		// What was parsed, written out again as net/dev, parses to the same.
		var b bytes.Buffer
		b.WriteString("Inter-|   Receive\n face |bytes\n")
		for _, c := range all {
			fmt.Fprintf(&b, "%s: %d %d %d %d 0 0 0 0 %d %d %d %d 0 0 0 0\n",
				c.Name, c.RxBytes, c.RxPackets, c.RxErrors, c.RxDrops, c.TxBytes, c.TxPackets, c.TxErrors, c.TxDrops)
		}
		again, err := ParseNetDev(b.Bytes(), nil)
		if err != nil || !slices.Equal(again, all) {
			t.Fatalf("round trip: %+v, %v; want %+v", again, err, all)
		}
	})
}

func FuzzParseRouteIPv4(f *testing.F) {
	for _, name := range []string{"testdata/route-vm.txt", "testdata/route-multi.txt", "testdata/route-none.txt"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		name := ParseRouteIPv4(data)
		if name == "" {
			return
		}
		// The answer is the first column of a line after the header (lines
		// end at '\n' only; any other white space separates columns).
		lines := strings.Split(string(data), "\n")
		for _, l := range lines[1:] {
			if f := strings.Fields(l); len(f) >= 8 && f[0] == name {
				return
			}
		}
		t.Fatalf("answer %q is no interface column of the table", name)
	})
}

func FuzzParseRouteIPv6(f *testing.F) {
	if b, err := os.ReadFile("testdata/ipv6_route-vm.txt"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		name := ParseRouteIPv6(data)
		if name == "" {
			return
		}
		if name == "lo" {
			t.Fatal("the loopback's reject route was taken for the default route")
		}
		for _, l := range strings.Split(string(data), "\n") {
			if f := strings.Fields(l); len(f) >= 10 && f[9] == name {
				return
			}
		}
		t.Fatalf("answer %q is no interface column of the table", name)
	})
}

// FuzzCounterDelta checks the arithmetic every delta goes through: a
// counter that grew gives the growth; one that went down gives either a
// 32-bit wrap no larger than the plausible limit, or the new reading (a
// restart). Never anything else: no negative, no wrapped 64-bit value, no
// spike above the limit that is not the reading itself.
func FuzzCounterDelta(f *testing.F) {
	f.Add(uint64(100), uint64(250), uint64(1250000000))
	f.Add(uint64(math.MaxUint32-10), uint64(5), uint64(1250000000))
	f.Add(uint64(math.MaxUint32-10), uint64(5), uint64(3))
	f.Add(uint64(1<<40), uint64(7), uint64(1250000000))
	f.Add(uint64(math.MaxUint64), uint64(0), uint64(math.MaxUint32))
	f.Fuzz(func(t *testing.T, prev, cur, limit uint64) {
		d, reset := counterDelta(prev, cur, limit)
		switch {
		case cur >= prev:
			if d != cur-prev || reset {
				t.Fatalf("grew %d -> %d: delta %d reset %v", prev, cur, d, reset)
			}
		case reset:
			if d != cur {
				t.Fatalf("restart %d -> %d: delta %d, want the reading", prev, cur, d)
			}
		default:
			if prev > math.MaxUint32 || d > limit || d != (math.MaxUint32-prev)+cur+1 {
				t.Fatalf("wrap %d -> %d (limit %d): delta %d", prev, cur, limit, d)
			}
		}
	})
}

// FuzzTracker drives a Tracker with readings of a small simulated machine:
// three interfaces whose counters grow, restart, are re-created under a new
// index, vanish and come back, one of them with 32-bit counters, read at
// times that go forward, stand still or step back. Every delta must be
// explained by its two readings (growth, restart or a plausible wrap),
// elapsed time must be positive, the first reading gives no delta (an
// interface that appears later is new and counts from zero), and the
// tracker remembers nothing but the monitored names.
func FuzzTracker(f *testing.F) {
	f.Add([]byte{7, 0, 8, 7, 1, 9, 7, 4, 7, 6, 7, 6, 7, 5, 7})
	f.Add([]byte{2, 2, 2, 2, 15, 255, 66, 7, 31, 7, 239, 7})
	f.Fuzz(func(t *testing.T, ops []byte) {
		type iface struct {
			name    string
			index   int
			rx, tx  uint64 // true 64-bit counts since creation
			bits32  bool
			present bool
		}
		m := []*iface{{name: "eth0", index: 2, present: true}, {name: "wlan0", index: 3, present: true}, {name: "ppp0", index: 4, bits32: true, present: true}}
		names := []string{"eth0", "wlan0", "ppp0"}
		tr := NewTracker()
		now := time.Unix(1_800_000_000, 0)
		last := map[string]Counters{} // the previous reading the tracker got
		nextIndex := 10
		first := true
		for _, b := range ops {
			it := m[int(b>>3)%len(m)]
			switch b % 8 {
			case 0, 1, 2, 3:
				it.rx += uint64(b) * uint64(b) * 4099
				it.tx += uint64(b>>1) * 1021
			case 4:
				it.rx, it.tx = 0, 0 // driver reset
			case 5:
				it.rx, it.tx, it.index = 0, 0, nextIndex // deleted and created again
				nextIndex++
			case 6:
				it.present = !it.present
			case 7:
				switch step := int(b>>3) % 8; {
				case step == 7:
					now = now.Add(-time.Hour) // the wall clock stepped back
				default:
					now = now.Add(time.Duration(step) * 700 * time.Millisecond)
				}
				var reading []Counters
				for _, x := range m {
					if !x.present {
						continue
					}
					c := Counters{Name: x.name, Index: x.index, RxBytes: x.rx, TxBytes: x.tx}
					if x.bits32 {
						c.RxBytes, c.TxBytes = x.rx&math.MaxUint32, x.tx&math.MaxUint32
					}
					reading = append(reading, c)
				}
				deltas := tr.Update(now, reading, names)
				got := map[string]Delta{}
				for _, d := range deltas {
					got[d.Name] = d
				}
				if first && len(deltas) > 0 {
					t.Fatalf("the first reading gave deltas %+v", deltas)
				}
				first = false
				for _, c := range reading {
					d, ok := got[c.Name]
					prev := last[c.Name] // zero for an interface not read before
					if ok {
						if d.Elapsed <= 0 {
							t.Fatalf("%s: elapsed %v", c.Name, d.Elapsed)
						}
						limit := wrapLimit(d.Elapsed.Seconds(), maxBytesPerSecond)
						explain(t, c.Name+" rx", prev.RxBytes, c.RxBytes, d.RxBytes, limit)
						explain(t, c.Name+" tx", prev.TxBytes, c.TxBytes, d.TxBytes, limit)
					}
					last[c.Name] = c
				}
				for n := range tr.states {
					if !slices.Contains(names, n) {
						t.Fatalf("tracker keeps %q, which is not monitored", n)
					}
				}
			}
		}
	})
}

// explain fails unless delta is the growth from prev to cur, the reading
// cur itself (a restart), or a 32-bit wrap within limit.
func explain(t *testing.T, what string, prev, cur, delta, limit uint64) {
	t.Helper()
	switch {
	case cur >= prev && delta == cur-prev:
	case delta == cur:
	case cur < prev && prev <= math.MaxUint32 && delta == (math.MaxUint32-prev)+cur+1 && delta <= limit:
	default:
		t.Fatalf("%s: %d -> %d gave delta %d (limit %d)", what, prev, cur, delta, limit)
	}
}
