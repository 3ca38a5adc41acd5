//go:build linux

package collector

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Containers finds container network namespaces in procfs and reads their
// counters alongside the host's. It is a Source: each Read reads the host's
// counters, then one net/dev file per container namespace that has a kept
// interface. Finding the namespaces walks all of /proc, so it is done by
// Scan on a slower timer, never by a poll.
type Containers struct {
	host  Source
	paths Paths
	meta  ContainerMetadata

	mu      sync.Mutex // guards nets, seen and gen
	nets    []ContainerNetwork
	seen    map[int]bool // incarnations found so far
	scanned bool
	gen     uint64 // counts the scans

	// Read's state, owned by the poll job.
	out     []Counters
	buf     []byte
	name    []byte
	names   map[string]string
	readGen uint64         // the scan dirs follows
	dirs    map[string]int // <proc>/<pid>/net of each namespace: its open directory, -1 when it cannot be opened
}

// NewContainers returns a Source that adds the container namespaces found
// by Scan to the counters of host.
func NewContainers(host Source, p Paths, meta ContainerMetadata) *Containers {
	return &Containers{host: host, paths: p, meta: meta, seen: map[int]bool{}, names: map[string]string{}, dirs: map[string]int{}}
}

// Networks returns the container namespaces the last Scan found.
func (c *Containers) Networks() []ContainerNetwork {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.nets)
}

// Scan walks procfs for container processes and replaces the set of
// namespaces read. It returns the entries of namespaces born since the
// previous Scan (none on the first): their counters started from zero
// after the last look, so all of their first reading is traffic.
func (c *Containers) Scan(ctx context.Context) (born []string, err error) {
	nets, err := scanContainers(ctx, c.paths, c.meta)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range nets {
		if !c.seen[n.Incarnation] && c.scanned {
			for _, i := range n.Interfaces {
				born = append(born, EntryName(n.Name, i))
			}
		}
	}
	// Only the incarnations alive now are remembered, so the map stays small.
	c.seen = make(map[int]bool, len(nets))
	for _, n := range nets {
		c.seen[n.Incarnation] = true
	}
	c.nets, c.scanned = nets, true
	c.gen++
	return born, nil
}

// scanContainers finds every container network namespace other than the
// one Net-Pulse reads as the host's (host-network containers add nothing
// of their own). Processes hidden by hidepid are simply not found.
func scanContainers(ctx context.Context, p Paths, meta ContainerMetadata) ([]ContainerNetwork, error) {
	hostIno, err := netDevInode(filepath.Join(p.NetProc, "net", "dev"))
	if err != nil {
		return nil, fmt.Errorf("find containers: %w", err)
	}
	d, err := os.Open(p.Proc)
	if err != nil {
		return nil, fmt.Errorf("find containers: %w", err)
	}
	defer d.Close()
	type member struct {
		pid   int
		start uint64
		c     Container
	}
	byNS := map[uint64][]member{}
	var buf []byte // one per scan: reads of the poll job use their own
	for {
		ents, err := d.Readdirnames(256)
		for _, e := range ents {
			pid, perr := strconv.Atoi(e)
			if perr != nil || pid <= 0 {
				continue
			}
			dir := filepath.Join(p.Proc, e)
			var rerr error
			if buf, rerr = readProcFile(filepath.Join(dir, "cgroup"), buf); rerr != nil {
				continue // exited meanwhile, or hidden
			}
			ctr, ok := ParseCgroup(buf)
			if !ok {
				continue
			}
			ino, serr := netDevInode(filepath.Join(dir, "net", "dev"))
			if serr != nil || ino == hostIno {
				continue
			}
			if buf, rerr = readProcFile(filepath.Join(dir, "stat"), buf); rerr != nil {
				continue
			}
			start, ok := parseStartTime(buf)
			if !ok {
				continue
			}
			byNS[ino] = append(byNS[ino], member{pid, start, ctr})
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("find containers: read %s: %w", p.Proc, err)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	var nets []ContainerNetwork
	var ctrs []Container
	for ino, ms := range byNS {
		// The oldest process stays while the namespace lives: it names
		// the entry and its life.
		rep := slices.MinFunc(ms, func(a, b member) int {
			return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.pid, b.pid))
		})
		dir := filepath.Join(p.Proc, strconv.Itoa(rep.pid), "net")
		data, err := os.ReadFile(filepath.Join(dir, "dev"))
		if err != nil {
			continue
		}
		cs, err := ParseNetDev(data, func(n string) bool { return n != "lo" })
		if err != nil || len(cs) == 0 {
			continue // only a loopback: nothing that leaves the container
		}
		n := ContainerNetwork{Incarnation: incarnation(ino, rep.pid, rep.start),
			pid: rep.pid, ino: ino, dir: dir}
		for _, c := range cs {
			n.Interfaces = append(n.Interfaces, c.Name)
		}
		nets = append(nets, n)
		ctrs = append(ctrs, rep.c)
	}
	meta.names(ctrs)
	for i := range nets {
		nets[i].Container = ctrs[i]
	}
	slices.SortFunc(nets, func(a, b ContainerNetwork) int { return cmp.Compare(a.ID, b.ID) })
	// Two namespaces under one name (a runtime's name reused across
	// runtimes) would mix their counters: later ones keep the short id.
	used := map[string]bool{}
	for i := range nets {
		if used[nets[i].Name] {
			nets[i].Name = nets[i].ID[:12]
		}
		used[nets[i].Name] = true
	}
	slices.SortFunc(nets, func(a, b ContainerNetwork) int { return cmp.Compare(a.Name, b.Name) })
	return nets, nil
}

// netDevInode returns the inode of a procfs net/dev file. procfs creates
// the net/ files anew for each network namespace, so two processes share
// a namespace exactly when their net/dev has the same inode; stat needs no
// privilege, unlike reading the /proc/<pid>/ns/net link.
func netDevInode(path string) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, fmt.Errorf("stat %s: %w", path, err)
	}
	return st.Ino, nil
}

// Read reads the host's counters, then those of each container namespace
// with an interface that keep selects, named "<container>/<interface>".
// A namespace that cannot be read (its process ended; another process got
// its pid) is left out of this reading: a stopped container's series ends.
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

// openDirs keeps the net/ directory of each namespace's process open, so
// a poll opens "dev" in it without walking /proc/<pid>/net each time. An
// open directory holds neither the process nor its namespace: once the
// process ends, opening "dev" in it fails, and a new process under the
// same pid is not reached through it.
func (c *Containers) openDirs(nets []ContainerNetwork) {
	keep := make(map[string]bool, len(nets))
	for _, n := range nets {
		keep[n.dir] = true
		if _, ok := c.dirs[n.dir]; !ok {
			fd, err := unix.Open(n.dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
			if err != nil {
				fd = -1
			}
			c.dirs[n.dir] = fd
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

// readProcFile reads a small procfs file into buf. The scan reads two
// files of every process, so it spares the extra stat and read of
// os.ReadFile (see preadShort).
func readProcFile(path string, buf []byte) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return buf[:0], err
	}
	defer unix.Close(fd)
	return preadShort(fd, buf)
}

// devName is "dev", NUL-terminated for openat.
var devName = [...]byte{'d', 'e', 'v', 0}

// readNet reads a namespace's net/dev into c.buf, checking that the file
// is still that namespace's (its process could have moved to another).
func (c *Containers) readNet(n *ContainerNetwork) bool {
	dir, ok := c.dirs[n.dir]
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

// seqChunk is the least a procfs read returns when more follows: seq_file
// fills its page-sized buffer up to the last line that fits (lines of
// net/dev are about 120 bytes) before it returns.
const seqChunk = 4096 - 512

// preadShort reads a procfs file that is usually shorter than a page. A
// container's net/dev (lo and an interface or two) fits in one read, and
// a read at a later offset would make the kernel generate it all again to
// find the place: a first read shorter than seqChunk is the whole file.
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
