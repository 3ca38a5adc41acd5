package testnet

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// ListenInNS opens a TCP listener inside the pair's namespace.
func (p Pair) ListenInNS(port int) (net.Listener, error) {
	var ln net.Listener
	err := p.inNS(func() (err error) {
		ln, err = net.Listen("tcp", net.JoinHostPort(p.PeerIP, strconv.Itoa(port)))
		return err
	})
	return ln, err
}

// ListenPacketInNS opens a UDP socket inside the pair's namespace: a
// datagram sent to it is received, not answered with an ICMP error.
func (p Pair) ListenPacketInNS(port int) (net.PacketConn, error) {
	var pc net.PacketConn
	err := p.inNS(func() (err error) {
		pc, err = net.ListenPacket("udp", net.JoinHostPort(p.PeerIP, strconv.Itoa(port)))
		return err
	})
	return pc, err
}

// inNS runs open inside the pair's namespace. A socket stays in the
// namespace it was created in, so only the call that opens it switches.
func (p Pair) inNS(open func() error) error {
	runtime.LockOSThread()
	orig, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer orig.Close()
	target, err := os.Open("/var/run/netns/" + p.NS)
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("enter %s: %w", p.NS, err)
	}
	oerr := open()
	if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
		// This thread is stuck in the namespace: keep it locked so it
		// ends with its goroutine instead of serving others.
		return fmt.Errorf("leave %s: %w", p.NS, err)
	}
	runtime.UnlockOSThread()
	return oerr
}
