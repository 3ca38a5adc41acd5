//go:build !linux

package collector

import (
	"context"
	"fmt"

	psnet "github.com/shirou/gopsutil/v4/net"
)

// psSource reads counters through gopsutil (IP Helper API on Windows, the
// routing socket and netstat on macOS/BSD).
type psSource struct{}

// NewSource returns the counter source of this OS.
func NewSource(Paths) Source { return psSource{} }

func (psSource) Read(ctx context.Context, keep func(string) bool) ([]Counters, error) {
	stats, err := psnet.IOCountersWithContext(ctx, true)
	if err != nil {
		return nil, fmt.Errorf("read counters: %w", err)
	}
	out := make([]Counters, 0, len(stats))
	for _, s := range stats {
		if keep != nil && !keep(s.Name) {
			continue
		}
		out = append(out, Counters{
			Name: s.Name, RxBytes: s.BytesRecv, TxBytes: s.BytesSent,
			RxPackets: s.PacketsRecv, TxPackets: s.PacketsSent,
			RxErrors: s.Errin, TxErrors: s.Errout, RxDrops: s.Dropin, TxDrops: s.Dropout,
		})
	}
	return out, nil
}
