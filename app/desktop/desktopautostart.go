package desktop

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
		a, err := loginEntry(d.residentExe)
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
		a, err := loginEntry(d.residentExe)
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

// loginEntry is the entry that starts exe, or this program when exe is "".
func loginEntry(exe string) (*autostart.Autostart, error) {
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("start at login: cannot find this program: %w", err)
		}
	}
	return autostart.New(exe)
}
