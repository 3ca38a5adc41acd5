package collector

import "path/filepath"

// Paths locates the OS files the collector reads, so tests can point it at
// fixtures and a container can read the host's procfs.
type Paths struct {
	Proc string // procfs root, normally /proc
	Sys  string // sysfs root, normally /sys; "" when it does not describe NetProc's namespace
	// NetProc is the procfs directory whose net/ files (dev, route,
	// ipv6_route) are read: Proc+"/self" for this process's network
	// namespace, or HOST_PROC+"/1" for PID 1's (the host's) namespace.
	NetProc string
}

// DefaultPaths returns the paths of this machine. With hostProc set (a
// read-only mount of the host's /proc, such as /host/proc) the counters come
// from the host's network namespace through its PID 1; this container's own
// sysfs then describes other interfaces, so it is not used.
func DefaultPaths(hostProc string) Paths {
	if hostProc != "" {
		return Paths{Proc: hostProc, NetProc: filepath.Join(hostProc, "1")}
	}
	return Paths{Proc: "/proc", Sys: "/sys", NetProc: "/proc/self"}
}

// HostMode reports whether the counters come from another namespace's procfs.
func (p Paths) HostMode() bool { return p.Sys == "" }
