//go:build linux && (amd64 || arm64)

package harness

import (
	"errors"
	"os/exec"
	"runtime"
	"sync/atomic"
	"syscall"
)

// tracee is a process started under ptrace. The tracer follows every
// thread's system calls and, once armed, sends SIGKILL to the whole
// process at the entry of its n-th pwrite64: the call SQLite writes
// database and WAL pages with. The kill therefore lands while a flush (or
// a checkpoint) is writing, not somewhere around it.
type tracee struct {
	pid    int
	armc   chan int
	done   chan struct{}
	status syscall.WaitStatus
	writes atomic.Int64 // pwrite64 calls seen since the last arming
	killed atomic.Bool
}

// TraceSupported reports whether KillAtWrite works on this platform.
const TraceSupported = true

func startTraced(cmd *exec.Cmd) (*tracee, error) {
	tr := &tracee{armc: make(chan int, 1), done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		// Every ptrace request must come from the thread that started the
		// tracee, so this goroutine keeps its thread for good; the thread
		// ends with it.
		runtime.LockOSThread()
		// Its own process group lets the tracer wait for its threads only,
		// never reaping other children of the test (ip, mount).
		cmd.SysProcAttr = &syscall.SysProcAttr{Ptrace: true, Setpgid: true}
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		tr.pid = cmd.Process.Pid
		var ws syscall.WaitStatus
		if _, err := syscall.Wait4(tr.pid, &ws, syscall.WALL, nil); err != nil || !ws.Stopped() {
			cmd.Process.Kill()
			started <- errors.New("tracee did not stop after exec")
			return
		}
		const opts = syscall.PTRACE_O_TRACESYSGOOD | syscall.PTRACE_O_TRACECLONE | 0x100000 // PTRACE_O_EXITKILL
		if err := syscall.PtraceSetOptions(tr.pid, opts); err != nil {
			cmd.Process.Kill()
			started <- err
			return
		}
		started <- nil
		tr.loop()
	}()
	return tr, <-started
}

func (tr *tracee) loop() {
	inSyscall := map[int]bool{}
	target := 0 // kill at this pwrite64; 0: not armed
	next := 0   // what the stopped thread is resumed with
	wpid := tr.pid
	for {
		syscall.PtraceSyscall(wpid, next) // ESRCH: the thread died meanwhile
		next = 0
		var ws syscall.WaitStatus
		var err error
		wpid, err = syscall.Wait4(-tr.pid, &ws, syscall.WALL, nil)
		if errors.Is(err, syscall.EINTR) {
			wpid = -1
			continue
		}
		if err != nil {
			tr.status = ws
			close(tr.done)
			return
		}
		select {
		case n := <-tr.armc:
			target = n
			tr.writes.Store(0)
		default:
		}
		if ws.Exited() || ws.Signaled() {
			delete(inSyscall, wpid)
			if wpid == tr.pid {
				tr.status = ws
				close(tr.done)
				return
			}
			wpid = -1
			continue
		}
		if !ws.Stopped() {
			continue
		}
		switch sig := ws.StopSignal(); {
		case sig == syscall.SIGTRAP|0x80: // system call entry or exit
			entering := !inSyscall[wpid]
			inSyscall[wpid] = entering
			if entering && target > 0 && syscallNumber(wpid) == syscall.SYS_PWRITE64 {
				if tr.writes.Add(1) >= int64(target) {
					tr.killed.Store(true)
					syscall.Kill(tr.pid, syscall.SIGKILL)
					target = 0
				}
			}
		case sig == syscall.SIGTRAP: // clone event: the new thread is traced too
		case sig == syscall.SIGSTOP: // a new thread's first stop
		default:
			next = int(sig) // a real signal (SIGURG, SIGTERM, ...): deliver it
		}
	}
}

// KillAtWrite arms the tracer: the process is killed with SIGKILL at the
// entry of its n-th pwrite64 from now on.
func (s *Server) KillAtWrite(n int) {
	s.t.Helper()
	if s.trace == nil {
		s.t.Fatal("KillAtWrite needs Options.Traced")
	}
	s.trace.armc <- n
}

// KilledByTracer reports whether the tracer sent the SIGKILL.
func (s *Server) KilledByTracer() bool { return s.trace != nil && s.trace.killed.Load() }
