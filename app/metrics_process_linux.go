package app

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/netpulse/netpulse/internal/promtext"
)

// writeProcess serves the process's own CPU time, memory and open files as
// process_*: a getrusage call and two small reads of /proc/self.
func writeProcess(b *promtext.Buffer, started time.Time) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		b.Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter")
		b.Sample("process_cpu_seconds_total", cpu.Seconds())
	}
	// statm: size resident shared ... in pages.
	if statm, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := bytes.Fields(statm); len(f) >= 2 {
			if pages, err := strconv.ParseUint(string(f[1]), 10, 64); err == nil {
				b.Family("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge")
				b.Uint("process_resident_memory_bytes", pages*uint64(os.Getpagesize()))
			}
		}
	}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		b.Family("process_open_fds", "Number of open file descriptors.", "gauge")
		b.Uint("process_open_fds", uint64(len(fds)))
	}
	b.Family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge")
	b.Sample("process_start_time_seconds", float64(started.UnixNano())/1e9)
}
