package app

import (
	"context"
	"fmt"
	"os"

	"github.com/netpulse/netpulse/internal/autostart"
)

// StartAtLogin reports whether the OS starts this executable, hidden in the
// tray, when the user logs in. It reads the OS's entry each time, so the
// switch shows an entry the installer wrote or the user removed.
func (d *Desktop) StartAtLogin() (bool, error) {
	return answer(d, "StartAtLogin", func(context.Context) (bool, error) {
		a, err := loginEntry()
		if err != nil {
			return false, err
		}
		return a.Enabled()
	})
}

// SetStartAtLogin writes or removes the login entry and returns the state
// read back from the OS.
func (d *Desktop) SetStartAtLogin(on bool) (bool, error) {
	return answer(d, "SetStartAtLogin", func(context.Context) (bool, error) {
		a, err := loginEntry()
		if err != nil {
			return false, err
		}
		if on {
			err = a.Enable()
		} else {
			err = a.Disable()
		}
		if err != nil {
			return false, err
		}
		return a.Enabled()
	})
}

// loginEntry is the entry for the running executable.
func loginEntry() (*autostart.Autostart, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start at login: cannot find this program: %w", err)
	}
	return autostart.New(exe)
}
