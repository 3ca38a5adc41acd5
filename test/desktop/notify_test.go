//go:build linux

package desktop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/netpulse/netpulse/internal/trayicons"
)

// notice is one call of org.freedesktop.Notifications.Notify.
type notice struct {
	App, Icon, Summary, Body string
	Hints                    map[string]dbus.Variant
}

// notifyServer plays org.freedesktop.Notifications, the desktop's
// notification daemon, on the private bus.
type notifyServer struct {
	notices chan notice
	next    uint32
}

func (s *notifyServer) Notify(app string, _ uint32, icon, summary, body string, _ []string,
	hints map[string]dbus.Variant, _ int32) (uint32, *dbus.Error) {
	s.next++
	select {
	case s.notices <- notice{App: app, Icon: icon, Summary: summary, Body: body, Hints: hints}:
	default:
	}
	return s.next, nil
}

func (s *notifyServer) GetCapabilities() ([]string, *dbus.Error) { return []string{"body"}, nil }

func (s *notifyServer) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "netpulse-test", "netpulse", "1", "1.2", nil
}

func (s *notifyServer) CloseNotification(uint32) *dbus.Error { return nil }

// startNotifyServer owns org.freedesktop.Notifications on the private bus
// until the test ends.
func startNotifyServer(t *testing.T) *notifyServer {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &notifyServer{notices: make(chan notice, 16)}
	if err := conn.Export(s, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("cannot own org.freedesktop.Notifications: %v (reply %d)", err, reply)
	}
	return s
}

func (s *notifyServer) wait(t *testing.T, timeout time.Duration) notice {
	t.Helper()
	select {
	case n := <-s.notices:
		return n
	case <-time.After(timeout):
		t.Fatalf("no desktop notification within %s", timeout)
		return notice{}
	}
}

// postJSON sends body to base+path and decodes the answer into out.
func postJSON(t *testing.T, base, path, body string, want int, out any) {
	t.Helper()
	resp, err := http.Post(base+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %s %s", path, resp.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("POST %s: %v in %s", path, err, b)
		}
	}
}

// isAlertIcon tells whether the pixmap is one of the alert icons.
func isAlertIcon(t *testing.T, px pixmap) bool {
	t.Helper()
	for d := range trayicons.Levels {
		for u := range trayicons.Levels {
			img, err := png.Decode(bytes.NewReader(trayicons.AlertIcon(d, u)))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(argb(img), px.Pix) {
				return true
			}
		}
	}
	return false
}

var (
	markerNotified  = regexp.MustCompile(`^netpulse-test: notification `)
	markerNotifyOff = regexp.MustCompile(`^netpulse-test: notification-off `)
)

// TestPlanAlert: a data plan's threshold shows as a desktop notification on
// the session bus, the tray menu and tooltip carry the plan's line, and the
// icon turns to its alert variant; switched off in Settings, the next alert
// shows no notification.
func TestPlanAlert(t *testing.T) {
	needEnv(t)
	data := t.TempDir()
	p := pair(t, "np19d")
	const cap = 4_000_000
	base, stop := headless(t, data)
	monitor(t, base, p.Host)
	var plan struct {
		ID any `json:"id"`
	}
	postJSON(t, base, "/api/plans", fmt.Sprintf(`{"name":"Test plan","interfaces":[%q],"direction":"both",
		"cap_bytes":%d,"period":"month","reset_day":1,"reset_hour":0,"tz":"UTC","thresholds":[50,100]}`, p.Host, cap), 201, &plan)
	stop()

	w := startWatcher(t)
	notes := startNotifyServer(t)
	a := startApp(t, data, "--hidden")
	it := w.waitItem(t, 20*time.Second)
	a.waitLine(markerTrayReady, 10*time.Second)

	// The plan's line shows before any traffic, under its threshold.
	line := regexp.MustCompile(`^Test plan: [\d.]+ \S*B of 4\.00 MB \((\d+(\.\d)?) %\) · resets 1 [A-Z][a-z]{2}$`)
	planLine := func() string {
		for _, e := range it.menu() {
			if e.visible && line.MatchString(e.label) {
				return e.label
			}
		}
		return ""
	}
	deadline := time.Now().Add(30 * time.Second)
	for planLine() == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no plan line in the menu %q", it.menu())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if isAlertIcon(t, it.icon()) {
		t.Error("the icon shows the alert before the plan passed a threshold")
	}

	// 3 MB of 4 MB: past 50 %, not 100 %.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := p.Send(ctx, 1_500_000, 1_500_000); err != nil {
		t.Fatal(err)
	}
	n := notes.wait(t, 60*time.Second)
	t.Logf("notification: %+v", n)
	if n.App != "Net-Pulse" || !strings.Contains(n.Summary+n.Body, "Test plan") || !strings.Contains(n.Summary+n.Body, "50") {
		t.Errorf("notification %+v does not name the plan and its 50 %% threshold", n)
	}
	a.waitLine(markerNotified, 5*time.Second)

	// The menu line, the tooltip and the icon follow.
	deadline = time.Now().Add(30 * time.Second)
	for {
		m := line.FindStringSubmatch(planLine())
		tip := it.tooltip()
		alert := isAlertIcon(t, it.icon())
		pct := -1.0
		if m != nil {
			pct, _ = strconv.ParseFloat(m[1], 64)
		}
		if pct >= 50 && pct < 100 && strings.Contains(tip, "\nTest plan: ") && alert {
			t.Logf("menu %q, tooltip %q", m[0], tip)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the threshold: menu line %q, tooltip %q, alert icon %v", planLine(), tip, alert)
		}
		time.Sleep(200 * time.Millisecond)
	}
	select {
	case extra := <-notes.notices:
		t.Errorf("a second notification for one threshold: %+v", extra)
	case <-time.After(2 * time.Second):
	}
	a.signal(syscall.SIGTERM)
	if code := a.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit status %d", code)
	}

	// Switched off in Settings, the next alert (the cap) shows nothing.
	base, stop = headless(t, data)
	postJSON(t, base, "/api/config/settings", `{"desktop_notifications":"off"}`, 200, nil)
	stop()
	a = startApp(t, data, "--hidden")
	w.waitItem(t, 20*time.Second)
	a.waitLine(markerTrayReady, 10*time.Second)
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := p.Send(ctx, 1_500_000, 1_500_000); err != nil {
		t.Fatal(err)
	}
	a.waitLine(markerNotifyOff, 60*time.Second)
	select {
	case n := <-notes.notices:
		t.Errorf("a notification while they are switched off: %+v", n)
	case <-time.After(time.Second):
	}
	a.signal(syscall.SIGTERM)
	if code := a.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit status %d", code)
	}
}
