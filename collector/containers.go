package collector

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Container is a container found by the cgroup of one of its processes.
type Container struct {
	ID      string `json:"id"`      // the runtime's full id, 64 hex digits
	Name    string `json:"name"`    // the runtime's name, or the 12-hex short id
	Runtime string `json:"runtime"` // docker, podman, containerd, cri-o, or kubernetes (a pod's container under the cgroupfs driver, whose runtime its cgroup does not name)
}

// ContainerNetwork is one container network namespace: the interfaces
// inside it (its loopback left out) and the container it is named after.
// Containers that share the namespace are one entry, named after the one
// whose process started first.
type ContainerNetwork struct {
	Container
	Interfaces []string
	// Incarnation identifies this life of the namespace: a container
	// re-created or restarted gets a new one, its counters having started
	// from zero. It is the Index of the entry's counters.
	Incarnation int

	pid int    // the process whose procfs net/dev is read
	ino uint64 // inode of that file: procfs gives each namespace its own
	dir string // <proc>/<pid>/net
	// members are the namespace's container processes the scan found:
	// the next scan tells by them a namespace that outlived the process
	// naming it from a new one given the same inode.
	members []procID
}

// procID names one process for its whole life: a pid is reused, not
// together with the time the process started.
type procID struct {
	pid   int
	start uint64 // in clock ticks after boot, /proc/<pid>/stat's field 22
}

// EntryName is the name under which an interface inside a container is
// listed, monitored and recorded: "<container>/<interface>", a name no Linux
// interface can have.
func EntryName(container, iface string) string { return container + "/" + iface }

// IsContainerEntry reports whether name is a container's interface rather
// than a host interface (whose names never hold a slash).
func IsContainerEntry(name string) bool { return strings.Contains(name, "/") }

// cgroupRuntimes are the cgroup names container runtimes give a container:
// systemd's driver adds ".scope", the cgroupfs driver does not.
var cgroupRuntimes = []struct{ prefix, runtime string }{
	{"docker-", "docker"},
	// podman run --cgroups=split, as quadlet units run containers:
	// <unit>.service/libpod-payload-<id>
	{"libpod-payload-", "podman"},
	{"libpod-", "podman"},
	{"cri-containerd-", "containerd"},
	{"crio-", "cri-o"},
	{"nerdctl-", "containerd"},
}

// ParseCgroup finds the container in the text of /proc/<pid>/cgroup: a
// cgroup v2 line "0::<path>" or v1 lines "<n>:<controllers>:<path>". Paths
// relative to a private cgroup namespace ("/../docker-<id>.scope") still
// hold the id. The deepest match of a path wins, so a container nested in
// another is named by its own cgroup. ok is false for a process in no
// container (including a runtime's monitor, "libpod-conmon-<id>").
func ParseCgroup(data []byte) (c Container, ok bool) {
	for line := range bytes.Lines(data) {
		fields := bytes.SplitN(bytes.TrimRight(line, "\n"), []byte(":"), 3)
		if len(fields) != 3 {
			continue
		}
		segs := strings.Split(string(fields[2]), "/")
		for i := len(segs) - 1; i >= 0; i-- {
			if c, ok := cgroupContainer(segs[i], segs[:i]); ok {
				return c, true
			}
		}
	}
	return Container{}, false
}

// cgroupContainer reads one path segment: "docker-<id>.scope" and its
// kin, or a bare id where the cgroupfs driver puts one: under "docker"
// (Docker), under "default" (containerd's default namespace, as nerdctl
// uses it) or under a Kubernetes pod's "pod<uid>" in "kubepods".
func cgroupContainer(seg string, parents []string) (Container, bool) {
	name := strings.TrimSuffix(seg, ".scope")
	for _, r := range cgroupRuntimes {
		if id, ok := strings.CutPrefix(name, r.prefix); ok && isContainerID(id) {
			return Container{ID: id, Runtime: r.runtime}, true
		}
	}
	if !isContainerID(name) || len(parents) == 0 {
		return Container{}, false
	}
	switch parent := parents[len(parents)-1]; {
	case parent == "docker":
		return Container{ID: name, Runtime: "docker"}, true
	case parent == "default":
		return Container{ID: name, Runtime: "containerd"}, true
	case strings.HasPrefix(parent, "pod") && slices.Contains(parents, "kubepods"):
		return Container{ID: name, Runtime: "kubernetes"}, true
	}
	return Container{}, false
}

func isContainerID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// parseStartTime returns field 22 of /proc/<pid>/stat, the process's start
// in clock ticks after boot. The command name (field 2) may hold spaces and
// parentheses, so fields are counted after its last ')'.
func parseStartTime(stat []byte) (uint64, bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	fields := bytes.Fields(stat[i+1:])
	// fields[0] is field 3 (state); starttime is field 22.
	if len(fields) < 20 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(fields[19]), 10, 64)
	return v, err == nil
}

// incarnation derives a counters Index for a namespace's life from what
// stays fixed while it lives: the procfs inode of its net/dev, and its
// oldest process's id and start time. A container restarted, or re-created
// under the same name, differs in at least the process.
func incarnation(ino uint64, pid int, start uint64) int {
	h := fnv.New32a()
	h.Write([]byte(strconv.FormatUint(ino, 10) + ":" + strconv.Itoa(pid) + ":" + strconv.FormatUint(start, 10)))
	v := int(h.Sum32() & 0x7fffffff)
	if v == 0 {
		v = 1 // 0 means "index unknown" to the tracker
	}
	return v
}

// ContainerMetadata locates the runtimes' read-only metadata that names
// containers; empty fields are not looked at.
type ContainerMetadata struct {
	// Docker is Docker's containers folder (/var/lib/docker/containers):
	// <id>/config.v2.json holds the name.
	Docker string
	// Podman is the folder of podman's containers.json
	// (/var/lib/containers/storage/overlay-containers).
	Podman string
}

// maxContainerName bounds a runtime's name; Docker's are far shorter.
const maxContainerName = 128

// dockerName reads a container's name from Docker's config.v2.json. The
// file also holds the container's environment (often secrets): only the
// name is kept.
func dockerName(dir, id string) string {
	data, err := os.ReadFile(filepath.Join(dir, id, "config.v2.json"))
	if err != nil {
		return ""
	}
	var v struct{ Name string }
	if json.Unmarshal(data, &v) != nil {
		return ""
	}
	return cleanContainerName(strings.TrimPrefix(v.Name, "/"))
}

// podmanNames reads the names of podman's containers from containers.json.
func podmanNames(dir string) map[string]string {
	data, err := os.ReadFile(filepath.Join(dir, "containers.json"))
	if err != nil {
		return nil
	}
	var list []struct {
		ID    string   `json:"id"`
		Names []string `json:"names"`
	}
	if json.Unmarshal(data, &list) != nil {
		return nil
	}
	out := make(map[string]string, len(list))
	for _, c := range list {
		if len(c.Names) > 0 {
			if n := cleanContainerName(c.Names[0]); n != "" {
				out[c.ID] = n
			}
		}
	}
	return out
}

// cleanContainerName accepts a runtime's name as an entry's first part, or
// returns "" (the short id is used instead): Docker and podman allow only
// [a-zA-Z0-9][a-zA-Z0-9_.-]*, and nothing else is taken on trust.
func cleanContainerName(n string) string {
	if n == "" || len(n) > maxContainerName {
		return ""
	}
	for i := range len(n) {
		c := n[i]
		alnum := '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !alnum && (i == 0 || c != '_' && c != '.' && c != '-') {
			return ""
		}
	}
	return n
}

// names gives each container its runtime's name where the metadata has it,
// else its short id.
func (m ContainerMetadata) names(cs []Container) {
	var podman map[string]string
	if m.Podman != "" {
		podman = podmanNames(m.Podman)
	}
	for i := range cs {
		c := &cs[i]
		switch {
		case c.Runtime == "docker" && m.Docker != "":
			c.Name = dockerName(m.Docker, c.ID)
		case c.Runtime == "podman":
			c.Name = podman[c.ID]
		}
		if c.Name == "" {
			c.Name = c.ID[:12]
		}
	}
}
