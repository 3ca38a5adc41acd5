package reliability

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/netpulse/netpulse/app"
	"github.com/netpulse/netpulse/app/web"
	"github.com/netpulse/netpulse/internal/testnet"
	"github.com/netpulse/netpulse/test/harness"
)

// TestInterfaceChurn creates and deletes 200 veth pairs (400 interfaces)
// in rounds while the real service monitors a busy pair and one of the
// churned names, and the interface list is asked for between rounds. The
// monitored pair must stay exact, the churned name, which never carried a
// byte, must record none, and goroutines, heap and open files must come
// back to where they were. The service runs inside the test process so
// that its goroutines and heap can be counted; it reads the real kernel
// counters like the binary does. It does not run in parallel with other
// tests, whose goroutines would blur the count.
func TestInterfaceChurn(t *testing.T) {
	harness.NeedSystem(t)
	const rounds, perRound = 10, 20
	p := harness.QuietPair(t, "nprchurn")
	t.Cleanup(func() { churn(t, "del", 0, 1+rounds*perRound, true) })
	s, svc := startInProcess(t)
	churn(t, "add", 0, 1, false) // npc000a, monitored from the start
	rx0, tx0 := harness.Counters(t, p)
	s.Monitor(p.Host, "npc000a")
	s.WaitPolls(2)
	if rx, tx := harness.Counters(t, p); rx != rx0 || tx != tx0 {
		t.Fatalf("%s moved during the baseline", p.Host)
	}

	getInterfaces(t, s)
	g0, heap0, fds0 := footprint()
	stop := harness.Stream(t, p, 2*mb)
	start := time.Now()
	for r := range rounds {
		churn(t, "add", 1+r*perRound, perRound, false)
		getInterfaces(t, s)
		s.WaitPolls(1)
		churn(t, "del", 1+r*perRound, perRound, false)
		churn(t, "del", 0, 1, false) // the monitored npc000a goes and comes back
		churn(t, "add", 0, 1, false)
		getInterfaces(t, s)
	}
	stop()
	t.Logf("%d veth pairs created and deleted in %s", rounds*perRound, time.Since(start).Round(100*time.Millisecond))
	rx1, tx1 := harness.Settle(t, s, p)
	rx, tx := s.Totals(p.Host)
	harness.ExpectTotals(t, "monitored pair through the churn", rx, tx, rx0, tx0, rx1, tx1)
	if rx, tx := s.Totals("npc000a"); rx != 0 || tx != 0 {
		t.Errorf("npc000a, deleted and re-created %d times and never up, recorded rx %d tx %d bytes", rounds, rx, tx)
	}

	// Whatever the churn allocated must be gone once it is over.
	time.Sleep(2 * time.Second) // let request goroutines and idle connections end
	http.DefaultClient.CloseIdleConnections()
	g1, heap1, fds1 := footprint()
	t.Logf("goroutines %d -> %d, heap in use %.1f -> %.1f MiB, open files %d -> %d",
		g0, g1, float64(heap0)/(1<<20), float64(heap1)/(1<<20), fds0, fds1)
	if g1 > g0+5 {
		t.Errorf("goroutines grew from %d to %d", g0, g1)
	}
	if heap1 > heap0+8<<20 {
		t.Errorf("heap in use grew from %d to %d bytes", heap0, heap1)
	}
	if fds1 > fds0+5 {
		t.Errorf("open files grew from %d to %d", fds0, fds1)
	}
	if h := svc.Health(); h.Status != "ok" {
		t.Errorf("health after the churn: %+v", h)
	}
}

// TestInterfaceRenamed renames the monitored interface away and back while
// traffic flows. While it has another name its traffic belongs to that
// name; once it is back under the monitored name, counting must go on from
// its counters, never count the whole counter again (a spike as large as
// everything it ever carried).
func TestInterfaceRenamed(t *testing.T) {
	harness.NeedSystem(t)
	t.Parallel()
	p := harness.QuietPair(t, "nprren")
	other := p.Host + "x"
	t.Cleanup(func() { exec.Command("ip", "link", "del", other).Run() })
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir()})
	rx0, tx0 := harness.Baseline(t, s, p)
	harness.Send(t, p, 20*mb, 5*mb)
	rx1, tx1 := harness.Settle(t, s, p)

	rename(t, p, p.Host, other)
	harness.Send(t, p, 7*mb, 3*mb)
	time.Sleep(time.Second)
	rxR, txR := harness.SysCounters(t, other) // the renamed link's counters before it comes back
	s.WaitPolls(2)
	if rx, tx := harness.SysCounters(t, other); rx != rxR || tx != txR {
		t.Fatalf("%s was not quiet", other)
	}
	rename(t, p, other, p.Host)
	harness.Send(t, p, 9*mb, 4*mb)
	rx3, tx3 := harness.Settle(t, s, p)

	rx, tx := s.Totals(p.Host)
	// Counting by name gives the traffic before the rename plus the traffic
	// after it came back; following the device through the rename gives the
	// whole growth of its counters. Either is right; more is a spike.
	loRx, loTx := (rx1-rx0)+(rx3-rxR), (tx1-tx0)+(tx3-txR)
	hiRx, hiTx := rx3-rx0, tx3-tx0
	t.Logf("recorded rx %d tx %d; by name rx %d tx %d; by device rx %d tx %d", rx, tx, loRx, loTx, hiRx, hiTx)
	if rx < loRx || rx > hiRx || tx < loTx || tx > hiTx {
		t.Fatalf("after a rename away and back: recorded rx %d tx %d, outside [%d, %d] and [%d, %d]: the counter was counted again from zero",
			rx, tx, loRx, hiRx, loTx, hiTx)
	}
}

// rename renames the host end of p (a link must be down to be renamed) and
// pins its neighbour again, which going down dropped.
func rename(t *testing.T, p testnet.Pair, from, to string) {
	t.Helper()
	harness.Run(t, "ip", "link", "set", "dev", from, "down")
	harness.Run(t, "ip", "link", "set", "dev", from, "name", to)
	harness.Run(t, "ip", "link", "set", "dev", to, "up")
	harness.Run(t, "ip", "addr", "replace", p.HostIP+"/24", "dev", to)
	harness.PinNeighbours(t, p, to)
}

// startInProcess runs the real service and HTTP handler inside the test.
func startInProcess(t *testing.T) (*harness.Server, *app.Service) {
	t.Helper()
	cfg := app.Config{Headless: true, Listen: "127.0.0.1:0", DataDir: t.TempDir(),
		Interval: time.Second, FlushInterval: time.Second, Version: "test"}
	svc, err := app.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.NewHandler(svc, cfg, fstest.MapFS{}, nil))
	t.Cleanup(func() {
		srv.Close()
		if err := svc.Close(); err != nil {
			t.Errorf("close service: %v", err)
		}
	})
	return harness.Attach(t, srv.URL, cfg.DataDir), svc
}

// churn adds or deletes n veth pairs npcNNNa/npcNNNb from the first one,
// in one ip batch.
func churn(t *testing.T, op string, first, n int, ignoreErrors bool) {
	t.Helper()
	var b strings.Builder
	for i := first; i < first+n; i++ {
		if op == "add" {
			fmt.Fprintf(&b, "link add npc%03da type veth peer name npc%03db\n", i, i)
		} else {
			fmt.Fprintf(&b, "link del npc%03da\n", i)
		}
	}
	cmd := exec.Command("ip", "-force", "-batch", "-")
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil && !ignoreErrors {
		t.Fatalf("ip batch %s %d..%d: %v: %s", op, first, first+n-1, err, out)
	}
}

func getInterfaces(t *testing.T, s *harness.Server) {
	t.Helper()
	var list []struct {
		Name string `json:"name"`
	}
	if code := s.GetJSON("/api/interfaces", &list); code != http.StatusOK {
		t.Fatalf("interfaces: %d", code)
	}
}

// footprint returns this process's goroutines, heap in use after a
// collection, and open files.
func footprint() (goroutines int, heap uint64, fds int) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapInuse, harness.OpenFDs(os.Getpid())
}
