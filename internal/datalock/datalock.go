// Package datalock keeps a data folder to one Net-Pulse at a time. Two
// daemons recording into one database would each count every byte: a
// second desktop app whose private channel is elsewhere (another
// XDG_RUNTIME_DIR, the folder reached through a symbolic link), or a
// headless server started by hand beside the desktop app.
package datalock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Name is the lock file's name in the data folder. It holds nothing: the
// lock is the operating system's on the open file, released when the
// process ends however it ends, so a crash leaves no stale lock.
const Name = "netpulse.lock"

// ErrHeld means another process holds the folder's lock.
var ErrHeld = errors.New("another Net-Pulse is running on this data folder")

// Lock is a data folder's lock, held until Release.
type Lock struct{ f *os.File }

// Acquire takes dir's lock without waiting.
func Acquire(dir string) (*Lock, error) {
	path := filepath.Join(dir, Name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			// The first write into the folder: say which folder and whose it must be.
			return nil, fmt.Errorf("data folder %s is not writable by this user: %w", dir, err)
		}
		return nil, fmt.Errorf("lock the data folder: %w", err)
	}
	if err := lock(f); err != nil {
		f.Close()
		if errors.Is(err, ErrHeld) {
			return nil, fmt.Errorf("%w (%s): stop it, or give this one another data folder", ErrHeld, dir)
		}
		return nil, fmt.Errorf("lock the data folder: %s: %w", path, err)
	}
	return &Lock{f: f}, nil
}

// Release lets another process take the lock.
func (l *Lock) Release() error { return l.f.Close() }
