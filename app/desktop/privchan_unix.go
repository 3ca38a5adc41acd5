//go:build !windows

package desktop

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// restrictSocket makes the socket the user's alone; the directory already
// keeps others out, this is the second lock.
func restrictSocket(path string) error { return os.Chmod(path, 0o600) }

// checkOwner refuses a directory another user owns: they could read the
// token or put their own socket there.
func checkOwner(fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if int(st.Uid) != os.Getuid() {
		return fmt.Errorf("owned by uid %d, not %d", st.Uid, os.Getuid())
	}
	return nil
}
