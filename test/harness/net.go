package harness

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/internal/testnet"
)

// QuietPair creates a veth pair (see testnet.NewPair) on which nothing moves
// unless a test sends it: IPv6 is off on both ends (no router solicitations,
// no neighbour discovery) and each end knows the other's MAC address
// permanently (no ARP). Exact totals depend on that: the kernel counters
// are read once before and once after, and anything the link sends on its
// own in between would be counted by the kernel and by Net-Pulse alike,
// but at moments the test cannot pin down.
func QuietPair(t testing.TB, name string) testnet.Pair {
	t.Helper()
	p := testnet.NewPair(name)
	if err := p.Up(false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Down)
	run := func(args ...string) string {
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("sysctl", "-qw", "net.ipv6.conf."+p.Host+".disable_ipv6=1")
	run("ip", "netns", "exec", p.NS, "sysctl", "-qw", "net.ipv6.conf."+p.Peer+".disable_ipv6=1")
	PinNeighbours(t, p, p.Host)
	WaitQuiet(t, p)
	return p
}

// PinNeighbours makes each end of p know the other's MAC address for good,
// so no ARP moves on the link; host names the host end (it may have been
// renamed). Taking a link down drops its entries: pin them again after.
func PinNeighbours(t testing.TB, p testnet.Pair, host string) {
	t.Helper()
	hostMAC := strings.TrimSpace(Run(t, "cat", "/sys/class/net/"+host+"/address"))
	peerMAC := strings.TrimSpace(Run(t, "ip", "netns", "exec", p.NS, "cat", "/sys/class/net/"+p.Peer+"/address"))
	Run(t, "ip", "neigh", "replace", p.PeerIP, "lladdr", peerMAC, "dev", host, "nud", "permanent")
	Run(t, "ip", "-n", p.NS, "neigh", "replace", p.HostIP, "lladdr", hostMAC, "dev", p.Peer, "nud", "permanent")
}

// SysCounters reads the kernel byte counters of any interface by name.
func SysCounters(t testing.TB, name string) (rx, tx uint64) {
	t.Helper()
	read := func(f string) uint64 {
		b, err := os.ReadFile("/sys/class/net/" + name + "/statistics/" + f)
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	return read("rx_bytes"), read("tx_bytes")
}

// WaitQuiet returns once the pair's counters stood still for a second.
func WaitQuiet(t testing.TB, p testnet.Pair) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	rx, tx := Counters(t, p)
	for {
		time.Sleep(time.Second)
		rx2, tx2 := Counters(t, p)
		if rx2 == rx && tx2 == tx {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not go quiet: rx %d->%d tx %d->%d", p.Host, rx, rx2, tx, tx2)
		}
		rx, tx = rx2, tx2
	}
}

// Counters reads the host end's kernel byte counters.
func Counters(t testing.TB, p testnet.Pair) (rx, tx uint64) {
	t.Helper()
	rx, tx, err := p.Counters()
	if err != nil {
		t.Fatal(err)
	}
	return rx, tx
}

// Send moves down bytes to the host end and up bytes from it.
func Send(t testing.TB, p testnet.Pair, down, up int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := p.Send(ctx, down, up); err != nil {
		t.Fatalf("send over %s: %v", p.Host, err)
	}
}

// Stream sends about rate bytes per second each way until the returned
// function is called, which waits for the sender to stop.
func Stream(t testing.TB, p testnet.Pair, rate int64) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Stream(ctx, rate) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("stream over %s: %v", p.Host, err)
		}
	}
}

// Baseline makes iface the monitored interface and returns the kernel
// counters Net-Pulse's first reading saw: the pair is quiet, so the
// counters cannot move between that reading and the read here. Readings
// before and after the polls are compared to prove it.
func Baseline(t testing.TB, s *Server, p testnet.Pair) (rx, tx uint64) {
	t.Helper()
	rx, tx = Counters(t, p)
	s.Monitor(p.Host)
	s.WaitPolls(2)
	if rx2, tx2 := Counters(t, p); rx2 != rx || tx2 != tx {
		t.Fatalf("%s was not quiet during the baseline: rx %d->%d tx %d->%d", p.Host, rx, rx2, tx, tx2)
	}
	return rx, tx
}

// Settle waits until the pair is quiet and Net-Pulse has read it since,
// and returns the kernel counters it read last.
func Settle(t testing.TB, s *Server, p testnet.Pair) (rx, tx uint64) {
	t.Helper()
	WaitQuiet(t, p)
	rx, tx = Counters(t, p)
	s.WaitPolls(2)
	if rx2, tx2 := Counters(t, p); rx2 != rx || tx2 != tx {
		t.Fatalf("%s moved while settling: rx %d->%d tx %d->%d", p.Host, rx, rx2, tx, tx2)
	}
	return rx, tx
}

// ExpectTotals fails unless the recorded totals of iface equal the kernel's
// growth from (rx0, tx0) to (rx1, tx1).
func ExpectTotals(t testing.TB, what string, gotRx, gotTx, rx0, tx0, rx1, tx1 uint64) {
	t.Helper()
	if gotRx != rx1-rx0 || gotTx != tx1-tx0 {
		t.Fatalf("%s: recorded rx %d tx %d bytes; the kernel counted rx %d tx %d (off by %+d, %+d)",
			what, gotRx, gotTx, rx1-rx0, tx1-tx0, int64(gotRx)-int64(rx1-rx0), int64(gotTx)-int64(tx1-tx0))
	}
	t.Logf("%s: exact, rx %d tx %d bytes", what, gotRx, gotTx)
}

// Mount mounts a file system for the test and unmounts it at the end.
func Mount(t testing.TB, dir string, args ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", append(args, dir)...).CombinedOutput()
	if err != nil {
		t.Fatalf("mount %v %s: %v: %s", args, dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			// A lazy unmount still frees the mount once nothing uses it.
			exec.Command("umount", "-l", dir).Run()
			t.Logf("umount %s: %v: %s", dir, err, out)
		}
	})
}

// Run runs a command and fails the test when it fails.
func Run(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Fill writes a file into dir until the file system has no space left, and
// returns its path.
func Fill(t testing.TB, dir string) string {
	t.Helper()
	path := dir + "/filler"
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if !strings.Contains(err.Error(), "no space left") {
				t.Fatalf("fill %s: %v", dir, err)
			}
			break
		}
	}
	// Single small blocks may still fit after a large write failed.
	for {
		if _, err := f.Write(buf[:512]); err != nil {
			break
		}
	}
	return path
}

// Describe formats byte counts for logs.
func Describe(rx, tx uint64) string { return fmt.Sprintf("rx %d tx %d", rx, tx) }
