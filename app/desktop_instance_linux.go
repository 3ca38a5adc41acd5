//go:build desktop && linux

package app

import (
	"strings"

	"github.com/godbus/dbus/v5"
)

// FocusRunningInstance asks a running Net-Pulse window to show itself and
// reports whether one answered. Call it before opening the database: Wails'
// own lock only notices the other instance inside wails.Run, after this
// process has opened the database and started polling, and then exits with
// status 1. It speaks the same D-Bus protocol as that lock
// (internal/frontend/desktop/linux/single_instance.go in Wails v2.16.0).
func FocusRunningInstance() bool {
	id := "wails_app_" + strings.NewReplacer("-", "_", ".", "_").Replace(uniqueID)
	name, path := "org."+id+".SingleInstance", dbus.ObjectPath("/org/"+id+"/SingleInstance")
	conn, err := dbus.SessionBusPrivateNoAutoStartup()
	if err != nil {
		return false
	}
	defer conn.Close()
	if conn.Auth(nil) != nil || conn.Hello() != nil {
		return false
	}
	var running bool
	if conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&running) != nil || !running {
		return false
	}
	return conn.Object(name, path).Call(name+".SendMessage", 0, secondInstancePayload()).Err == nil
}
