package app

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/netpulse/netpulse/internal/testnet"
)

// BenchmarkPoll is one full poll as the daemon runs it every second: read
// and parse /proc/net/dev for 3 monitored interfaces, deltas, then the real
// sink: publish to a live subscriber and queue for storage. Every 60 polls
// the queue is flushed outside the timer, as the flush job would.
func BenchmarkPoll(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads /proc/net/dev")
	}
	names := benchInterfaces(b)
	svc := newBenchService(b, b.TempDir())
	ctx := context.Background()
	if _, err := svc.SetMonitoredInterfaces(ctx, names); err != nil {
		b.Fatal(err)
	}
	stopSchedule(b, svc) // the benchmark is the only poller

	// One dashboard is connected: every sample is fanned out to it.
	live, unsubscribe := svc.Subscribe()
	defer unsubscribe()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-live:
			case <-stop:
				return
			}
		}
	}()

	svc.poller.Poll(ctx) // baseline reading: no deltas yet
	before := svc.store.Pending()
	flushed := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		svc.poller.Poll(ctx)
		if i%60 == 59 {
			b.StopTimer()
			flushed += svc.store.Pending()
			if err := svc.store.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	}
	b.StopTimer()
	if got := flushed + svc.store.Pending() - before; got != len(names)*b.N {
		b.Fatalf("%d records queued, want %d (3 per poll)", got, len(names)*b.N)
	}
}

func newBenchService(b *testing.B, dir string) *Service {
	b.Helper()
	cfg := Config{DataDir: dir, Interval: time.Second, FlushInterval: time.Hour, Listen: "127.0.0.1:0", Version: "bench"}
	svc, err := New(cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := svc.Close(); err != nil {
			b.Error(err)
		}
	})
	return svc
}

// stopSchedule stops the service's jobs so the benchmark owns the poller,
// which is not safe for concurrent polls.
func stopSchedule(b *testing.B, svc *Service) {
	b.Helper()
	if err := svc.sched.Stop(); err != nil {
		b.Fatal(err)
	}
	svc.sched = nil
}

// benchInterfaces returns the 3 interfaces a poll monitors (the soak's
// setup when run as root; see testnet.ThreeInterfaces).
func benchInterfaces(b *testing.B) []string {
	b.Helper()
	names, down, err := testnet.ThreeInterfaces("npba")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(down)
	return names
}
