package collector_test

import (
	"context"
	"os"
	"runtime"
	"testing"

	psnet "github.com/shirou/gopsutil/v4/net"

	"github.com/netpulse/netpulse/collector"
	"github.com/netpulse/netpulse/internal/testnet"
)

// The poll benchmarks are only meaningful on Linux, where the collector
// reads /proc/net/dev itself; elsewhere it goes through gopsutil.
func skipUnlessLinux(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads /proc/net/dev")
	}
}

// BenchmarkReadNetDevBare is the floor of a poll: read /proc/net/dev and
// parse every line, nothing else.
func BenchmarkReadNetDevBare(b *testing.B) {
	skipUnlessLinux(b)
	benchInterfaces(b)
	b.ReportAllocs()
	for b.Loop() {
		data, err := os.ReadFile("/proc/net/dev")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := collector.ParseNetDev(data, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGopsutilIOCounters is the same reading through gopsutil, which
// the Linux collector does not use because it runs every second.
func BenchmarkGopsutilIOCounters(b *testing.B) {
	skipUnlessLinux(b)
	benchInterfaces(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := psnet.IOCounters(true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPollCollector is one poll of 3 monitored interfaces without the
// service's sink: read, parse, ifindex lookups and deltas. The full poll,
// with the live fan-out and the storage queue, is app's BenchmarkPoll.
func BenchmarkPollCollector(b *testing.B) {
	skipUnlessLinux(b)
	names := benchInterfaces(b)
	var deltas int
	p := collector.NewPoller(collector.NewSource(collector.DefaultPaths("")), func(_ context.Context, s collector.Sample) {
		deltas += len(s.Deltas)
	})
	p.SetMonitored(names)
	ctx := context.Background()
	p.Poll(ctx) // baseline reading: no deltas yet
	b.ReportAllocs()
	for b.Loop() {
		p.Poll(ctx)
	}
	if _, err := p.Status(); err != nil {
		b.Fatal(err)
	}
	if deltas == 0 {
		b.Fatal("no deltas: the monitored interfaces were not found")
	}
}

// benchInterfaces returns the 3 interfaces a poll monitors (the soak's
// setup when run as root; see testnet.ThreeInterfaces).
func benchInterfaces(b *testing.B) []string {
	b.Helper()
	names, down, err := testnet.ThreeInterfaces("npbc")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(down)
	return names
}
