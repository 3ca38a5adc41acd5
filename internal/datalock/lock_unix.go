//go:build unix

package datalock

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lock takes an flock, which belongs to the open file: a second open of
// the same file, in this process or another, cannot take it too.
func lock(f *os.File) error {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return ErrHeld
	}
	return err
}
