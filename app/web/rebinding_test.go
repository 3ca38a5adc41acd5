package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/netpulse/netpulse/app"
)

// TestRebindingGuard: listening on every address without a password (the
// compose file's default), a browser's same-origin request through a
// public name, as a DNS-rebinding page makes it, changes nothing and takes
// no backup; through an address, a local name or an allowed name it does.
// Reading the history stays open to every name.
func TestRebindingGuard(t *testing.T) {
	for _, tc := range []struct {
		name, password, host string
		writes               bool
	}{
		{"a page's public name", "", "evil.example.net:8080", false},
		{"a public name ending like an allowed one", "", "netpulse.example.com.evil.net", false},
		{"an IPv4 address", "", "192.168.1.20:8080", true},
		{"an IPv6 address", "", "[fd00::20]:8080", true},
		{"a name of one label", "", "nas:8080", true},
		{"an mDNS name", "", "NAS.local:8080", true},
		{"a home.arpa name", "", "nas.home.arpa", true},
		{"an allowed name, in other case", "", "NetPulse.Example.com", true},
		{"a name under an allowed suffix", "", "nas.home.example.org:8080", true},
		{"a dynamic-DNS name", "", "evil.duckdns.org", false},
		{"a name under an undelegated top-level domain", "", "nas.speedport.ip", true},
		{"a router's name", "", "nas.fritz.box", true},
		{"a .lan name, with a trailing dot", "", "nas.lan.:8080", true},
		{"a public name, with a password", testPassword, "evil.example.net:8080", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := app.Config{DataDir: t.TempDir(), Interval: time.Second, FlushInterval: time.Hour, Listen: "0.0.0.0:8080",
				Password: tc.password, AllowedHosts: []string{"netpulse.example.com", ".home.example.org"}, Version: "test"}
			svc, err := app.New(cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer svc.Close()
			srv := httptest.NewServer(NewHandler(svc, cfg, fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}, nil))
			defer srv.Close()
			do := func(method, path, body string) int {
				t.Helper()
				req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				req.Host = tc.host
				req.Header.Set("Origin", "http://"+tc.host)
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				req.Header.Set("Content-Type", "application/json")
				if tc.password != "" {
					req.SetBasicAuth("", tc.password)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			want := http.StatusForbidden
			if tc.writes {
				want = http.StatusOK
			}
			if got := do("POST", "/api/config/settings", `{"theme":"dark"}`); got != want {
				t.Errorf("a change answered %d, want %d", got, want)
			}
			if got := do("GET", "/api/backup", ""); got != want {
				t.Errorf("a backup answered %d, want %d", got, want)
			}
			if got := do("GET", "/api/traffic?window=1h&group=1m", ""); got != http.StatusOK {
				t.Errorf("reading the history answered %d, want 200", got)
			}
			s, err := svc.Settings(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if changed := s.Theme == "dark"; changed != tc.writes {
				t.Errorf("theme %q after the change was answered", s.Theme)
			}
		})
	}
}
