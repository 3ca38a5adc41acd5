//go:build desktop && darwin

package desktop

import "os/exec"

// hideConsole: osascript opens no window.
func hideConsole(*exec.Cmd) {}
