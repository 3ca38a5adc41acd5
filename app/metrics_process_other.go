//go:build !linux

package app

import (
	"time"

	"github.com/netpulse/netpulse/internal/promtext"
)

// procSelf has nothing to read where /proc does not exist.
type procSelf struct{}

func newProcSelf() *procSelf { return &procSelf{} }

func (*procSelf) close() {}

// write serves only the start time.
func (*procSelf) write(b *promtext.Buffer, started time.Time) {
	b.Family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge")
	b.Sample("process_start_time_seconds", float64(started.UnixNano())/1e9)
}
