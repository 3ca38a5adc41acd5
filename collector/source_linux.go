package collector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// procSource reads counters from <NetProc>/net/dev. It reads procfs itself
// rather than through gopsutil because it runs every second: it skips the
// unmonitored interfaces before parsing and allocates little (see
// PERFORMANCE.md for the measured difference).
//
// Its calls never block, so they are made as raw system calls: a plain one
// wakes the Go runtime's monitor thread, which then polls every 20 µs for
// as long as the poll runs. Together with the poll timer (slotWaiter) that
// keeps a poll to the thread the kernel woke (PERFORMANCE.md).
type procSource struct {
	paths Paths
	buf   []byte
	cs    []Counters        // the last reading, reused by the next
	names map[string]string // interface names, reused from poll to poll
	name  string
	fd    int // name (net/dev), kept open: reading it from offset 0 regenerates it; -1 when closed
	sock  int // socket for SIOCGIFINDEX; 0 until opened, -1 when unusable
	ifrs  map[string]*unix.Ifreq
	link  *linkStats // this namespace's counters over rtnetlink; nil until opened
	noNL  bool       // rtnetlink cannot serve them here: read net/dev

	// What LinkChanges reports; read by the container scan.
	listings atomic.Uint64
	watching atomic.Bool
}

// NewSource returns the counter source of this OS.
func NewSource(p Paths) Source { return &procSource{paths: p, fd: -1, names: map[string]string{}} }

func (s *procSource) Read(_ context.Context, keep func(string) bool) ([]Counters, error) {
	if s.paths.NetProc == "/proc/self" && !s.noNL {
		if cs, err := s.readLink(keep); err == nil {
			return cs, nil
		}
		// The same counters are in net/dev: a failed dump costs this poll
		// nothing but the cheaper path.
	}
	if s.fd < 0 {
		s.name = filepath.Join(s.paths.NetProc, "net", "dev")
		fd, err := unix.Open(s.name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("read counters: open %s: %w", s.name, err)
		}
		s.fd = fd
	}
	var err error
	s.buf, err = preadShort(s.fd, s.buf)
	if err != nil {
		unix.Close(s.fd)
		s.fd = -1 // open afresh next time
		return nil, fmt.Errorf("read counters: %s: %w", s.name, err)
	}
	cs, err := appendNetDev(s.cs[:0], s.buf, func(b []byte) (string, bool) {
		name := s.intern(b)
		return name, keep(name)
	})
	s.cs = cs
	if err != nil {
		return nil, fmt.Errorf("read counters: %s: %w", s.name, err)
	}
	if s.paths.Sys != "" {
		for i := range cs {
			cs[i].Index = s.ifindex(cs[i].Name)
		}
	}
	return cs, nil
}

// readLink reads this namespace's counters over rtnetlink (linkStats). An
// error closes the socket, to open afresh next poll; a kernel or sandbox
// without the request turns it off for good.
func (s *procSource) readLink(keep func(string) bool) ([]Counters, error) {
	if s.link == nil {
		l, err := openLinkStats()
		if err != nil {
			s.noNL = true
			s.watching.Store(false)
			return nil, err
		}
		s.link = l
	}
	dumps := s.link.dumps
	cs, err := s.link.read(s.cs[:0], keep)
	if err != nil {
		s.link.close()
		s.link = nil
		s.noNL = errors.Is(err, errNoLinkStats)
		s.listings.Add(1) // what changed meanwhile is unknown
		s.watching.Store(false)
		return nil, err
	}
	if s.link.dumps != dumps {
		s.listings.Add(1)
	}
	s.watching.Store(true)
	s.cs = cs
	return cs, nil
}

// Close closes the descriptors the reads keep open; the Poller reads no
// more after it.
func (s *procSource) Close() error {
	if s.fd >= 0 {
		unix.Close(s.fd)
		s.fd = -1
	}
	if s.sock > 0 {
		unix.Close(s.sock)
	}
	s.sock = -1
	if s.link != nil {
		s.link.close()
		s.link = nil
	}
	s.watching.Store(false)
	return nil
}

// LinkChanges counts the times the polls listed this namespace's
// interfaces afresh: at the first poll, and after an interface was added,
// removed or changed, or such news was lost. A container's interface is
// added in the host's namespace and moved into the container's (a veth's
// peer, a macvlan), so the count tells the container scan when looking
// could find something new. ok is false while rtnetlink does not serve the
// polls (another namespace's procfs, an old kernel): then nothing tells.
func (s *procSource) LinkChanges() (n uint64, ok bool) {
	return s.listings.Load(), s.watching.Load()
}

// intern returns the name b as the string it was last poll, so that a poll
// allocates nothing for names.
func (s *procSource) intern(b []byte) string {
	if n, ok := s.names[string(b)]; ok {
		return n
	}
	if len(s.names) >= 1024 {
		clear(s.names) // interfaces come and go; keep the set small
	}
	n := string(b)
	s.names[n] = n
	return n
}

// ifindex returns the interface's index; 0 when it cannot, which only
// weakens incarnation detection to the counter-went-down rule. For this
// process's own namespace it asks the kernel with one ioctl on a kept
// socket: reading sysfs instead cost 3 file opens per interface and was
// most of a poll's time (see PERFORMANCE.md).
func (s *procSource) ifindex(name string) int {
	if s.paths.NetProc == "/proc/self" {
		if s.sock == 0 {
			s.sock = -1
			if fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0); err == nil {
				s.sock = fd
			}
		}
		if s.sock > 0 {
			ifr, ok := s.ifrs[name]
			if !ok {
				var err error
				if ifr, err = unix.NewIfreq(name); err != nil {
					return 0
				}
				if s.ifrs == nil {
					s.ifrs = map[string]*unix.Ifreq{}
				}
				s.ifrs[name] = ifr
			}
			if _, _, errno := unix.RawSyscall(unix.SYS_IOCTL, uintptr(s.sock), unix.SIOCGIFINDEX, uintptr(unsafe.Pointer(ifr))); errno != 0 {
				return 0
			}
			return int(ifr.Uint32())
		}
	}
	b, err := os.ReadFile(filepath.Join(s.paths.Sys, "class", "net", name, "ifindex"))
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(b)))
	if err != nil {
		return 0
	}
	return n
}

// seqChunk is the least a procfs read returns when more follows: seq_file
// fills its page-sized buffer up to the last line that fits (lines of
// net/dev are about 120 bytes) before it returns.
const seqChunk = 4096 - 512

// preadShort reads a procfs file that is usually shorter than a page. A
// host's net/dev with a handful of interfaces, or a container's (lo and an
// interface or two), fits in one read, and a read at a later offset would
// make the kernel generate it all again to find the place: a first read
// shorter than seqChunk is the whole file.
func preadShort(fd int, buf []byte) ([]byte, error) {
	if cap(buf) < 2*4096 {
		buf = make([]byte, 0, 2*4096)
	}
	buf = buf[:cap(buf)]
	for {
		n, _, errno := unix.RawSyscall6(unix.SYS_PREAD64, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0, 0)
		switch {
		case errno == unix.EINTR:
			continue
		case errno != 0:
			return buf[:0], errno
		case int(n) < seqChunk:
			return buf[:n], nil
		}
		return preadAll(fd, buf[:0])
	}
}

// preadAll reads the file at fd from offset 0 to its end into buf, reusing
// buf's capacity across polls. procfs generates the file afresh for a read
// at offset 0; a read can stop short of the end (at the kernel's own buffer
// size), so only a read of nothing ends it.
func preadAll(fd int, buf []byte) ([]byte, error) {
	if cap(buf) < 4096 {
		buf = make([]byte, 0, 4096)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		room := buf[len(buf):cap(buf)]
		n, _, errno := unix.RawSyscall6(unix.SYS_PREAD64, uintptr(fd), uintptr(unsafe.Pointer(&room[0])), uintptr(len(room)), uintptr(len(buf)), 0, 0)
		switch {
		case errno == unix.EINTR:
			continue
		case errno != 0:
			return buf[:0], errno
		case n == 0:
			return buf, nil
		}
		buf = buf[:len(buf)+int(n)]
	}
}
