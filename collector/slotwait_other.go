//go:build !linux

package collector

import "time"

// slotWaiter waits for the middle of each slot on a Go timer (see
// slotwait_linux.go for why Linux does not).
type slotWaiter struct {
	t        *time.Timer
	interval time.Duration
	done     chan struct{}
}

func newSlotWaiter(interval time.Duration) (*slotWaiter, error) {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &slotWaiter{t: t, interval: interval, done: make(chan struct{})}, nil
}

// wait returns at the next mid-slot; false once close has been called. It
// plans from the wall clock every time, so a clock step never stalls it.
func (w *slotWaiter) wait() bool {
	now := time.Now()
	w.t.Reset(nextMidSlot(now, w.interval).Sub(now))
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
