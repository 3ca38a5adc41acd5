// Package testnet builds small test networks for Net-Pulse's traffic tests:
// a veth pair with one end in a private network namespace, and a TCP
// traffic generator across it. It needs root and iproute2, and sends
// traffic only across the pairs it creates.
package testnet

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Pair is a veth pair: Host stays in the caller's namespace, Peer lives in
// namespace NS.
type Pair struct {
	Name   string
	NS     string
	Host   string
	Peer   string
	HostIP string
	PeerIP string
}

// NewPair describes the pair named name (at most 13 characters): veth ends
// name+"0" and name+"1", namespace name+"-ns", addresses in a /24 derived
// from the name.
func NewPair(name string) Pair {
	h := fnv.New32a()
	h.Write([]byte(name))
	subnet := 1 + h.Sum32()%250
	return Pair{
		Name: name, NS: name + "-ns", Host: name + "0", Peer: name + "1",
		HostIP: fmt.Sprintf("10.213.%d.1", subnet), PeerIP: fmt.Sprintf("10.213.%d.2", subnet),
	}
}

// SystemTestsVar names the environment variable that lets tests change
// this machine: create network namespaces and veth pairs (here), and in
// the reliability suite step the wall clock and mount file systems. Plain
// `go test ./...` leaves the machine alone; the make targets set it.
const SystemTestsVar = "NETPULSE_SYSTEM_TESTS"

// SystemTests reports whether tests may change this machine.
func SystemTests() bool { return os.Getenv(SystemTestsVar) == "1" }

// ForTests reports why a test may not build test networks here, or nil:
// only when asked to change the machine, and where it can.
func ForTests() error {
	if !SystemTests() {
		return errors.New("creates network namespaces and veth pairs: set " + SystemTestsVar + "=1 (the make targets do)")
	}
	return Available()
}

// Available reports why test networks cannot be built here, or nil.
func Available() error {
	if runtime.GOOS != "linux" {
		return errors.New("needs Linux network namespaces")
	}
	if os.Geteuid() != 0 {
		return errors.New("needs root to create network namespaces")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return errors.New("needs iproute2 (ip)")
	}
	return nil
}

// ThreeInterfaces returns 3 interfaces for benchmarks to poll: the host
// ends of 3 veth pairs named prefix+"0".."2" when tests may build test
// networks (ForTests; down removes them), else the first 3 interfaces this
// host has.
func ThreeInterfaces(prefix string) (names []string, down func(), err error) {
	if ForTests() != nil {
		ifs, err := net.Interfaces()
		if err != nil {
			return nil, nil, err
		}
		for _, i := range ifs[:min(3, len(ifs))] {
			names = append(names, i.Name)
		}
		return names, func() {}, nil
	}
	var pairs []Pair
	down = func() {
		for _, p := range pairs {
			p.Down()
		}
	}
	for i := range 3 {
		p := NewPair(prefix + strconv.Itoa(i))
		if err := p.Up(false); err != nil {
			down()
			return nil, nil, err
		}
		pairs = append(pairs, p)
		names = append(names, p.Host)
	}
	return names, down, nil
}

// Up creates the namespace and the pair, removing leftovers of an earlier
// run first. With defaultRoute, the namespace's default route goes through
// the pair.
func (p Pair) Up(defaultRoute bool) error {
	p.Down()
	if err := ip([]string{"netns", "add", p.NS}, []string{"-n", p.NS, "link", "set", "lo", "up"}); err != nil {
		return err
	}
	// Interfaces born in the namespace inherit its default: no IPv6, so no
	// autoconfiguration packets that nobody asked for.
	if out, err := exec.Command("ip", "netns", "exec", p.NS, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1").CombinedOutput(); err != nil {
		return fmt.Errorf("disable IPv6 in %s: %v: %s", p.NS, err, out)
	}
	if err := p.link(); err != nil {
		return err
	}
	if defaultRoute {
		return ip([]string{"-n", p.NS, "route", "add", "default", "via", p.HostIP, "dev", p.Peer})
	}
	return nil
}

// link creates the pair quiet: IPv6 is off on both ends before they come
// up, so the only traffic on it is what a test sends, and the kernel's
// counters can be compared to the byte.
func (p Pair) link() error {
	if err := ip([]string{"link", "add", p.Host, "type", "veth", "peer", "name", p.Peer, "netns", p.NS}); err != nil {
		return err
	}
	if err := os.WriteFile("/proc/sys/net/ipv6/conf/"+p.Host+"/disable_ipv6", []byte("1"), 0o644); err != nil {
		return fmt.Errorf("disable IPv6 on %s: %w", p.Host, err)
	}
	return ip(
		[]string{"addr", "add", p.HostIP + "/24", "dev", p.Host},
		[]string{"link", "set", p.Host, "up"},
		[]string{"-n", p.NS, "addr", "add", p.PeerIP + "/24", "dev", p.Peer},
		[]string{"-n", p.NS, "link", "set", p.Peer, "up"},
	)
}

// Recreate deletes the pair and creates it again: a new incarnation whose
// counters start from zero, under the same names.
func (p Pair) Recreate() error {
	if err := ip([]string{"link", "del", p.Host}); err != nil {
		return err
	}
	return p.link()
}

// Down removes the pair and the namespace; errors are ignored because
// either may already be gone.
func (p Pair) Down() {
	exec.Command("ip", "link", "del", p.Host).Run()
	exec.Command("ip", "netns", "del", p.NS).Run()
}

func ip(cmds ...[]string) error {
	for _, c := range cmds {
		if out, err := exec.Command("ip", c...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(c, " "), err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// Counters reads the host end's byte counters from sysfs: the kernel's own
// numbers that Net-Pulse must match.
func (p Pair) Counters() (rx, tx uint64, err error) {
	read := func(f string) (uint64, error) {
		b, err := os.ReadFile("/sys/class/net/" + p.Host + "/statistics/" + f)
		if err != nil {
			return 0, err
		}
		return strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	}
	if rx, err = read("rx_bytes"); err != nil {
		return 0, 0, err
	}
	tx, err = read("tx_bytes")
	return rx, tx, err
}

// Send moves down bytes from the namespace to the host end and up bytes
// from the host end to the namespace, over one TCP connection.
func (p Pair) Send(ctx context.Context, down, up int64) error {
	ln, err := p.ListenInNS(0)
	if err != nil {
		return err
	}
	defer ln.Close()
	srvErr := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			srvErr <- err
			return
		}
		defer c.Close()
		if _, err := io.CopyN(c, zeros{}, down); err != nil {
			srvErr <- err
			return
		}
		_, err = io.CopyN(io.Discard, c, up)
		srvErr <- err
	}()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	if _, err := io.CopyN(io.Discard, c, down); err != nil {
		return fmt.Errorf("receive: %w", err)
	}
	if _, err := io.CopyN(c, zeros{}, up); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	return <-srvErr
}

// Stream sends at about rate bytes per second each way until ctx ends.
func (p Pair) Stream(ctx context.Context, rate int64) error {
	chunk := max(rate/10, 1)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		if err := p.Send(ctx, chunk, chunk); err != nil {
			// A send cut off by the end of the run is not a failure.
			if ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
				return nil
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}
