package app

import (
	"bytes"
	"encoding/binary"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/netpulse/netpulse/internal/promtext"
)

// procSelf reads the process figures that getrusage lacks from
// /proc/self/statm and /proc/self/fd, both kept open between scrapes:
// opening and closing them cost more than reading them. Reading from
// offset 0 makes procfs generate the file or the listing afresh. The calls
// are raw, like the poll's (collector.procSource): they never block.
type procSelf struct {
	mu    sync.Mutex
	statm int // -1 until opened, or when it cannot be
	fdDir int
	buf   []byte
}

func newProcSelf() *procSelf {
	return &procSelf{statm: openProc("/proc/self/statm"), fdDir: openProc("/proc/self/fd"), buf: make([]byte, 4096)}
}

func openProc(path string) int {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	return fd
}

// close closes the kept descriptors; later scrapes leave out what they gave.
func (p *procSelf) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, fd := range []*int{&p.statm, &p.fdDir} {
		if *fd >= 0 {
			unix.Close(*fd)
			*fd = -1
		}
	}
}

// write serves the process's own CPU time, memory and open files as
// process_*.
func (p *procSelf) write(b *promtext.Buffer, started time.Time) {
	var ru syscall.Rusage
	// Raw, as the reads below: it never blocks.
	if _, _, errno := unix.RawSyscall(unix.SYS_GETRUSAGE, uintptr(unix.RUSAGE_SELF), uintptr(unsafe.Pointer(&ru)), 0); errno == 0 {
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		b.Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter")
		b.Sample("process_cpu_seconds_total", cpu.Seconds())
	}
	p.mu.Lock()
	rss, rssOK := p.residentPages()
	fds, fdsOK := p.openFDs()
	p.mu.Unlock()
	if rssOK {
		b.Family("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge")
		b.Uint("process_resident_memory_bytes", rss*uint64(os.Getpagesize()))
	}
	if fdsOK {
		b.Family("process_open_fds", "Number of open file descriptors.", "gauge")
		b.Uint("process_open_fds", fds)
	}
	b.Family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge")
	b.Sample("process_start_time_seconds", float64(started.UnixNano())/1e9)
}

// residentPages reads statm: size resident shared ... in pages.
func (p *procSelf) residentPages() (uint64, bool) {
	if p.statm < 0 {
		return 0, false
	}
	n, _, errno := unix.RawSyscall6(unix.SYS_PREAD64, uintptr(p.statm), uintptr(unsafe.Pointer(&p.buf[0])), uintptr(len(p.buf)), 0, 0, 0)
	if errno != 0 {
		return 0, false
	}
	f := bytes.Fields(p.buf[:n])
	if len(f) < 2 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(f[1]), 10, 64)
	return v, err == nil
}

// openFDs counts the entries of /proc/self/fd, its own descriptors
// included, as a fresh listing would.
func (p *procSelf) openFDs() (uint64, bool) {
	if p.fdDir < 0 {
		return 0, false
	}
	if _, _, errno := unix.RawSyscall(unix.SYS_LSEEK, uintptr(p.fdDir), 0, unix.SEEK_SET); errno != 0 {
		return 0, false
	}
	var count uint64
	for {
		n, _, errno := unix.RawSyscall(unix.SYS_GETDENTS64, uintptr(p.fdDir), uintptr(unsafe.Pointer(&p.buf[0])), uintptr(len(p.buf)))
		if errno != 0 {
			return 0, false
		}
		if n == 0 {
			return count, true
		}
		// linux_dirent64: ino u64, off i64, reclen u16, type u8, name.
		for d := p.buf[:n]; len(d) >= 19; {
			size := int(binary.NativeEndian.Uint16(d[16:]))
			if size < 19 || size > len(d) {
				return 0, false
			}
			if name := d[19:size]; !bytes.HasPrefix(name, []byte(".\x00")) && !bytes.HasPrefix(name, []byte("..\x00")) {
				count++
			}
			d = d[size:]
		}
	}
}
