//go:build linux

package collector

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var fixtureContainers = Paths{Proc: "testdata/containers/proc", NetProc: "testdata/containers/proc/1"}

func TestScanContainers(t *testing.T) {
	tests := []struct {
		name string
		meta ContainerMetadata
		want []ContainerNetwork
	}{
		{"short ids without metadata", ContainerMetadata{}, []ContainerNetwork{
			{Container: Container{ID: idA, Name: idA[:12], Runtime: "docker"}, Interfaces: []string{"eth0"}},
			{Container: Container{ID: idB, Name: idB[:12], Runtime: "docker"}, Interfaces: []string{"eth0", "eth1"}},
			{Container: Container{ID: idD, Name: idD[:12], Runtime: "containerd"}, Interfaces: []string{"eth0"}},
		}},
		{"names from Docker's metadata", ContainerMetadata{Docker: "testdata/containers/docker", Podman: "testdata/containers/podman"}, []ContainerNetwork{
			{Container: Container{ID: idB, Name: idB[:12], Runtime: "docker"}, Interfaces: []string{"eth0", "eth1"}},
			{Container: Container{ID: idD, Name: idD[:12], Runtime: "containerd"}, Interfaces: []string{"eth0"}},
			{Container: Container{ID: idA, Name: "jellyfin", Runtime: "docker"}, Interfaces: []string{"eth0"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := scanContainers(context.Background(), fixtureContainers, tt.meta, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("found %d namespaces, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Container != w.Container || !slices.Equal(g.Interfaces, w.Interfaces) {
					t.Errorf("namespace %d = %+v %v; want %+v %v", i, g.Container, g.Interfaces, w.Container, w.Interfaces)
				}
				if g.Incarnation == 0 {
					t.Errorf("namespace %d has no incarnation", i)
				}
			}
		})
	}
}

// hostSource is the host's reading as a fixed list.
type hostSource []Counters

func (h hostSource) Read(_ context.Context, keep func(string) bool) ([]Counters, error) {
	var out []Counters
	for _, c := range h {
		if keep(c.Name) {
			out = append(out, c)
		}
	}
	return out, nil
}

func TestContainersRead(t *testing.T) {
	ctx := context.Background()
	c := NewContainers(hostSource{{Name: "eth0", Index: 2, RxBytes: 5}}, fixtureContainers, ContainerMetadata{Docker: "testdata/containers/docker"})
	if born, err := c.Scan(ctx); err != nil || len(born) != 0 {
		t.Fatalf("first Scan = %v, %v; want no births", born, err)
	}
	nets := c.Networks()
	inc := map[string]int{}
	for _, n := range nets {
		inc[n.Name] = n.Incarnation
	}
	tests := []struct {
		name string
		keep []string
		want []Counters
	}{
		{"host only", []string{"eth0"}, []Counters{{Name: "eth0", Index: 2, RxBytes: 5}}},
		{"one container interface, not its loopback", []string{"eth0", "jellyfin/eth0", "jellyfin/lo"}, []Counters{
			{Name: "eth0", Index: 2, RxBytes: 5},
			{Name: "jellyfin/eth0", Index: inc["jellyfin"], RxBytes: 123456, RxPackets: 1235, TxBytes: 7890, TxPackets: 79},
		}},
		{"shared namespace read once under one name", []string{idD[:12] + "/eth0", idB[:12] + "/eth1"}, []Counters{
			{Name: idB[:12] + "/eth1", Index: inc[idB[:12]], RxBytes: 40, RxPackets: 1, TxBytes: 50, TxPackets: 1},
			{Name: idD[:12] + "/eth0", Index: inc[idD[:12]], RxBytes: 999, RxPackets: 10, TxBytes: 111, TxPackets: 2},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Read(ctx, func(n string) bool { return slices.Contains(tt.keep, n) })
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Read = %+v\nwant %+v", got, tt.want)
			}
		})
	}
	t.Run("a pid reused by another namespace is not read", func(t *testing.T) {
		c.mu.Lock()
		for i := range c.nets {
			c.nets[i].ino++
		}
		c.mu.Unlock()
		got, err := c.Read(ctx, func(n string) bool { return n == "jellyfin/eth0" })
		if err != nil || len(got) != 0 {
			t.Fatalf("Read = %+v, %v; want nothing", got, err)
		}
	})
	t.Run("a namespace born after the first scan", func(t *testing.T) {
		c.mu.Lock()
		delete(c.seen, inc["jellyfin"])
		c.mu.Unlock()
		born, err := c.Scan(ctx)
		if err != nil || !slices.Equal(born, []string{"jellyfin/eth0"}) {
			t.Fatalf("Scan = %v, %v; want [jellyfin/eth0]", born, err)
		}
	})
}

// A scan passes over the processes an earlier one found on the host's
// network without looking at them again.
func TestScanContainersPassesOverHostProcesses(t *testing.T) {
	all, host, err := scanContainers(context.Background(), fixtureContainers, ContainerMetadata{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(host)); !slices.Equal(got, []int{1, 300, 600}) {
		t.Fatalf("processes on the host's network = %v, want [1 300 600]", got)
	}
	again, host2, err := scanContainers(context.Background(), fixtureContainers, ContainerMetadata{}, host)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(all) || !maps.Equal(host, host2) {
		t.Errorf("a scan passing over the host's processes found %d namespaces and host %v, want %d and %v",
			len(again), host2, len(all), host)
	}
	// Taken for the host's (a process id reused since), the namespace of
	// processes 100 and 101 is not looked at: found again by a full scan.
	partial, _, err := scanContainers(context.Background(), fixtureContainers, ContainerMetadata{}, map[int]bool{100: true, 101: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(partial) != len(all)-1 {
		t.Errorf("with 100 and 101 passed over, found %d namespaces, want %d", len(partial), len(all)-1)
	}
}

// watchedSource is a host source that tells of link changes, as
// procSource does over rtnetlink.
type watchedSource struct {
	hostSource
	changes  uint64
	watching bool
}

func (w *watchedSource) LinkChanges() (uint64, bool) { return w.changes, w.watching }

func TestContainersDue(t *testing.T) {
	start := time.Now()
	type step struct {
		after    time.Duration // since the first scan
		changes  uint64        // the host's count of link changes by then
		watching bool
		due      bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"quiet host: only every quietScanEvery", []step{
			{scanAfterLinkChange + time.Second, 1, true, false},
			{quietScanEvery - time.Second, 1, true, false},
			{quietScanEvery, 1, true, true},
		}},
		{"a link change: scans for a while after it", []step{
			{time.Minute, 2, true, true},
			{time.Minute + scanAfterLinkChange - time.Second, 2, true, true},
			{time.Minute + scanAfterLinkChange, 2, true, false},
		}},
		{"changes not told: every scan", []step{
			{3 * time.Minute, 1, false, true},
			{4 * time.Minute, 1, false, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := &watchedSource{changes: 1, watching: true}
			c := NewContainers(host, fixtureContainers, ContainerMetadata{})
			if !c.Due(start) {
				t.Fatal("the first scan is not due")
			}
			if _, err := c.Scan(context.Background()); err != nil {
				t.Fatal(err)
			}
			scanned := time.Now() // Scan's own clock
			for _, s := range tt.steps {
				host.changes, host.watching = s.changes, s.watching
				if got := c.Due(scanned.Add(s.after)); got != s.due {
					t.Errorf("%v after the first scan, %d changes, watching %v: due = %v, want %v",
						s.after, s.changes, s.watching, got, s.due)
				}
			}
		})
	}
}

func TestContainersDueWithoutWatcher(t *testing.T) {
	c := NewContainers(hostSource{}, fixtureContainers, ContainerMetadata{})
	if _, err := c.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !c.Due(time.Now()) {
		t.Error("a host source that cannot tell of link changes must leave every scan due")
	}
}

func TestContainersDueAfterFailedScan(t *testing.T) {
	host := &watchedSource{changes: 1, watching: true}
	c := NewContainers(host, fixtureContainers, ContainerMetadata{})
	if _, err := c.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(scanAfterLinkChange + time.Second)
	c.Due(time.Now()) // takes note of the change count
	if c.Due(now) {
		t.Fatal("a quiet host's scan is due right after a successful one")
	}
	c.paths = Paths{Proc: t.TempDir() + "/gone", NetProc: t.TempDir() + "/gone/1"}
	if _, err := c.Scan(context.Background()); err == nil {
		t.Fatal("a scan of a missing procfs succeeded")
	}
	if !c.Due(now) {
		t.Error("after a failed scan the next one is not due")
	}
}

// TestNamespaceLifeOutlivesItsFirstProcess: the fixture's pod (pids 400 and
// 401 in one namespace, named after 400's container). When 400 exits and
// the namespace lives on (a pod without an infra process whose first
// container restarted), its traffic goes on under the same name, counted
// once; when other processes come with the same inode and none of the old
// ones, the namespace is new and all its counters are new traffic.
func TestNamespaceLifeOutlivesItsFirstProcess(t *testing.T) {
	entry := idD[:12] + "/eth0"
	for _, tt := range []struct {
		name   string
		change func(proc string) error
		born   bool
		want   uint64 // rx recorded for the namespace's eth0, under any name
	}{
		{"the first process exits", func(proc string) error {
			return os.RemoveAll(filepath.Join(proc, "400"))
		}, false, 1000 + 100},
		{"new processes, the same inode", func(proc string) error {
			if err := os.Rename(filepath.Join(proc, "400"), filepath.Join(proc, "402")); err != nil {
				return err
			}
			return os.Rename(filepath.Join(proc, "401"), filepath.Join(proc, "403"))
		}, true, 1000 + 2099},
	} {
		t.Run(tt.name, func(t *testing.T) {
			proc := filepath.Join(t.TempDir(), "proc")
			if out, err := exec.Command("cp", "-a", fixtureContainers.Proc, proc).CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			// 401 shares 400's net/dev through a link of its own (one
			// namespace, one procfs inode), so 400 can go.
			dev := filepath.Join(proc, "400", "net", "dev")
			n401 := filepath.Join(proc, "401", "net")
			if err := os.Remove(n401); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(n401, 0o755); err != nil {
				t.Fatal(err)
			}
			shared := filepath.Join(filepath.Dir(proc), "dev") // the test's handle on it
			for _, l := range []string{filepath.Join(n401, "dev"), shared} {
				if err := os.Link(dev, l); err != nil {
					t.Fatal(err)
				}
			}
			setRx := func(from, to string) {
				t.Helper()
				b, err := os.ReadFile(shared)
				if err == nil {
					err = os.WriteFile(shared, []byte(strings.Replace(string(b), "eth0: "+from+" ", "eth0: "+to+" ", 1)), 0o644)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			ctx := context.Background()
			c := NewContainers(hostSource{}, Paths{Proc: proc, NetProc: filepath.Join(proc, "1")}, ContainerMetadata{})
			if _, err := c.Scan(ctx); err != nil {
				t.Fatal(err)
			}
			entries := func() (out []string) {
				for _, n := range c.Networks() {
					for _, i := range n.Interfaces {
						out = append(out, EntryName(n.Name, i))
					}
				}
				return out
			}
			if !slices.Contains(entries(), entry) {
				t.Fatalf("entries %v, want %s among them", entries(), entry)
			}
			recorded := map[string]uint64{}
			p := NewPoller(c, func(_ context.Context, s Sample) {
				for _, d := range s.Deltas {
					recorded[d.Name] += d.RxBytes
				}
			})
			p.SetMonitored(entries()) // "record every container"
			p.Poll(ctx)               // the baseline: 999
			setRx("999", "1999")
			p.Poll(ctx)
			if err := tt.change(proc); err != nil {
				t.Fatal(err)
			}
			if tt.born {
				setRx("1999", "2000") // the new namespace's counters
				setRx("2000", "2099")
			}
			born, err := c.Scan(ctx)
			if err != nil {
				t.Fatal(err)
			}
			p.Expect(born) // as the app does
			p.SetMonitored(entries())
			p.Poll(ctx)
			if !tt.born {
				setRx("1999", "2099")
				p.Poll(ctx)
			}
			var got uint64
			for name, v := range recorded {
				if !strings.HasPrefix(name, idD[:12]+"/") && !strings.HasPrefix(name, "eeeeeeee0123/") {
					continue // another namespace's (eeee… is 401's container)
				}
				got += v
			}
			if got != tt.want || (len(born) > 0) != tt.born {
				t.Errorf("recorded %d (%v), born %v; want %d, born %v", got, recorded, born, tt.want, tt.born)
			}
			if !tt.born && !slices.Contains(entries(), entry) {
				t.Errorf("entries %v: the namespace lost its name %s", entries(), entry)
			}
		})
	}
}

// A container ends and a new container's first process gets a pid of the
// old one before the next scan: the new namespace is read through a
// directory opened anew, not the ended process's.
func TestContainersReadAfterPIDReuse(t *testing.T) {
	proc := filepath.Join(t.TempDir(), "proc")
	if out, err := exec.Command("cp", "-a", fixtureContainers.Proc, proc).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	ctx := context.Background()
	c := NewContainers(hostSource{}, Paths{Proc: proc, NetProc: filepath.Join(proc, "1")}, ContainerMetadata{})
	if _, err := c.Scan(ctx); err != nil {
		t.Fatal(err)
	}
	old := idD[:12] + "/eth0"
	idNew := strings.Repeat("e", 64)
	entry := idNew[:12] + "/eth0"
	keep := func(n string) bool { return n == old || n == entry }
	if got, err := c.Read(ctx, keep); err != nil || len(got) != 1 || got[0].Name != old {
		t.Fatalf("Read = %+v, %v; want %s", got, err, old)
	}

	// The pod ends (400 and 401); pid 400 is a new container's.
	for _, pid := range []string{"400", "401"} {
		if err := os.RemoveAll(filepath.Join(proc, pid)); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(proc, "400")
	files := map[string]string{
		"cgroup":  "0::/system.slice/docker-" + idNew + ".scope\n",
		"stat":    "400 (app) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 9500 0 0 0 0 0 0 0 0 0 0\n",
		"net/dev": "Inter-|   Receive\n face |bytes\n    lo: 0 1 0 0 0 0 0 0 0 1 0 0 0 0 0 0\n  eth0: 5555 10 0 0 0 0 0 0 66 2 0 0 0 0 0 0\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	born, err := c.Scan(ctx)
	if err != nil || !slices.Equal(born, []string{entry}) {
		t.Fatalf("Scan = %v, %v; want [%s]", born, err, entry)
	}
	got, err := c.Read(ctx, keep)
	if err != nil || len(got) != 1 || got[0].Name != entry || got[0].RxBytes != 5555 {
		t.Fatalf("Read after the pid passed on = %+v, %v; want %s with 5555 bytes received", got, err, entry)
	}
}
