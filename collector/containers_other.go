//go:build !linux

package collector

import (
	"context"
	"time"
)

// Containers finds no containers outside Linux: the per-namespace counters
// it reads are Linux procfs files. It passes the host's counters through.
type Containers struct {
	host Source
}

// NewContainers returns host's counters as a Source.
func NewContainers(host Source, _ Paths, _ ContainerMetadata) *Containers {
	return &Containers{host: host}
}

// Close closes the host's source. It is called once the polls have stopped.
func (c *Containers) Close() error { return closeSource(c.host) }

// Networks returns none.
func (c *Containers) Networks() []ContainerNetwork { return nil }

// Due reports that scanning would find nothing.
func (c *Containers) Due(time.Time) bool { return false }

// Scan finds none.
func (c *Containers) Scan(context.Context) ([]string, error) { return nil, nil }

// Read reads the host's counters.
func (c *Containers) Read(ctx context.Context, keep func(string) bool) ([]Counters, error) {
	return c.host.Read(ctx, keep)
}
