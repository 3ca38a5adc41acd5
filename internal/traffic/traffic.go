// Package traffic holds what the collector and storage both count: the
// eight counters the kernel keeps per network interface. It imports
// nothing, so that both can share it without depending on each other.
package traffic

// Counts are an interface's eight kernel counters: bytes, packets, errors
// and drops, each way. A reading holds their cumulative values; a delta, a
// record or a total holds the traffic between two readings.
type Counts struct {
	RxBytes   uint64
	TxBytes   uint64
	RxPackets uint64
	TxPackets uint64
	RxErrors  uint64
	TxErrors  uint64
	RxDrops   uint64
	TxDrops   uint64
}

// Add adds o into c.
func (c *Counts) Add(o Counts) {
	c.RxBytes += o.RxBytes
	c.TxBytes += o.TxBytes
	c.RxPackets += o.RxPackets
	c.TxPackets += o.TxPackets
	c.RxErrors += o.RxErrors
	c.TxErrors += o.TxErrors
	c.RxDrops += o.RxDrops
	c.TxDrops += o.TxDrops
}
