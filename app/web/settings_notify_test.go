package web

import (
	"strings"
	"testing"
)

// TestDesktopNotificationsSetting: on by default, switchable, anything else
// refused with a message naming the key, and nothing saved.
func TestDesktopNotificationsSetting(t *testing.T) {
	_, srv := newTestServer(t, "")
	get := func() string {
		_, body := call{method: "GET", path: "/api/config/settings"}.do(t, srv)
		v, _ := body["desktop_notifications"].(string)
		return v
	}
	if v := get(); v != "on" {
		t.Fatalf("default %q, want on", v)
	}
	for _, tt := range []struct {
		name   string
		body   string
		status int
		after  string
	}{
		{"switch off", `{"desktop_notifications":"off"}`, 200, "off"},
		{"bad value", `{"desktop_notifications":"yes"}`, 400, "off"},
		{"bad value with a good key", `{"theme":"dark","desktop_notifications":""}`, 400, "off"},
		{"switch on", `{"desktop_notifications":"on"}`, 200, "on"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := call{method: "POST", path: "/api/config/settings", body: tt.body}.do(t, srv)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d (%v)", resp.StatusCode, tt.status, body)
			}
			if msg, _ := body["error"].(string); tt.status == 400 && !strings.Contains(msg, "desktop_notifications") {
				t.Errorf("error %q does not name the key", msg)
			}
			if v := get(); v != tt.after {
				t.Errorf("setting is %q, want %q", v, tt.after)
			}
		})
	}
}
