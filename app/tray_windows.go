//go:build desktop && windows

package app

import "log/slog"

// probeTrayHost: Windows always has a notification area.
func probeTrayHost(*slog.Logger) trayHost { return trayHost{ok: true, visible: true} }

// launch does nothing: newTray registered the tray from the main goroutine
// before wails.Run, which created its hidden window on the main thread, and
// Wails' message loop on that thread also dispatches the tray's messages. The
// loop systray's start() would spin up runs on an arbitrary thread instead.
func (t *tray) launch() {}

// finish deletes the icon. It runs from OnShutdown only: systray.Quit posts
// WM_CLOSE to its window, whose WM_DESTROY would end Wails' loop too.
func (t *tray) finish() { t.end() }
