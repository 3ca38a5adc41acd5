//go:build windows

package desktop

import "io/fs"

// restrictSocket: Windows has no mode bits on a socket; the directory's
// ACL is the lock.
func restrictSocket(string) error { return nil }

// checkOwner: the directory is under the per-user %AppData% (or a folder the
// user chose), whose ACL keeps other users out; Windows has no uid to compare.
func checkOwner(fs.FileInfo) error { return nil }
