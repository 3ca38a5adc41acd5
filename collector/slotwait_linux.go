package collector

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// slotWaiter waits for the middle of each slot on a timerfd read through
// Go's network poller rather than on a Go timer. Every Go timer that fires,
// and every plain system call, wakes the runtime's monitor thread, which
// then polls every 20 µs for as long as the woken goroutine runs: at a poll
// a second that cost more than the poll itself (PERFORMANCE.md). So its
// calls are raw, like procSource's.
//
// The kernel keeps the timer on the wall clock's mid-slots by itself
// (absolute, periodic); when the clock is set, the read fails with
// ECANCELED and the timer is planned afresh, so a step never stalls polls.
type slotWaiter struct {
	file     *os.File // registered with the poller
	raw      syscall.RawConn
	interval time.Duration
	armed    bool
}

func newSlotWaiter(interval time.Duration) (*slotWaiter, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_REALTIME, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("create poll timer: %w", err)
	}
	f := os.NewFile(uintptr(fd), "timerfd")
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("create poll timer: %w", err)
	}
	return &slotWaiter{file: f, raw: raw, interval: interval}, nil
}

// wait returns at the next mid-slot; false once close has been called.
// Slots missed by a slow run are skipped.
func (w *slotWaiter) wait() bool {
	for {
		if !w.armed {
			if err := w.arm(); err != nil {
				return false
			}
			w.armed = true
		}
		var expirations uint64
		var errno syscall.Errno
		polled := false
		err := w.raw.Read(func(fd uintptr) bool {
			// The timer has not fired yet unless a run overran, and then
			// the poller already knows: wait for it before reading.
			if !polled {
				polled = true
				return false
			}
			_, _, errno = unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&expirations)), 8)
			return errno != unix.EAGAIN // false: wait until readable, then again
		})
		switch {
		case err != nil:
			return false
		case errno == unix.ECANCELED:
			w.armed = false // the wall clock was set
		case errno != 0:
			return false
		default:
			return true
		}
	}
}

// arm sets the timer to the first mid-slot at least a quarter interval
// away, repeating every interval.
func (w *slotWaiter) arm() error {
	next := nextMidSlot(time.Now(), w.interval)
	spec := unix.ItimerSpec{
		Interval: unix.NsecToTimespec(int64(w.interval)),
		Value:    unix.NsecToTimespec(next.UnixNano()),
	}
	var errno syscall.Errno
	// Through the file, so a concurrent close cannot leave a stale fd.
	err := w.raw.Control(func(fd uintptr) {
		_, _, errno = unix.RawSyscall6(unix.SYS_TIMERFD_SETTIME, fd,
			unix.TFD_TIMER_ABSTIME|unix.TFD_TIMER_CANCEL_ON_SET, uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
	})
	if errno != 0 {
		err = errno
	}
	if err != nil {
		return errors.Join(errors.New("arm poll timer"), err)
	}
	return nil
}

// close ends a wait in progress and every later one.
func (w *slotWaiter) close() { w.file.Close() }
