//go:build !linux

package collector

import "time"

// slotWaiter sleeps on a Go timer (see slotwait_linux.go for why Linux
// does not).
type slotWaiter struct {
	t    *time.Timer
	done chan struct{}
}

func newSlotWaiter() (*slotWaiter, error) {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &slotWaiter{t: t, done: make(chan struct{})}, nil
}

// wait sleeps for d; false once close has been called.
func (w *slotWaiter) wait(d time.Duration) bool {
	w.t.Reset(d)
	select {
	case <-w.t.C:
		return true
	case <-w.done:
		w.t.Stop()
		return false
	}
}

// close ends a wait in progress and every later one.
func (w *slotWaiter) close() { close(w.done) }
