package opendata

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/netpulse/netpulse/internal/testnet"
	"github.com/netpulse/netpulse/test/harness"
)

// counts are the kernel's packet, error and drop counters of an interface,
// in /api/traffic's names.
type counts map[string]int64

var countNames = []string{"rx_packets", "tx_packets", "rx_errors", "tx_errors", "rx_drops", "tx_drops"}

// kernelCounts reads them from sysfs.
func kernelCounts(t *testing.T, iface string) counts {
	t.Helper()
	files := map[string]string{"rx_packets": "rx_packets", "tx_packets": "tx_packets", "rx_errors": "rx_errors",
		"tx_errors": "tx_errors", "rx_drops": "rx_dropped", "tx_drops": "tx_dropped"}
	out := counts{}
	for name, f := range files {
		b, err := os.ReadFile("/sys/class/net/" + iface + "/statistics/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if out[name], err = strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// recordedCounts asks /api/traffic for the interface's counts over the last
// hour and checks that its points add up to its totals.
func recordedCounts(t *testing.T, s *harness.Server, iface string) (counts, int) {
	t.Helper()
	var raw map[string]any
	if code := s.GetJSON("/api/traffic?window=1h&group=1m&interface="+iface, &raw); code != 200 {
		t.Fatalf("traffic: status %d", code)
	}
	total, sum := counts{}, counts{}
	withDrops := 0
	for _, n := range countNames {
		total[n] = int64(raw[n].(float64))
	}
	for _, sr := range raw["series"].([]any) {
		for _, p := range sr.(map[string]any)["points"].([]any) {
			pt := p.(map[string]any)
			for _, n := range countNames {
				sum[n] += int64(pt[n].(float64))
			}
			if pt["tx_drops"].(float64) > 0 {
				withDrops++
			}
		}
	}
	for _, n := range countNames {
		if sum[n] != total[n] {
			t.Errorf("%s: points add up to %d, the total says %d", n, sum[n], total[n])
		}
	}
	return total, withDrops
}

// sendUDP sends n datagrams of size bytes to the pair's namespace end.
func sendUDP(t *testing.T, p testnet.Pair, n, size int) {
	t.Helper()
	c, err := net.Dial("udp", net.JoinHostPort(p.PeerIP, "9"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	b := make([]byte, size)
	for range n {
		c.Write(b) // the peer may be down: that is the point
	}
}

// TestPacketsErrorsAndDropsEqualKernelCounters moves traffic across a veth
// pair and makes its host end drop packets (its peer is down, so the veth
// driver counts them as transmit drops), with a restart in between and
// drops while Net-Pulse is stopped, then compares what /api/traffic says
// with the kernel's counter deltas.
func TestPacketsErrorsAndDropsEqualKernelCounters(t *testing.T) {
	harness.NeedSystem(t)
	p := harness.QuietPair(t, "np16c")
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir()})
	harness.Baseline(t, s, p)
	before := kernelCounts(t, p.Host)

	harness.Send(t, p, 300_000, 200_000)
	peer := func(state string) {
		harness.Run(t, "ip", "-n", p.NS, "link", "set", p.Peer, state)
		if state == "up" {
			harness.PinNeighbours(t, p, p.Host)
		}
	}
	peer("down")
	sendUDP(t, p, 40, 200)
	s.WaitPolls(2)
	s.Stop()
	sendUDP(t, p, 25, 300) // while stopped: counted at the next start
	s = harness.Start(t, bin, s.Opts)
	s.WaitPolls(2)
	peer("up")
	harness.Send(t, p, 100_000, 50_000)
	harness.Settle(t, s, p)
	after := kernelCounts(t, p.Host)

	got, withDrops := recordedCounts(t, s, p.Host)
	for _, n := range countNames {
		if want := after[n] - before[n]; got[n] != want {
			t.Errorf("%s: recorded %d, the kernel counted %d", n, got[n], want)
		}
	}
	if after["tx_drops"]-before["tx_drops"] < 65 || withDrops == 0 || after["rx_packets"] == before["rx_packets"] {
		t.Errorf("the test made too little happen: kernel %v -> %v, %d points with drops", before, after, withDrops)
	}
	t.Logf("kernel deltas and recorded counts agree: %v (%d points with drops)", got, withDrops)

	// The dashboard's view after the restart: the same from the database.
	s.Stop()
	s = harness.Start(t, bin, s.Opts)
	if again, _ := recordedCounts(t, s, p.Host); !equalCounts(again, got) {
		t.Errorf("after a restart: %v, before %v", again, got)
	}
}

func equalCounts(a, b counts) bool {
	for _, n := range countNames {
		if a[n] != b[n] {
			return false
		}
	}
	return true
}
