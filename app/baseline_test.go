package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTickStoresBaselineBeforeAnswering ticks an interface and reads the
// database before anything else runs: its starting counters must already
// be there, so a crash right after the answer loses nothing it counts.
// Un-ticked, its checkpoint goes, so ticking it again later starts afresh.
// The counters come from a procfs written by the test (NETPULSE_HOST_PROC's
// layout), and the write interval is an hour: no scheduled write helps.
func TestTickStoresBaselineBeforeAnswering(t *testing.T) {
	proc := t.TempDir()
	write := func(rel, body string) {
		t.Helper()
		p := filepath.Join(proc, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("sys/kernel/random/boot_id", "0c1e2f36-0000-4000-8000-000000000001\n")
	write("1/net/dev", `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3245      30    0    0    0     0          0         0     3245      30    0    0    0     0       0          0
 veth9:  5000000   4000    0    0    0     0          0         0  7000000    5000    0    0    0     0       0          0
`)
	svc, err := New(Config{DataDir: t.TempDir(), Interval: time.Second, FlushInterval: time.Hour, HostProc: proc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	if _, err := svc.SetMonitoredInterfaces(ctx, []string{"veth9"}); err != nil {
		t.Fatal(err)
	}
	cps, err := svc.store.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cps) != 1 || cps[0].Interface != "veth9" || cps[0].Counters.RxBytes != 5000000 || cps[0].Counters.TxBytes != 7000000 ||
		cps[0].BootID != "0c1e2f36-0000-4000-8000-000000000001" {
		t.Fatalf("stored checkpoints right after ticking veth9: %+v", cps)
	}
	if _, err := svc.SetMonitoredInterfaces(ctx, []string{}); err != nil {
		t.Fatal(err)
	}
	if cps, err := svc.store.Checkpoints(ctx); err != nil || len(cps) != 0 {
		t.Fatalf("checkpoints after un-ticking: %+v %v", cps, err)
	}
}
