package collector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// procSource reads counters from <NetProc>/net/dev. It reads procfs itself
// rather than through gopsutil because it runs every second: it skips the
// unmonitored interfaces before parsing and allocates little (see
// PERFORMANCE.md for the measured difference).
type procSource struct {
	paths Paths
	buf   []byte
	f     *os.File // net/dev, kept open: reading it from the start regenerates it
	sock  int      // socket for SIOCGIFINDEX; 0 until opened, -1 when unusable
}

// NewSource returns the counter source of this OS.
func NewSource(p Paths) Source { return &procSource{paths: p} }

func (s *procSource) Read(_ context.Context, keep func(string) bool) ([]Counters, error) {
	name := filepath.Join(s.paths.NetProc, "net", "dev")
	if s.f == nil {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("read counters: %w", err)
		}
		s.f = f
	}
	var err error
	s.buf, err = readAllAt(s.f, s.buf[:0])
	if err != nil {
		s.f.Close()
		s.f = nil // open afresh next time
		return nil, fmt.Errorf("read counters: %s: %w", name, err)
	}
	cs, err := ParseNetDev(s.buf, keep)
	if err != nil {
		return nil, fmt.Errorf("read counters: %s: %w", name, err)
	}
	if s.paths.Sys != "" {
		for i := range cs {
			cs[i].Index = s.ifindex(cs[i].Name)
		}
	}
	return cs, nil
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
			ifr, err := unix.NewIfreq(name)
			if err != nil {
				return 0
			}
			if err := unix.IoctlIfreq(s.sock, unix.SIOCGIFINDEX, ifr); err != nil {
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

// readAllAt reads f from its start into buf, reusing its capacity across
// polls. Seeking a procfs file to 0 makes the next read generate it anew.
func readAllAt(f *os.File, buf []byte) ([]byte, error) {
	if cap(buf) < 4096 {
		buf = make([]byte, 0, 4096)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return buf, err
	}
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			if errors.Is(err, io.EOF) {
				return buf, nil
			}
			return buf, err
		}
		if n == 0 {
			return buf, nil
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}
