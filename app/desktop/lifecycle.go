//go:build desktop

package desktop

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// lifecycle is what both desktop processes, the resident and the window,
// keep of their own lifetime: the goroutines to end and wait for, whether
// the process is on its way out, and the lines the desktop tests wait for.
type lifecycle struct {
	markers bool // Config.TestMarkers: print lifecycle lines for tests

	mu       sync.Mutex
	quitting bool
	stopping bool // stopAll has begun: start no more goroutines

	stopCtx context.Context // ends the goroutines at shutdown
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

func (l *lifecycle) init(markers bool) {
	l.markers = markers
	l.stopCtx, l.stop = context.WithCancel(context.Background())
}

// goFn runs f in a goroutine that stopAll waits for; after stopAll has
// begun it does nothing.
func (l *lifecycle) goFn(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopping {
		return
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		f()
	}()
}

// stopAll ends the goroutines and waits for them; safe to repeat.
func (l *lifecycle) stopAll() {
	l.mu.Lock()
	already := l.stopping
	l.stopping = true
	l.mu.Unlock()
	if already {
		return
	}
	l.markQuitting()
	l.stop()
	l.wg.Wait()
}

// markQuitting records that the process is on its way out and reports
// whether it already was. From then on SIGINT and SIGTERM are ignored: the
// way out has begun. (In the window process, Wails v2 answers them from its
// own goroutine by quitting, and on Linux a second quit calls gtk_main_quit
// on a loop that has ended, which crashes.)
func (l *lifecycle) markQuitting() (already bool) {
	l.mu.Lock()
	already, l.quitting = l.quitting, true
	l.mu.Unlock()
	signal.Ignore(os.Interrupt, syscall.SIGTERM)
	return already
}

// marker prints one line for the desktop tests when markers are on.
func (l *lifecycle) marker(event, detail string) {
	if l.markers {
		fmt.Printf("netpulse-test: %s %s\n", event, detail)
	}
}
