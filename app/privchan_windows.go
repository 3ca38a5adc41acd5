//go:build windows

package app

import "io/fs"

// checkOwner: the directory is under the per-user %AppData% (or a folder the
// user chose), whose ACL keeps other users out; Windows has no uid to compare.
func checkOwner(fs.FileInfo) error { return nil }
