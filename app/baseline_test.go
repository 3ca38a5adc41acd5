package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
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

// TestTickKeepsContainersCheckpoints: changing the ticked interfaces keeps
// the checkpoints of the containers recorded without being ticked ("record
// every container", the default), so a crash soon after loses none of
// their traffic. The procfs is collector's container fixture.
func TestTickKeepsContainersCheckpoints(t *testing.T) {
	proc := filepath.Join(t.TempDir(), "proc")
	if out, err := exec.Command("cp", "-a", "../collector/testdata/containers/proc", proc).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if err := os.MkdirAll(filepath.Join(proc, "sys/kernel/random"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proc, "sys/kernel/random/boot_id"), []byte("0c1e2f36-0000-4000-8000-000000000002\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	svc, err := New(Config{DataDir: t.TempDir(), Interval: time.Second, FlushInterval: time.Hour, HostProc: proc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	entries := func() (names []string) {
		cps, err := svc.store.Checkpoints(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cps {
			if strings.Contains(c.Interface, "/") { // a container's entry
				names = append(names, c.Interface)
			}
		}
		slices.Sort(names)
		return names
	}
	if err := svc.store.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	before := entries()
	if len(before) == 0 {
		t.Fatal("no container recorded from the fixture")
	}
	for _, sel := range [][]string{{"eth0"}, {}} { // the fixture host's eth0
		if _, err := svc.SetMonitoredInterfaces(ctx, sel); err != nil {
			t.Fatal(err)
		}
		if got := entries(); !slices.Equal(got, before) {
			t.Errorf("after ticking %v, containers' checkpoints %v, want %v", sel, got, before)
		}
	}
}
