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
	conn, err := privateSessionBus()
	if err != nil {
		log.Warn("no D-Bus session bus: running without a tray icon; closing the window quits", "err", err)
		return trayHost{}
	}
	defer conn.Close()
	watched, err := watcherOwned(conn)
	if err != nil || !watched {
		log.Warn("no StatusNotifierWatcher on the session bus: the tray icon shows once one appears " +
			"(GNOME needs the AppIndicator extension); until then closing the window quits")
	}
	return trayHost{ok: true, visible: watched, shownNow: watcherNow}
}

// watcherNow asks the session bus again as the window closes: a panel
// started after the app shows the icon by then, as systray registers with
// every watcher that appears.
func watcherNow() bool {
	conn, err := privateSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	watched, err := watcherOwned(conn)
	return err == nil && watched
}

// privateSessionBus connects to the session bus on a connection of its own
// (systray closes the shared one when the tray ends).
func privateSessionBus() (*dbus.Conn, error) {
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return nil, err
	}
	if err = conn.Auth(nil); err == nil {
		err = conn.Hello()
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func watcherOwned(conn *dbus.Conn) (bool, error) {
	var watched bool
	err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&watched)
	return watched, err
}

// launch starts the tray; on Linux it is plain D-Bus, fine from any goroutine.
func (t *tray) launch() { t.start() }

// finish removes the item and closes systray's bus connection.
func (t *tray) finish() { t.end() }
