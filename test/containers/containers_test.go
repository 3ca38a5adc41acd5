// Package containers checks per-container counting end to end: containers
// built from their parts (a network namespace, a veth pair, a process
// inside, a cgroup named like a runtime's), read by the real netpulse
// running as nobody with every capability dropped. It changes this machine
// (namespaces, veth pairs, cgroups), so it runs only as root with
// NETPULSE_SYSTEM_TESTS=1, as `make container-test` sets it.
package containers

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/internal/testnet"
	"github.com/netpulse/netpulse/test/harness"
)

// bin runs netpulse as nobody (uid and gid 65534, no groups) with no
// capability in any set.
var bin string

func TestMain(m *testing.M) {
	if err := testnet.ForTests(); err != nil {
		fmt.Println("container tests skipped:", err)
		os.Exit(m.Run())
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "np20-bin")
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer os.RemoveAll(dir)
	// nobody must reach the binary.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Println(err)
		return 1
	}
	real, err := harness.Build(dir)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	bin = filepath.Join(dir, "netpulse-as-nobody")
	script := "#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all " + real + " \"$@\"\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		fmt.Println(err)
		return 1
	}
	return m.Run()
}

// container is a process in a cgroup named like a runtime's, inside a
// network namespace (or the host's when ns is "").
type container struct {
	cgroup string
	cmd    *exec.Cmd
}

// startContainer starts `sleep` in namespace ns and moves it into cgroup,
// creating the cgroup; stop (also run at the end of the test) ends both.
func startContainer(t *testing.T, cgroup, ns string) *container {
	t.Helper()
	parent := filepath.Dir(cgroup)
	if _, err := os.Stat(parent); os.IsNotExist(err) {
		if err := os.Mkdir(parent, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(parent) })
	}
	if err := os.Mkdir(cgroup, 0o755); err != nil && !os.IsExist(err) {
		t.Fatal(err)
	}
	args := []string{"sleep", "600"}
	if ns != "" {
		args = append([]string{"ip", "netns", "exec", ns}, args...)
	}
	c := &container{cgroup: cgroup, cmd: exec.Command(args[0], args[1:]...)}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.stop)
	if err := os.WriteFile(filepath.Join(cgroup, "cgroup.procs"), []byte(strconv.Itoa(c.cmd.Process.Pid)), 0o644); err != nil {
		t.Fatalf("move %d into %s: %v", c.cmd.Process.Pid, cgroup, err)
	}
	// ip netns exec replaces itself with sleep: wait until it did, so
	// that the process found is in the namespace.
	for range 100 {
		if b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", c.cmd.Process.Pid)); strings.TrimSpace(string(b)) == "sleep" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // the next one starts a clock tick later
	return c
}

func (c *container) stop() {
	if c.cmd.ProcessState == nil {
		c.cmd.Process.Kill()
		c.cmd.Wait()
	}
	os.Remove(c.cgroup)
}

// cgroupMount returns where the hierarchy of type fstype (cgroup2, or
// cgroup for a v1 one) is mounted, "" when none is.
func cgroupMount(t *testing.T, fstype string) string {
	t.Helper()
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if fields := strings.Fields(post); ok && len(fields) > 0 && fields[0] == fstype {
			return strings.Fields(pre)[4]
		}
	}
	return ""
}

func newID(t *testing.T) string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// dockerName writes the one file of Docker's metadata Net-Pulse reads.
func dockerName(t *testing.T, dir, id, name string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, id), 0o755); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"ID":%q,"Name":"/%s","Config":{"Env":["SECRET=not-read"]}}`, id, name)
	if err := os.WriteFile(filepath.Join(dir, id, "config.v2.json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

type entry struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Present   bool   `json:"present"`
	Recorded  bool   `json:"recorded"`
	Alias     string `json:"alias"`
	Container *struct {
		ID, Name, Runtime string
	} `json:"container"`
}

func entries(t *testing.T, s *harness.Server) map[string]entry {
	t.Helper()
	var list []entry
	if code := s.GetJSON("/api/interfaces", &list); code != 200 {
		t.Fatalf("/api/interfaces: %d", code)
	}
	out := map[string]entry{}
	for _, e := range list {
		out[e.Name] = e
	}
	return out
}

// waitEntry waits (the scan runs every 30 s) until ok holds for the entry.
func waitEntry(t *testing.T, s *harness.Server, name, what string, ok func(entry) bool) {
	t.Helper()
	deadline := time.Now().Add(70 * time.Second)
	for {
		e := entries(t, s)[name]
		if ok(e) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: waited 70s for it to be %s; last %+v", name, what, e)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// mirrored is what the container side of a veth pair counted, from the
// host side's counters: one end's transmit is the other's receive.
func mirrored(rx, tx uint64) (uint64, uint64) { return tx, rx }

// settle waits until p is quiet and then over one whole period of the
// reads of containers recorded without being monitored (every 10 s), so
// the recorded totals have caught up with the kernel's.
func settle(t *testing.T, s *harness.Server, p testnet.Pair) (rx, tx uint64) {
	t.Helper()
	rx, tx = harness.Settle(t, s, p)
	s.WaitPolls(11)
	if rx2, tx2 := harness.Counters(t, p); rx2 != rx || tx2 != tx {
		t.Fatalf("%s moved while settling: rx %d->%d tx %d->%d", p.Host, rx, rx2, tx, tx2)
	}
	return rx, tx
}

func TestContainerFromParts(t *testing.T) {
	harness.NeedSystem(t)
	v2 := cgroupMount(t, "cgroup2")
	if v2 == "" {
		t.Skip("no cgroup v2 hierarchy mounted")
	}
	data, err := os.MkdirTemp("", "np20-data")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(data) })
	meta := filepath.Join(data, "docker")
	os.Chown(data, 65534, 65534)
	os.Chmod(data, 0o755)

	scope := func(id string) string { return filepath.Join(v2, "system.slice", "docker-"+id+".scope") }
	p := harness.QuietPair(t, "np20a")
	id1 := newID(t)
	dockerName(t, meta, id1, "np20web")
	web := startContainer(t, scope(id1), p.NS)
	// A second container joined to the first one's network, and one in
	// the host's network: neither is an entry of its own.
	shared := startContainer(t, scope(newID(t)), p.NS)
	hostNet := newID(t)
	startContainer(t, scope(hostNet), "")
	// Docker on cgroup v1 (cgroupfs driver): /docker/<id> in a v1
	// hierarchy, when this host mounts one.
	var v1ID string
	if v1 := cgroupMount(t, "cgroup"); v1 != "" {
		pv1 := harness.QuietPair(t, "np20b")
		v1ID = newID(t)
		startContainer(t, filepath.Join(v1, "docker", v1ID), pv1.NS)
	} else {
		t.Log("no cgroup v1 hierarchy mounted: v1 is covered by the parser's fixtures only")
	}

	rx0, tx0 := harness.Counters(t, p)
	s := harness.Start(t, bin, harness.Options{DataDir: filepath.Join(data, "db"),
		Env: []string{"NETPULSE_DOCKER_CONTAINERS=" + meta}})
	if uid, caps := harness.ProcStatus(s.Pid, "Uid"), procField(t, s.Pid, "CapEff"); uid != 65534 || caps != "0000000000000000" {
		t.Fatalf("netpulse runs as uid %d with capabilities %s; want nobody with none", uid, caps)
	}
	const name = "np20web/np20a1"
	t.Run("discovery", func(t *testing.T) {
		es := entries(t, s)
		e := es[name]
		if e.Kind != "container" || !e.Present || !e.Recorded || e.Container == nil || e.Container.ID != id1 ||
			e.Container.Name != "np20web" || e.Container.Runtime != "docker" {
			t.Fatalf("%s = %+v", name, e)
		}
		var ours []string
		for n, e := range es {
			if e.Container != nil && (e.Container.ID == id1 || e.Container.ID == hostNet || e.Container.Name == "np20web" ||
				strings.HasSuffix(n, "/np20a1")) {
				ours = append(ours, n)
			}
		}
		if len(ours) != 1 {
			t.Fatalf("entries of the shared namespace and the host-network container: %v; want only %s", ours, name)
		}
		if v1ID != "" {
			if e := es[v1ID[:12]+"/np20b1"]; e.Kind != "container" || e.Container == nil || e.Container.Runtime != "docker" {
				t.Fatalf("cgroup v1 container: %+v in %v", e, es)
			}
		}
	})
	if t.Failed() {
		return
	}

	t.Run("UDP datagrams count N×(P+42)", func(t *testing.T) {
		const n, size = 1000, 1000
		pc, err := p.ListenPacketInNS(9020)
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		c, err := net.Dial("udp", net.JoinHostPort(p.PeerIP, "9020"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		payload := make([]byte, size)
		for range n {
			if _, err := c.Write(payload); err != nil {
				t.Fatal(err)
			}
		}
		settle(t, s, p)
		rx, tx := s.Totals(name)
		if rx != n*(size+42) || tx != 0 {
			t.Fatalf("recorded rx %d tx %d; want rx %d (N×(P+14+20+8)) and tx 0", rx, tx, n*(size+42))
		}
	})

	t.Run("TCP equals the host side of the veth", func(t *testing.T) {
		harness.Send(t, p, 50_000_000, 1_000_000)
		rx1, tx1 := settle(t, s, p)
		wantRx, wantTx := mirrored(rx1-rx0, tx1-tx0)
		rx, tx := s.Totals(name)
		harness.ExpectTotals(t, "container, 50 MB of TCP", rx, tx, 0, 0, wantRx, wantTx)
		// A running container's counters are in /metrics (its series leave
		// an hour after it is gone), at its recorded total.
		// (Between two readings of the total, in case a poll lands.)
		code, body, err := s.Request("GET", "/metrics", "", nil)
		after, _ := s.Totals(name)
		prefix := fmt.Sprintf("netpulse_interface_receive_bytes_total{interface=%q} ", name)
		var got uint64
		for line := range strings.Lines(string(body)) {
			if v, ok := strings.CutPrefix(line, prefix); ok {
				got, _ = strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			}
		}
		if err != nil || code != 200 || got < rx || got > after {
			t.Errorf("/metrics (%d, %v): %s%d, want %d to %d", code, err, prefix, got, rx, after)
		}
	})
	if t.Failed() {
		return
	}

	// Stopped: its process ends, its namespace and veth go.
	shared.stop()
	web.stop()
	p.Down()
	waitEntry(t, s, name, "absent", func(e entry) bool { return e.Name != "" && !e.Present })
	total := func() (uint64, uint64) { return s.Totals(name) }
	stoppedRx, stoppedTx := total()

	t.Run("a stopped container resumes on start", func(t *testing.T) {
		p = harness.QuietPair(t, "np20a") // new namespace, counters from zero
		web = startContainer(t, scope(id1), p.NS)
		// Sent before the next scan finds it: counted all the same.
		harness.Send(t, p, 3_000_000, 200_000)
		waitEntry(t, s, name, "present again", func(e entry) bool { return e.Present })
		rx, tx := mirrored(settle(t, s, p))
		gotRx, gotTx := total()
		// Everything since the start: the new namespace counted from zero.
		harness.ExpectTotals(t, "restarted container, since the start", gotRx-stoppedRx, gotTx-stoppedTx, 0, 0, rx, tx)
	})

	t.Run("re-created with a new id, the same name: one history", func(t *testing.T) {
		beforeRx, beforeTx := total()
		web.stop()
		p.Down()
		id2 := newID(t)
		dockerName(t, meta, id2, "np20web")
		p = harness.QuietPair(t, "np20a")
		startContainer(t, scope(id2), p.NS)
		harness.Send(t, p, 2_000_000, 500_000)
		waitEntry(t, s, name, "the new container", func(e entry) bool { return e.Present && e.Container != nil && e.Container.ID == id2 })
		harness.Send(t, p, 1_000_000, 100_000)
		rx, tx := mirrored(settle(t, s, p))
		gotRx, gotTx := total()
		harness.ExpectTotals(t, "re-created container, added to the same history", gotRx-beforeRx, gotTx-beforeTx, 0, 0, rx, tx)
		var tr harness.Traffic
		s.GetJSON("/api/traffic?window=1h&group=1m&interface="+url.QueryEscape(name), &tr)
		for _, sr := range tr.Series {
			for _, pt := range sr.Points {
				if pt.RxBytes < 0 || pt.TxBytes < 0 || pt.RxBytes > 60_000_000 || pt.TxBytes > 60_000_000 {
					t.Fatalf("bucket %d: rx %d tx %d: negative or a spike", pt.T, pt.RxBytes, pt.TxBytes)
				}
			}
		}
	})
}

// procField returns a field of /proc/pid/status as text.
func procField(t *testing.T, pid int, field string) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
