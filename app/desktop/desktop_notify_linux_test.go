//go:build desktop && linux

package desktop

import (
	"bufio"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// fakeDaemon plays org.freedesktop.Notifications.
type fakeDaemon struct {
	got  chan []any
	mu   sync.Mutex
	caps []string
}

func (f *fakeDaemon) GetCapabilities() ([]string, *dbus.Error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.caps, nil
}

func (f *fakeDaemon) setCaps(caps ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.caps = caps
}

func (f *fakeDaemon) Notify(app string, id uint32, icon, summary, body string, actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	f.got <- []any{app, id, icon, summary, body, hints["urgency"].Value(), timeout}
	return 7, nil
}

// TestDBusNotifier sends a notice to a notification daemon played on a
// private session bus: without the daemon it fails, and once the daemon is
// there the next notice gets through on a new connection.
func TestDBusNotifier(t *testing.T) {
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Skip("needs dbus-daemon")
	}
	dir := t.TempDir()
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address", "--address=unix:path="+filepath.Join(dir, "bus"))
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, _ := bufio.NewReader(out).ReadString('\n')
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", strings.TrimSpace(addr))

	n := newOSNotifier(nil)
	defer n.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.Notify(ctx, osNotice{Title: "t", Body: "b"}); err == nil {
		t.Fatal("no daemon, but Notify succeeded")
	}

	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	f := &fakeDaemon{got: make(chan []any, 1)}
	if err := conn.Export(f, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatal(err, r)
	}
	if err := n.Notify(ctx, osNotice{Title: "Home: 80 %", Body: "Home passed 80 % of its cap.", Urgent: true}); err != nil {
		t.Fatal(err)
	}
	got := <-f.got
	t.Logf("%v", got)
	if got[0] != "Net-Pulse" || got[3] != "Home: 80 %" || got[4] != "Home passed 80 % of its cap." || got[5] != byte(2) {
		t.Errorf("got %v", got)
	}

	// A body the server reads as markup has its markup characters escaped,
	// so "Home & Office" shows as it is named; one it shows as text does not.
	for _, tt := range []struct {
		name string
		caps []string
		want string
	}{
		{"plain text", []string{"body"}, "Home & <Office> passed 80 %."},
		{"markup", []string{"body", "body-markup"}, "Home &amp; &lt;Office&gt; passed 80 %."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f.setCaps(tt.caps...)
			if err := n.Notify(ctx, osNotice{Title: "Home & <Office>: 80 %", Body: "Home & <Office> passed 80 %."}); err != nil {
				t.Fatal(err)
			}
			if got := <-f.got; got[3] != "Home & <Office>: 80 %" || got[4] != tt.want {
				t.Errorf("summary %q, body %q; want body %q", got[3], got[4], tt.want)
			}
		})
	}
}
