// Package procs runs the process on one P while it is quiet and on all of
// them while a crowd of HTTP clients is connected.
//
// One P makes an idle daemon cheaper (main.go). Under a crowd, though, a
// hundred connections' goroutines are runnable at once, each answering a
// request on the one P, and the poll, woken behind them, waited its turn
// past its slot: the load test saw polls 500-650 ms late with 100 clients,
// and under 15 ms with two Ps. Counting open connections sees the crowd
// while it is still queued, before any handler runs. GOMAXPROCS changes
// stop the world for a moment, so the governor widens once as the crowd
// comes and narrows once it has been gone for a while.
package procs

import (
	"net"
	"runtime"
	"sync"
	"time"
)

// Governor sets GOMAXPROCS from the number of open connections.
type Governor struct {
	narrow, wide int
	busyAt       int           // open connections that widen
	quiet        time.Duration // fewer than busyAt this long narrows

	mu     sync.Mutex
	open   int
	isWide bool
	timer  *time.Timer // pending narrowing
}

// New returns a governor that keeps narrow Ps while fewer than busyAt
// connections are open and wide Ps from busyAt on, until there have been
// fewer for quiet. It does not change GOMAXPROCS until a crowd comes.
func New(narrow, wide, busyAt int, quiet time.Duration) *Governor {
	return &Governor{narrow: narrow, wide: wide, busyAt: busyAt, quiet: quiet}
}

// Listener counts the connections ln accepts until each is closed.
func (g *Governor) Listener(ln net.Listener) net.Listener { return &listener{ln, g} }

type listener struct {
	net.Listener
	g *Governor
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.g.opened()
	return &conn{Conn: c, g: l.g}, nil
}

type conn struct {
	net.Conn
	g    *Governor
	once sync.Once
}

func (c *conn) Close() error {
	c.once.Do(c.g.closed)
	return c.Conn.Close()
}

func (g *Governor) opened() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open++
	if g.open < g.busyAt {
		return
	}
	if g.timer != nil {
		g.timer.Stop()
		g.timer = nil
	}
	if !g.isWide {
		g.isWide = true
		runtime.GOMAXPROCS(g.wide)
	}
}

func (g *Governor) closed() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open--
	if g.isWide && g.open < g.busyAt && g.timer == nil {
		g.timer = time.AfterFunc(g.quiet, g.narrowIfQuiet)
	}
}

// narrowIfQuiet goes back to narrow unless the crowd came back meanwhile;
// the next connection to close below busyAt asks again.
func (g *Governor) narrowIfQuiet() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.timer = nil
	if g.isWide && g.open < g.busyAt {
		g.isWide = false
		runtime.GOMAXPROCS(g.narrow)
	}
}
