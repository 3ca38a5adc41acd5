package collector

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ContainerNetworkWarning returns a user-facing warning when this process sees only a container's own network (no host interfaces), or "" otherwise. root is the filesystem root ("/" in production; a fixture dir in tests); procRoot and sysRoot are normally root+"proc" and root+"sys".
//
// It reads procRoot/net/dev, so procRoot may also be one process's procfs
// directory: Paths.NetProc ("/proc/self", or "/host/proc/1" when the counters
// come from the host's PID 1). sysRoot "" means no sysfs describes that
// namespace. The verdict:
//
//   - no interface but lo: a fresh namespace or --network none, warn;
//   - any interface backed by a device (sysfs "device" link): a host, or a
//     container sharing the host's network, stay quiet;
//   - otherwise, when one of them is the near end of a link whose other end
//     lives elsewhere (veth, macvlan, ipvlan: iflink differs from ifindex) or a
//     tap (slirp4netns, pasta): a container's network, warn.
//
// Anything it cannot tell (no procfs, no sysfs, a sysfs of another namespace,
// only bridges or dummies) gives "": a false alarm on a real host would be
// worse than a missed one in an odd container.
func ContainerNetworkWarning(procRoot, sysRoot string) string {
	data, err := os.ReadFile(filepath.Join(procRoot, "net", "dev"))
	if err != nil {
		return ""
	}
	cs, err := ParseNetDev(data, nil)
	if err != nil || len(cs) == 0 {
		return ""
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	if !seesOnlyOwnNetwork(names, sysRoot) {
		return ""
	}
	return fmt.Sprintf("Net-Pulse sees only this container's own network (%s), not the host's interfaces. "+
		"Run it with host networking (network_mode: host in docker-compose.yml, --network host with docker run) "+
		"to monitor the host.", strings.Join(names, ", "))
}

// seesOnlyOwnNetwork applies the verdict of ContainerNetworkWarning to the
// interface names of one network namespace.
func seesOnlyOwnNetwork(names []string, sysRoot string) bool {
	var others []string
	for _, n := range names {
		if n != "lo" { // the kernel names every namespace's loopback lo
			others = append(others, n)
		}
	}
	if len(others) == 0 {
		return true
	}
	if sysRoot == "" {
		return false
	}
	classNet := filepath.Join(sysRoot, "class", "net")
	// sysfs shows the namespace of whoever mounted it, not the reader's
	// (unshare -n keeps the host's /sys): trust it only when it lists the
	// same interfaces.
	if !sameNames(classNet, names) {
		return false
	}
	pairEnd := false
	for _, n := range others {
		dir := filepath.Join(classNet, n)
		if lexists(filepath.Join(dir, "device")) {
			return false
		}
		iflink, ifindex := readSysfsValue(dir, "iflink"), readSysfsValue(dir, "ifindex")
		if (iflink != "" && iflink != ifindex) || lexists(filepath.Join(dir, "tun_flags")) {
			pairEnd = true
		}
	}
	return pairEnd
}

// sameNames reports whether the interfaces in classNet (/sys/class/net) are
// exactly names.
func sameNames(classNet string, names []string) bool {
	entries, err := os.ReadDir(classNet)
	if err != nil {
		return false
	}
	var listed []string
	for _, e := range entries {
		// Interfaces are symlinks (directories in fixtures); bonding_masters
		// is a plain file beside them.
		if e.Type()&fs.ModeSymlink != 0 || e.IsDir() {
			listed = append(listed, e.Name())
		}
	}
	want := slices.Clone(names)
	slices.Sort(listed)
	slices.Sort(want)
	return slices.Equal(listed, slices.Compact(want))
}

func readSysfsValue(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// lexists reports whether name exists, without following a symlink: sysfs
// "device" links may point outside a fixture tree.
func lexists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}
