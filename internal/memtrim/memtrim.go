// Package memtrim gives back the pages of the program's own code that only
// starting up needed.
//
// A daemon's resident memory is mostly its executable's pages, mapped from
// the page cache. Starting up runs every package's initialisation once and
// touches type and symbol tables that polling never reads again, and the
// kernel maps in 64 KiB around each page touched ("fault-around"). Those
// pages stay counted as the daemon's until it exits, though it will not
// use them again, much as the kernel frees its own __init code after boot.
// Released, a page the daemon does need comes back on its next use, from
// the page cache; nothing else changes.
package memtrim

import "time"

// After releases the start-up pages once d has passed, by which time the
// service has started, polled and served its first requests.
func After(d time.Duration) {
	time.AfterFunc(d, func() { Release() })
}
