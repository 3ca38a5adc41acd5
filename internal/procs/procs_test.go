package procs

import (
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"
)

// TestGovernorWidensForACrowd opens connections to a real HTTP server:
// below busyAt nothing changes; at busyAt GOMAXPROCS widens before any
// request is sent, and it narrows again once the connections have closed
// and quiet has passed.
func TestGovernorWidensForACrowd(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const busyAt = 3
	g := New(1, 4, busyAt, time.Second)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Listener = g.Listener(srv.Listener)
	srv.Start()
	defer srv.Close()
	procs := func() int { return runtime.GOMAXPROCS(0) }
	// waitFor polls for GOMAXPROCS to become want: Accept runs on the
	// server's goroutine, after the dial returns.
	waitFor := func(want int, within time.Duration) int {
		deadline := time.Now().Add(within)
		for procs() != want && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		return procs()
	}

	var conns []net.Conn
	dial := func() {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for range busyAt - 1 {
		dial()
	}
	if got := waitFor(4, 300*time.Millisecond); got != 1 {
		t.Errorf("%d connections open: GOMAXPROCS %d, want 1", busyAt-1, got)
	}
	dial()
	if got := waitFor(4, 5*time.Second); got != 4 {
		t.Errorf("%d connections open: GOMAXPROCS %d, want 4", busyAt, got)
	}
	for _, c := range conns {
		c.Close()
	}
	if got := procs(); got != 4 {
		t.Errorf("at once after the crowd: GOMAXPROCS %d, want 4 until quiet has passed", got)
	}
	if got := waitFor(1, 10*time.Second); got != 1 {
		t.Errorf("quiet after the crowd: GOMAXPROCS %d, want 1", got)
	}
}
