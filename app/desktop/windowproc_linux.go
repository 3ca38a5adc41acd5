//go:build desktop && linux

package desktop

import (
	"os/exec"
	"runtime"
	"syscall"
)

// startChild starts cmd so that it dies with this process, even by kill -9:
// the kernel sends it SIGKILL when its parent goes (PR_SET_PDEATHSIG). The
// kernel means the parent thread, so the goroutine that starts it keeps its
// thread until the child has ended, and waits for it there.
func startChild(cmd *exec.Cmd) (<-chan error, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	started, waitc := make(chan error, 1), make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		waitc <- cmd.Wait()
	}()
	return waitc, <-started
}
