//go:build linux

package collector_test

import (
	"context"
	"testing"

	"github.com/netpulse/netpulse/collector"
)

// BenchmarkScanContainers is one walk of this machine's /proc for container
// namespaces, as the daemon does every containerScanInterval; b.N walks
// divided by the processes found gives the cost per process.
func BenchmarkScanContainers(b *testing.B) {
	c := collector.NewContainers(nil, collector.DefaultPaths(""), collector.ContainerMetadata{})
	for b.Loop() {
		if _, err := c.Scan(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
