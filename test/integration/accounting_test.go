package integration

import (
	"encoding/json"
	"testing"

	"github.com/netpulse/netpulse/internal/testnet"
)

const mb = 1 << 20

// baseline starts monitoring p.Host and returns the kernel counters that
// Net-Pulse's first reading saw: the pair is quiet, so they cannot move
// between the read here and the poll.
func baseline(t *testing.T, d *daemon, iface string, p testnet.Pair) (int64, int64) {
	t.Helper()
	rx, tx := counters(t, p)
	d.monitor(iface)
	d.waitPolls(iface, 2)
	return rx, tx
}

func TestTotalsEqualKernelCounters(t *testing.T) {
	needNet(t)
	p := pair(t, "npit1", false)
	send(t, p, 3*mb, 1*mb) // traffic before monitoring is not counted
	d := start(t, t.TempDir(), "", "")
	rx0, tx0 := baseline(t, d, p.Host, p)
	send(t, p, 40*mb, 15*mb)
	d.waitPolls(p.Host, 2)
	rx1, tx1 := counters(t, p)
	rx, tx := d.totals(p.Host)
	if rx != rx1-rx0 || tx != tx1-tx0 {
		t.Fatalf("recorded rx %d tx %d; kernel counted rx %d tx %d", rx, tx, rx1-rx0, tx1-tx0)
	}
	if rx < 40*mb || tx < 15*mb {
		t.Fatalf("recorded rx %d tx %d, less than was sent", rx, tx)
	}
	// After a clean stop and start, the same totals come from disk.
	d.stop()
	d = start(t, d.dataDir, "", "")
	if rx2, tx2 := d.totals(p.Host); rx2 != rx || tx2 != tx {
		t.Fatalf("after restart: rx %d tx %d, want rx %d tx %d", rx2, tx2, rx, tx)
	}
	t.Logf("exact: rx %d tx %d bytes", rx, tx)
}

func TestTotalsExactAcrossSigkill(t *testing.T) {
	needNet(t)
	p := pair(t, "npit2", false)
	dir := t.TempDir()
	d := start(t, dir, "", "")
	rx0, tx0 := baseline(t, d, p.Host, p)
	send(t, p, 20*mb, 8*mb)
	d.waitPolls(p.Host, 1)
	send(t, p, 5*mb, 5*mb) // may be read or not before the kill
	d.kill()
	send(t, p, 12*mb, 6*mb) // passes while Net-Pulse is down
	d = start(t, dir, "", "")
	send(t, p, 7*mb, 3*mb)
	d.waitPolls(p.Host, 2)
	rx1, tx1 := counters(t, p)
	rx, tx := d.totals(p.Host)
	if rx != rx1-rx0 || tx != tx1-tx0 {
		t.Fatalf("recorded rx %d tx %d; kernel counted rx %d tx %d", rx, tx, rx1-rx0, tx1-tx0)
	}
}

func TestRecreatedInterfaceCountsEachIncarnation(t *testing.T) {
	needNet(t)
	p := pair(t, "npit3", false)
	d := start(t, t.TempDir(), "", "")
	rx0, tx0 := baseline(t, d, p.Host, p)
	send(t, p, 30*mb, 10*mb)
	d.waitPolls(p.Host, 2)
	oldRx, oldTx := counters(t, p) // the old incarnation's last count
	if err := p.Recreate(); err != nil {
		t.Fatal(err)
	}
	send(t, p, 2*mb, 1*mb) // the new one starts from zero: far below the old count
	d.waitPolls(p.Host, 2)
	newRx, newTx := counters(t, p)
	wantRx, wantTx := (oldRx-rx0)+newRx, (oldTx-tx0)+newTx
	rx, tx := d.totals(p.Host)
	if rx != wantRx || tx != wantTx {
		t.Fatalf("recorded rx %d tx %d; the two incarnations counted rx %d tx %d", rx, tx, wantRx, wantTx)
	}
	// No bucket holds more than what actually passed: no phantom spike.
	var tr traffic
	d.getJSON("/api/traffic?window=1h&group=1s&interface="+p.Host, &tr)
	for _, pt := range tr.Series[0].Points {
		if pt.RxBytes > 31*mb || pt.TxBytes > 11*mb {
			t.Errorf("spike at %d: rx %d tx %d", pt.T, pt.RxBytes, pt.TxBytes)
		}
	}
}

func TestFirstStartMonitorsDefaultRouteAndSelectionPersists(t *testing.T) {
	needNet(t)
	p := pair(t, "npit4", true)
	dir := t.TempDir()
	// Inside the namespace the default route goes through the peer end.
	d := start(t, dir, p.NS, p.PeerIP)
	var sel struct{ Interfaces []string }
	d.getJSON("/api/config/monitored_interfaces", &sel)
	if len(sel.Interfaces) != 1 || sel.Interfaces[0] != p.Peer {
		t.Fatalf("first start monitors %v, want [%s] (the default-route interface)", sel.Interfaces, p.Peer)
	}
	var ifaces []struct {
		Name         string `json:"name"`
		DefaultRoute bool   `json:"default_route"`
		Monitored    bool   `json:"monitored"`
		Kind         string `json:"kind"`
	}
	d.getJSON("/api/interfaces", &ifaces)
	found := false
	for _, i := range ifaces {
		if i.Name == p.Peer {
			found = i.DefaultRoute && i.Monitored && i.Kind == "veth"
		}
	}
	if !found {
		t.Errorf("interfaces: want %s as the monitored veth default route, got %+v", p.Peer, ifaces)
	}
	d.monitor("lo", p.Peer)
	d.stop()
	d = start(t, dir, p.NS, p.PeerIP)
	d.getJSON("/api/config/monitored_interfaces", &sel)
	if b, _ := json.Marshal(sel.Interfaces); string(b) != `["lo","`+p.Peer+`"]` {
		t.Fatalf("after restart the selection is %s", b)
	}
	// An empty selection is a choice too, and is kept.
	d.monitor()
	d.stop()
	d = start(t, dir, p.NS, p.PeerIP)
	d.getJSON("/api/config/monitored_interfaces", &sel)
	if len(sel.Interfaces) != 0 {
		t.Fatalf("after restart with nothing selected, monitors %v", sel.Interfaces)
	}
}
