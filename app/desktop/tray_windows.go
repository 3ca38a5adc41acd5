//go:build desktop && windows

package desktop

import "log/slog"

// probeTrayHost: Windows always has a notification area.
func probeTrayHost(*slog.Logger) trayHost { return trayHost{ok: true, visible: true} }

// launch does nothing: newTray registered the tray from the main goroutine,
// which created its hidden window on the main thread, and the message loop
// runLoop runs on that thread dispatches the tray's messages. The loop
// systray's start() would spin up runs on an arbitrary thread instead.
func (t *tray) launch() {}

// finish deletes the icon and ends runLoop: systray.Quit posts WM_CLOSE to
// its window, whose WM_DESTROY posts the WM_QUIT that ends the loop.
func (t *tray) finish() { t.end() }
