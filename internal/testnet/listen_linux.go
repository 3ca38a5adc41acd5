package testnet

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// ListenInNS opens a TCP listener inside the pair's namespace. A socket
// stays in the namespace it was created in, so only this call switches.
func (p Pair) ListenInNS(port int) (net.Listener, error) {
	runtime.LockOSThread()
	orig, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	defer orig.Close()
	target, err := os.Open("/var/run/netns/" + p.NS)
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("enter %s: %w", p.NS, err)
	}
	ln, lerr := net.Listen("tcp", net.JoinHostPort(p.PeerIP, strconv.Itoa(port)))
	if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
		// This thread is stuck in the namespace: keep it locked so it
		// ends with its goroutine instead of serving others.
		return nil, fmt.Errorf("leave %s: %w", p.NS, err)
	}
	runtime.UnlockOSThread()
	return ln, lerr
}
