//go:build desktop && darwin

package app

import "os/exec"

// hideConsole: osascript opens no window.
func hideConsole(*exec.Cmd) {}
