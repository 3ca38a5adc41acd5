//go:build linux

package collector

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
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
	// Processes the last scan found on the host's network, which the next
	// ones pass over without a look (see fullScanEvery).
	hostPIDs map[int]bool
	lastFull time.Time
	failed   bool // the last scan failed: the next one is due
	// What Due last saw of the host's link changes, and when.
	links      uint64
	linkChange time.Time

	// Read's state, owned by the poll job.
	out     []Counters
	buf     []byte
	name    []byte
	names   map[string]string
	readGen uint64         // the scan dirs follows
	dirs    map[netDir]int // each namespace's <proc>/<pid>/net: its open directory, -1 when it cannot be opened
}

// NewContainers returns a Source that adds the container namespaces found
// by Scan to the counters of host.
func NewContainers(host Source, p Paths, meta ContainerMetadata) *Containers {
	return &Containers{host: host, paths: p, meta: meta, seen: map[int]bool{}, names: map[string]string{}, dirs: map[netDir]int{}}
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
	now := time.Now()
	c.mu.Lock()
	known := c.hostPIDs
	full := c.gen%fullScanEvery == 0 || now.Sub(c.lastFull) >= quietScanEvery
	if full {
		known = nil
	}
	c.mu.Unlock()
	nets, host, err := scanContainers(ctx, c.paths, c.meta, known)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failed = err != nil; c.failed {
		return nil, err
	}
	continueLives(c.nets, nets)
	c.hostPIDs = host
	if full {
		c.lastFull = now
	}
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

// Due reports whether a scan at now could find something the last one did
// not. Every container network counted has an interface besides its
// loopback, and that interface was added in the host's namespace before it
// was moved into the container's (a veth's peer, a macvlan): so while the
// host's polls see no link change, the walk of /proc, most of a quiet
// daemon's cost after the poll itself (PERFORMANCE.md), is skipped. After
// a change, scans go on for scanAfterLinkChange (the container's process
// may start after its interface moved in); without any, one every
// quietScanEvery finds what no link change told of (an interface made
// inside a container, a process joining an old namespace), counted from
// zero then (Poller.Expect), so nothing of its traffic is lost. A host
// source that cannot tell of changes, or a failed scan, leaves the next
// scan due.
func (c *Containers) Due(now time.Time) bool {
	w, ok := c.host.(interface{ LinkChanges() (uint64, bool) })
	if !ok {
		return true
	}
	n, watching := w.LinkChanges()
	c.mu.Lock()
	defer c.mu.Unlock()
	if n != c.links {
		c.links, c.linkChange = n, now
	}
	return !watching || !c.scanned || c.failed ||
		now.Sub(c.linkChange) < scanAfterLinkChange || now.Sub(c.lastFull) >= quietScanEvery
}

// How long scans go on after a link change, and how often they run
// without one; a scan after quietScanEvery looks at every process.
const (
	scanAfterLinkChange = 2 * time.Minute
	quietScanEvery      = 5 * time.Minute
)

// fullScanEvery is how often a scan looks at every process again. The
// scans in between pass over the processes the one before found on the
// host's network: a container's processes are new ones, born in their
// namespace or moving to it at once (runc unshares before it starts the
// container's program), so passing over the old ones only delays finding
// the rare process that leaves the host's network long after it started,
// or a process id reused. Either is counted from zero when found.
const fullScanEvery = 10

// scanContainers finds every container network namespace other than the
// one Net-Pulse reads as the host's (host-network containers add nothing
// of their own), and the processes on the host's network. Processes in
// known are taken to be on the host's network without a look. Processes
// hidden by hidepid are simply not found.
func scanContainers(ctx context.Context, p Paths, meta ContainerMetadata, known map[int]bool) ([]ContainerNetwork, map[int]bool, error) {
	hostIno, err := netDevInode(filepath.Join(p.NetProc, "net", "dev"))
	if err != nil {
		return nil, nil, fmt.Errorf("find containers: %w", err)
	}
	pids, err := listPIDs(p.Proc)
	if err != nil {
		return nil, nil, fmt.Errorf("find containers: %w", err)
	}
	if ctx.Err() != nil {
		return nil, nil, ctx.Err()
	}
	type member struct {
		procID
		c Container
	}
	byNS := map[uint64][]member{}
	host := make(map[int]bool, len(known))
	var buf []byte // one per scan: reads of the poll job use their own
	for _, pid := range pids {
		if known[pid] {
			host[pid] = true
			continue
		}
		dir := filepath.Join(p.Proc, strconv.Itoa(pid))
		// Most processes share the host's namespace: one stat rules
		// them out before their cgroup, which the kernel has to
		// build as text, is read.
		ino, serr := netDevInode(filepath.Join(dir, "net", "dev"))
		if serr != nil {
			continue // exited meanwhile, or hidden
		}
		if ino == hostIno {
			host[pid] = true
			continue
		}
		var rerr error
		if buf, rerr = readProcFile(filepath.Join(dir, "cgroup"), buf); rerr != nil {
			continue
		}
		ctr, ok := ParseCgroup(buf)
		if !ok {
			continue
		}
		if buf, rerr = readProcFile(filepath.Join(dir, "stat"), buf); rerr != nil {
			continue
		}
		start, ok := parseStartTime(buf)
		if !ok {
			continue
		}
		byNS[ino] = append(byNS[ino], member{procID{pid, start}, ctr})
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
		for _, m := range ms {
			n.members = append(n.members, m.procID)
		}
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
	uniqueNames(nets)
	return nets, host, nil
}

// uniqueNames gives each namespace a name of its own and sorts them by it.
// Two namespaces under one name (a runtime's name reused across runtimes)
// would mix their counters: later ones keep the short id.
func uniqueNames(nets []ContainerNetwork) {
	slices.SortFunc(nets, func(a, b ContainerNetwork) int { return cmp.Compare(a.ID, b.ID) })
	used := map[string]bool{}
	for i := range nets {
		if used[nets[i].Name] {
			nets[i].Name = nets[i].ID[:12]
		}
		used[nets[i].Name] = true
	}
	slices.SortFunc(nets, func(a, b ContainerNetwork) int { return cmp.Compare(a.Name, b.Name) })
}

// continueLives keeps the life and name of each namespace of prev that
// nets finds again under another process: the one that named it exited
// while the namespace lived on (a pod without an infra process, whose
// first container restarted). Its counters go on, so it is not born
// again, and its traffic stays under its name. A process of the old
// namespace still in it tells it from a new namespace that was given the
// old one's inode.
func continueLives(prev, nets []ContainerNetwork) {
	byIno := make(map[uint64]*ContainerNetwork, len(prev))
	for i := range prev {
		byIno[prev[i].ino] = &prev[i]
	}
	kept := false
	for i := range nets {
		n := &nets[i]
		p, ok := byIno[n.ino]
		if !ok || p.Incarnation == n.Incarnation || !slices.ContainsFunc(n.members, func(m procID) bool { return slices.Contains(p.members, m) }) {
			continue
		}
		n.Incarnation, n.Container, kept = p.Incarnation, p.Container, true
	}
	if kept {
		uniqueNames(nets)
	}
}

// The scan's system calls are made raw: procfs never blocks, and a plain
// call wakes the Go runtime's monitor thread, which then polls every 20 µs
// for a while (as for the poll's reads, see procSource).

// netDevInode returns the inode of a procfs net/dev file. procfs creates
// the net/ files anew for each network namespace, so two processes share
// a namespace exactly when their net/dev has the same inode; a look at it
// needs no privilege, unlike reading the /proc/<pid>/ns/net link.
func netDevInode(path string) (uint64, error) {
	fd, err := rawOpen(path, unix.O_PATH)
	if err != nil {
		return 0, fmt.Errorf("stat %s: %w", path, err)
	}
	defer rawClose(fd)
	var st unix.Stat_t
	if _, _, errno := unix.RawSyscall(unix.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&st)), 0); errno != 0 {
		return 0, fmt.Errorf("stat %s: %w", path, errno)
	}
	return st.Ino, nil
}

// readProcFile reads a small procfs file into buf. The scan reads two
// files of every process, so it spares the extra stat and read of
// os.ReadFile (see preadShort).
func readProcFile(path string, buf []byte) ([]byte, error) {
	fd, err := rawOpen(path, unix.O_RDONLY)
	if err != nil {
		return buf[:0], err
	}
	defer rawClose(fd)
	return preadShort(fd, buf)
}

// listPIDs returns the process ids in a procfs directory.
func listPIDs(proc string) ([]int, error) {
	fd, err := rawOpen(proc, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", proc, err)
	}
	defer rawClose(fd)
	var pids []int
	buf := make([]byte, 16<<10)
	var names []string
	for {
		n, _, errno := unix.RawSyscall(unix.SYS_GETDENTS64, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
		switch {
		case errno == unix.EINTR:
			continue
		case errno != 0:
			return nil, fmt.Errorf("read %s: %w", proc, errno)
		case n == 0:
			return pids, nil
		}
		_, _, names = unix.ParseDirent(buf[:n], -1, names[:0])
		for _, name := range names {
			if pid, err := strconv.Atoi(name); err == nil && pid > 0 {
				pids = append(pids, pid)
			}
		}
	}
}

func rawOpen(path string, flags int) (int, error) {
	p, err := unix.BytePtrFromString(path)
	if err != nil {
		return -1, err
	}
	atFDCWD := unix.AT_FDCWD // a negative constant: through a variable to become a uintptr
	r, _, errno := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(p)), uintptr(flags|unix.O_CLOEXEC), 0, 0, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}

func rawClose(fd int) { unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0) }
