package collector

import (
	"fmt"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// slotWaiter sleeps on a timerfd read through Go's network poller rather
// than on a Go timer. Every Go timer that fires also wakes the runtime's
// monitor thread, which then polls every 20 µs for as long as the woken
// goroutine runs: at a poll a second that cost more than the poll itself.
// A goroutine woken by the poller leaves the monitor asleep (PERFORMANCE.md).
type slotWaiter struct {
	file *os.File // registered with the poller
	raw  syscall.RawConn
}

func newSlotWaiter() (*slotWaiter, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("create poll timer: %w", err)
	}
	f := os.NewFile(uintptr(fd), "timerfd")
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("create poll timer: %w", err)
	}
	return &slotWaiter{file: f, raw: raw}, nil
}

// wait sleeps for d; false once close has been called. Its calls are raw,
// like procSource's, so that waking leaves the runtime's monitor asleep.
func (w *slotWaiter) wait(d time.Duration) bool {
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(max(int64(d), 1))}
	var errno syscall.Errno
	// Through the file, so a concurrent close cannot leave a stale fd.
	err := w.raw.Control(func(fd uintptr) {
		_, _, errno = unix.RawSyscall6(unix.SYS_TIMERFD_SETTIME, fd, 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0)
	})
	if err != nil || errno != 0 {
		return false
	}
	var expirations uint64
	err = w.raw.Read(func(fd uintptr) bool {
		_, _, errno = unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&expirations)), 8)
		return errno != unix.EAGAIN // false: wait until readable, then again
	})
	return err == nil && errno == 0
}

// close ends a wait in progress and every later one.
func (w *slotWaiter) close() { w.file.Close() }
