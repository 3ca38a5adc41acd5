//go:build desktop && darwin

package desktop

import "C"

import (
	"log/slog"
	"sync/atomic"
)

// probeTrayHost: macOS always has a menu bar.
func probeTrayHost(*slog.Logger) trayHost { return trayHost{ok: true, visible: true} }

// pendingTrayStart is systray's start function on its way to the main thread.
var pendingTrayStart atomic.Pointer[func()]

// launch runs systray's start on the main thread, where AppKit wants the
// NSStatusItem created, once runLoop serves the main queue: the small
// dispatch in tray_darwin_dispatch.go.
func (t *tray) launch() {
	pendingTrayStart.Store(&t.start)
	dispatchTrayStart()
}

// finish removes the item and ends runLoop: systray's Quit sends
// [NSApp stop:].
func (t *tray) finish() { t.end() }

//export netpulseTrayStart
func netpulseTrayStart() {
	if f := pendingTrayStart.Swap(nil); f != nil {
		(*f)()
	}
}
