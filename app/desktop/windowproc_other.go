//go:build desktop && !linux

package desktop

import "os/exec"

// startChild starts cmd. These systems have no parent-death signal; the
// window process quits when its feed from this process ends, which also
// happens when this process is killed (window.go).
func startChild(cmd *exec.Cmd) (<-chan error, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	waitc := make(chan error, 1)
	go func() { waitc <- cmd.Wait() }()
	return waitc, nil
}
