package integration

import (
	"encoding/json"
	"testing"

	"github.com/netpulse/netpulse/internal/testnet"
	"github.com/netpulse/netpulse/test/harness"
)

func TestTotalsEqualKernelCounters(t *testing.T) {
	harness.NeedSystem(t)
	p := harness.QuietPair(t, "npit1")
	harness.Send(t, p, 3*mb, 1*mb) // traffic before monitoring is not counted
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir()})
	rx0, tx0 := harness.Baseline(t, s, p)
	harness.Send(t, p, 40*mb, 15*mb)
	rx1, tx1 := harness.Settle(t, s, p)
	rx, tx := s.Totals(p.Host)
	harness.ExpectTotals(t, "live answer", rx, tx, rx0, tx0, rx1, tx1)
	if rx < 40*mb || tx < 15*mb {
		t.Fatalf("recorded rx %d tx %d, less than was sent", rx, tx)
	}
	// After a clean stop and start, the same totals come from disk.
	if code := s.Stop(); code != 0 {
		t.Fatalf("clean stop exited %d", code)
	}
	s = s.Restart()
	rx, tx = s.Totals(p.Host)
	harness.ExpectTotals(t, "after a restart (from disk)", rx, tx, rx0, tx0, rx1, tx1)
}

func TestTotalsExactAcrossSigkill(t *testing.T) {
	harness.NeedSystem(t)
	p := harness.QuietPair(t, "npit2")
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir()})
	rx0, tx0 := harness.Baseline(t, s, p)
	harness.Send(t, p, 20*mb, 8*mb)
	s.WaitPolls(1)
	harness.Send(t, p, 5*mb, 5*mb) // may be read or not before the kill
	s.Kill()
	harness.Send(t, p, 12*mb, 6*mb) // passes while Net-Pulse is down
	s = s.Restart()
	harness.Send(t, p, 7*mb, 3*mb)
	rx1, tx1 := harness.Settle(t, s, p)
	rx, tx := s.Totals(p.Host)
	harness.ExpectTotals(t, "after kill -9 and restart", rx, tx, rx0, tx0, rx1, tx1)
}

func TestRecreatedInterfaceCountsEachIncarnation(t *testing.T) {
	harness.NeedSystem(t)
	p := harness.QuietPair(t, "npit3")
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir()})
	rx0, tx0 := harness.Baseline(t, s, p)
	harness.Send(t, p, 30*mb, 10*mb)
	oldRx, oldTx := harness.Settle(t, s, p) // the old incarnation's last count
	if err := p.Recreate(); err != nil {
		t.Fatal(err)
	}
	harness.PinNeighbours(t, p, p.Host)
	harness.Send(t, p, 2*mb, 1*mb) // the new one starts from zero: far below the old count
	newRx, newTx := harness.Settle(t, s, p)
	rx, tx := s.Totals(p.Host)
	harness.ExpectTotals(t, "two incarnations", rx, tx, 0, 0, (oldRx-rx0)+newRx, (oldTx-tx0)+newTx)
	// No bucket holds more than what actually passed: no phantom spike.
	var tr harness.Traffic
	s.GetJSON("/api/traffic?window=1h&group=1s&interface="+p.Host, &tr)
	for _, pt := range tr.Series[0].Points {
		if pt.RxBytes > 31*mb || pt.TxBytes > 11*mb {
			t.Errorf("spike at %d: rx %d tx %d", pt.T, pt.RxBytes, pt.TxBytes)
		}
	}
}

func TestFirstStartMonitorsDefaultRouteAndSelectionPersists(t *testing.T) {
	harness.NeedSystem(t)
	p := testnet.NewPair("npit4")
	if err := p.Up(true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Down)
	// Inside the namespace the default route goes through the peer end.
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir(), Netns: p.NS, Listen: p.PeerIP + ":0"})
	var sel struct{ Interfaces []string }
	s.GetJSON("/api/config/monitored_interfaces", &sel)
	if len(sel.Interfaces) != 1 || sel.Interfaces[0] != p.Peer {
		t.Fatalf("first start monitors %v, want [%s] (the default-route interface)", sel.Interfaces, p.Peer)
	}
	var ifaces []struct {
		Name         string `json:"name"`
		DefaultRoute bool   `json:"default_route"`
		Monitored    bool   `json:"monitored"`
		Kind         string `json:"kind"`
	}
	s.GetJSON("/api/interfaces", &ifaces)
	found := false
	for _, i := range ifaces {
		if i.Name == p.Peer {
			found = i.DefaultRoute && i.Monitored && i.Kind == "veth"
		}
	}
	if !found {
		t.Errorf("interfaces: want %s as the monitored veth default route, got %+v", p.Peer, ifaces)
	}
	restart := func() {
		t.Helper()
		if code := s.Stop(); code != 0 {
			t.Fatalf("clean stop exited %d", code)
		}
		s = s.Restart()
		s.GetJSON("/api/config/monitored_interfaces", &sel)
	}
	s.Monitor("lo", p.Peer)
	restart()
	if b, _ := json.Marshal(sel.Interfaces); string(b) != `["lo","`+p.Peer+`"]` {
		t.Fatalf("after restart the selection is %s", b)
	}
	// An empty selection is a choice too, and is kept.
	if code, body := s.PostJSON("/api/config/monitored_interfaces", map[string][]string{"interfaces": {}}); code != 200 {
		t.Fatalf("empty selection: %d %s", code, body)
	}
	restart()
	if len(sel.Interfaces) != 0 {
		t.Fatalf("after restart with nothing selected, monitors %v", sel.Interfaces)
	}
}
