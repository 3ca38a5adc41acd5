// Command trayhost stands in for a desktop's tray host while it runs a
// program: it takes the StatusNotifierWatcher name on the session bus, so
// the program's tray icon registers and a window started hidden stays
// hidden, as on a desktop with a tray. The benchmark uses it to measure the
// desktop app with its window hidden.
//
//	dbus-run-session -- trayhost PROGRAM [ARGS...]
package main

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/godbus/dbus/v5"
)

type watcher struct{}

// RegisterStatusNotifierItem accepts every item; nothing is drawn.
func (watcher) RegisterStatusNotifierItem(dbus.Sender, string) *dbus.Error { return nil }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: trayhost PROGRAM [ARGS...]")
		os.Exit(2)
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		fmt.Fprintln(os.Stderr, "trayhost: session bus:", err)
		os.Exit(1)
	}
	defer conn.Close()
	if err := conn.Export(watcher{}, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"); err != nil {
		fmt.Fprintln(os.Stderr, "trayhost:", err)
		os.Exit(1)
	}
	if reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		fmt.Fprintln(os.Stderr, "trayhost: cannot own org.kde.StatusNotifierWatcher:", err)
		os.Exit(1)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			os.Exit(ee.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "trayhost:", err)
		os.Exit(1)
	}
}
