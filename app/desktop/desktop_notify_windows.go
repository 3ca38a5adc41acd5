//go:build desktop && windows

package desktop

import (
	"os/exec"
	"syscall"
)

// hideConsole keeps PowerShell's console window from flashing up.
func hideConsole(cmd *exec.Cmd) {
	const createNoWindow = 0x08000000
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
}
