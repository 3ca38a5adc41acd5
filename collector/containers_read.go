//go:build linux

package collector

import (
	"context"
	"slices"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Read reads the host's counters, then those of each container namespace
// with an interface that keep selects, named "<container>/<interface>".
// A namespace that cannot be read (its process ended, or moved to another
// namespace) is left out of this reading: a stopped container's series ends.
func (c *Containers) Read(ctx context.Context, keep func(string) bool) ([]Counters, error) {
	host, err := c.host.Read(ctx, keep)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	nets, gen := c.nets, c.gen
	c.mu.Unlock()
	if gen != c.readGen {
		c.openDirs(nets)
		c.readGen = gen
	}
	if len(nets) == 0 {
		return host, nil
	}
	out := append(c.out[:0], host...)
	for i := range nets {
		n := &nets[i]
		if !slices.ContainsFunc(n.Interfaces, func(iface string) bool { return keep(c.entry(n.Name, []byte(iface))) }) {
			continue
		}
		if !c.readNet(n) {
			continue
		}
		start := len(out)
		var perr error
		out, perr = appendNetDev(out, c.buf, func(b []byte) (string, bool) {
			if string(b) == "lo" {
				return "", false
			}
			name := c.entry(n.Name, b)
			return name, keep(name)
		})
		if perr != nil {
			// A reading half parsed would look like a reset: leave the
			// namespace out of this reading.
			out = out[:start]
			continue
		}
		for j := start; j < len(out); j++ {
			out[j].Index = n.Incarnation
		}
	}
	c.out = out
	return out, nil
}

// Close closes the namespaces' directories and the host's source. It is
// called once the polls have stopped.
func (c *Containers) Close() error {
	c.openDirs(nil)
	return closeSource(c.host)
}

// netDir names a namespace's open net/ directory: the path and the
// namespace, since a pid, and so the path, can pass from an ended
// container's process to a new container's between two scans.
type netDir struct {
	path string
	ino  uint64
}

// openDirs keeps the net/ directory of each namespace's process open, so
// a poll opens "dev" in it without walking /proc/<pid>/net each time. An
// open directory holds neither the process nor its namespace: once the
// process ends, opening "dev" in it fails, and a new process under the
// same pid is not reached through it: it is opened anew.
func (c *Containers) openDirs(nets []ContainerNetwork) {
	keep := make(map[netDir]bool, len(nets))
	for _, n := range nets {
		k := netDir{n.dir, n.ino}
		keep[k] = true
		if _, ok := c.dirs[k]; !ok {
			fd, err := unix.Open(n.dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
			if err != nil {
				fd = -1
			}
			c.dirs[k] = fd
		}
	}
	for dir, fd := range c.dirs {
		if !keep[dir] {
			if fd >= 0 {
				unix.Close(fd)
			}
			delete(c.dirs, dir)
		}
	}
}

// devName is "dev", NUL-terminated for openat.
var devName = [...]byte{'d', 'e', 'v', 0}

// readNet reads a namespace's net/dev into c.buf, checking that the file
// is still that namespace's (its process could have moved to another).
func (c *Containers) readNet(n *ContainerNetwork) bool {
	dir, ok := c.dirs[netDir{n.dir, n.ino}]
	if !ok || dir < 0 {
		return false
	}
	r, _, errno := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(dir), uintptr(unsafe.Pointer(&devName[0])), unix.O_RDONLY|unix.O_CLOEXEC, 0, 0, 0)
	if errno != 0 {
		return false
	}
	fd := int(r)
	// The file holds the namespace alive: it is closed at once, so a
	// stopped container's namespace is not kept by Net-Pulse.
	defer unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Ino != n.ino {
		return false
	}
	var err error
	c.buf, err = preadShort(fd, c.buf)
	return err == nil
}

// entry interns "<container>/<iface>", so that a poll allocates no names.
func (c *Containers) entry(container string, iface []byte) string {
	c.name = append(append(append(c.name[:0], container...), '/'), iface...)
	if n, ok := c.names[string(c.name)]; ok {
		return n
	}
	if len(c.names) >= 4096 {
		clear(c.names) // containers come and go; keep the set small
	}
	n := string(c.name)
	c.names[n] = n
	return n
}
