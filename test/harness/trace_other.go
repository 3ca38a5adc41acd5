//go:build !(linux && (amd64 || arm64))

package harness

import (
	"errors"
	"os/exec"
	"syscall"
)

// TraceSupported reports whether KillAtWrite works on this platform.
const TraceSupported = false

type tracee struct {
	done   chan struct{}
	status syscall.WaitStatus
}

func startTraced(*exec.Cmd) (*tracee, error) {
	return nil, errors.New("killing at a write needs ptrace on linux/amd64 or linux/arm64")
}

// KillAtWrite is not available on this platform.
func (s *Server) KillAtWrite(int) { s.t.Fatal("KillAtWrite needs linux/amd64 or linux/arm64") }

// KilledByTracer is always false here.
func (s *Server) KilledByTracer() bool { return false }
