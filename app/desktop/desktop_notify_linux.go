//go:build desktop && linux

package desktop

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/godbus/dbus/v5"
)

// dbusNotifier speaks org.freedesktop.Notifications (the Desktop
// Notifications Specification) on its own session bus connection: systray
// closes the shared one (dbus.SessionBus) when the tray ends. The
// connection is made on first use and made again after a failure.
type dbusNotifier struct {
	mu   sync.Mutex
	conn *dbus.Conn
}

func newOSNotifier(*shell) osNotifier { return &dbusNotifier{} }

const (
	notifyDest  = "org.freedesktop.Notifications"
	notifyPath  = "/org/freedesktop/Notifications"
	notifyAppID = "netpulse" // the .desktop file's name and its icon's
)

func (d *dbusNotifier) Notify(ctx context.Context, n osNotice) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn == nil {
		conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
		if err != nil {
			return fmt.Errorf("desktop notification: session bus: %w", err)
		}
		d.conn = conn
	}
	// A server with "body-markup" reads the body as markup, where a plan
	// named "Home & Office" is broken markup; one without shows the body
	// as it is. A server that cannot say is taken as without. Asked each
	// time: notices are rare, and the server can change meanwhile.
	var caps []string
	capsErr := d.conn.Object(notifyDest, notifyPath).CallWithContext(ctx, notifyDest+".GetCapabilities", 0).Store(&caps)
	body := n.Body
	if capsErr == nil && slices.Contains(caps, "body-markup") {
		body = markupEscaper.Replace(body)
	}
	urgency := byte(1) // normal
	if n.Urgent {
		urgency = 2 // critical: stays until dismissed on most desktops
	}
	hints := map[string]dbus.Variant{
		"urgency":       dbus.MakeVariant(urgency),
		"desktop-entry": dbus.MakeVariant(notifyAppID),
		"category":      dbus.MakeVariant("network"),
	}
	var id uint32
	err := d.conn.Object(notifyDest, notifyPath).CallWithContext(ctx, notifyDest+".Notify", 0,
		"Net-Pulse", uint32(0), notifyAppID, n.Title, body, []string{}, hints, int32(-1)).Store(&id)
	if err != nil {
		d.conn.Close()
		d.conn = nil
		return fmt.Errorf("desktop notification: %w", err)
	}
	return nil
}

// markupEscaper escapes what the specification's markup gives meaning to.
var markupEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func (d *dbusNotifier) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		d.conn.Close()
		d.conn = nil
	}
}
