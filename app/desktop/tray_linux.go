//go:build desktop && linux

package desktop

import (
	"log/slog"

	"github.com/godbus/dbus/v5"
)

// probeTrayHost looks for a session bus before systray touches it: without
// one, systray v1.12.2 crashes in end() (fyne-io/fyne#6403), so the app runs
// without a tray. It never starts a bus (no dbus-launch autostart). The
// StatusNotifierWatcher tells whether a panel shows tray items right now.
func probeTrayHost(log *slog.Logger) trayHost {
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err == nil {
		defer conn.Close()
		if err = conn.Auth(nil); err == nil {
			err = conn.Hello()
		}
	}
	if err != nil {
		log.Warn("no D-Bus session bus: running without a tray icon; closing the window quits", "err", err)
		return trayHost{}
	}
	var watched bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&watched)
	if err != nil || !watched {
		log.Warn("no StatusNotifierWatcher on the session bus: the tray icon shows once one appears " +
			"(GNOME needs the AppIndicator extension); until then closing the window quits")
	}
	return trayHost{ok: true, visible: watched}
}

// launch starts the tray; on Linux it is plain D-Bus, fine from any goroutine.
func (t *tray) launch() { t.start() }

// finish removes the item and closes systray's bus connection.
func (t *tray) finish() { t.end() }
