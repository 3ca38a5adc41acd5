package web

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/netpulse/netpulse/app"
	"github.com/netpulse/netpulse/storage"
)

const testPassword = "correct horse"

// newTestServer runs the real service on a temp data dir behind the real
// handler and HTTP server.
func newTestServer(t *testing.T, password string) (*app.Service, *httptest.Server) {
	t.Helper()
	return newTestServerIn(t, password, t.TempDir())
}

// newTestServerIn is newTestServer on the data folder dir.
func newTestServerIn(t *testing.T, password, dir string) (*app.Service, *httptest.Server) {
	t.Helper()
	cfg := app.Config{DataDir: dir, Interval: time.Second, FlushInterval: time.Second,
		Listen: "127.0.0.1:0", Password: password, Version: "test"}
	svc, err := app.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	assets := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Net-Pulse</title>")}}
	srv := httptest.NewServer(NewHandler(svc, cfg, assets, nil))
	t.Cleanup(func() {
		srv.Close()
		if err := svc.Close(); err != nil {
			t.Error(err)
		}
	})
	return svc, srv
}

// seedStore writes recs into the database in dir before a service opens
// it, so that their interfaces are known from history.
func seedStore(t *testing.T, dir string, recs ...storage.Record) {
	t.Helper()
	st, err := storage.Open(context.Background(), filepath.Join(dir, "netpulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	st.Add(recs...)
	if err := st.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

type call struct {
	method, path, body string
	header             map[string]string
}

func (c call) do(t *testing.T, srv *httptest.Server) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("", testPassword)
	if c.method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		switch k {
		case "Authorization":
			if v == "" {
				req.Header.Del(k)
				continue
			}
		case "Host":
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	json.Unmarshal(b, &v)
	return resp, v
}

func TestBadInputChangesNothing(t *testing.T) {
	svc, srv := newTestServer(t, testPassword)
	// A known state to compare against.
	call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":["lo"]}`}.do(t, srv)
	call{method: "POST", path: "/api/config/settings", body: `{"theme":"dark"}`}.do(t, srv)
	state := func() string {
		_, m := call{method: "GET", path: "/api/config/monitored_interfaces"}.do(t, srv)
		_, s := call{method: "GET", path: "/api/config/settings"}.do(t, srv)
		plans, err := svc.Plans(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal([]any{m, s, len(plans)})
		return string(b)
	}
	before := state()
	if !strings.Contains(before, `"lo"`) || !strings.Contains(before, `"dark"`) {
		t.Fatalf("setup failed: %s", before)
	}
	basic := func(pass string) string {
		r, _ := http.NewRequest("GET", "/", nil)
		r.SetBasicAuth("admin", pass)
		return r.Header.Get("Authorization")
	}
	for _, tc := range []struct {
		name   string
		c      call
		status int
	}{
		{"monitored: malformed JSON", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":["lo"`}, 400},
		{"monitored: wrong type", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":"lo"}`}, 400},
		{"monitored: wrong element type", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":[1]}`}, 400},
		{"monitored: missing field", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{}`}, 400},
		{"monitored: null", call{method: "POST", path: "/api/config/monitored_interfaces", body: `null`}, 400},
		{"monitored: empty body", call{method: "POST", path: "/api/config/monitored_interfaces", body: ``}, 400},
		{"monitored: two values", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":[]} {}`}, 400},
		{"monitored: a stray bracket after the value", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":[]}]`}, 400},
		{"monitored: stray braces after the value", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":[]}}}`}, 400},
		{"monitored: misspelt field", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":["lo"],"interface":[]}`}, 400},
		{"monitored: unknown interface", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":["lo","nosuch0"]}`}, 400},
		{"monitored: empty name", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":[""]}`}, 400},
		{"monitored: wrong content type", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":[]}`,
			header: map[string]string{"Content-Type": "text/plain"}}, 415},
		{"monitored: form content type", call{method: "POST", path: "/api/config/monitored_interfaces", body: `interfaces=lo`,
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415},
		{"monitored: oversized body", call{method: "POST", path: "/api/config/monitored_interfaces",
			body: `{"interfaces":["` + strings.Repeat("x", 20000) + `"]}`}, 413},
		{"monitored: cross-origin", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":[]}`,
			header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}}, 403},
		{"monitored: cross-origin without fetch metadata", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":[]}`,
			header: map[string]string{"Origin": "https://evil.example"}}, 403},
		{"monitored: wrong password", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":[]}`,
			header: map[string]string{"Authorization": basic("wrong")}}, 401},
		{"monitored: no password", call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":[]}`,
			header: map[string]string{"Authorization": ""}}, 401},
		{"monitored: wrong method", call{method: "PUT", path: "/api/config/monitored_interfaces", body: `{"interfaces":[]}`}, 405},
		{"settings: unknown key", call{method: "POST", path: "/api/config/settings", body: `{"theme":"light","font":"big"}`}, 400},
		{"settings: bad value", call{method: "POST", path: "/api/config/settings", body: `{"theme":"light","rate_unit":"nibbles"}`}, 400},
		{"settings: unknown language", call{method: "POST", path: "/api/config/settings", body: `{"theme":"light","language":"fr"}`}, 400},
		{"settings: wrong type", call{method: "POST", path: "/api/config/settings", body: `{"theme":1}`}, 400},
		{"settings: empty object", call{method: "POST", path: "/api/config/settings", body: `{}`}, 400},
		{"settings: array", call{method: "POST", path: "/api/config/settings", body: `["theme"]`}, 400},
		{"settings: a stray bracket after the value", call{method: "POST", path: "/api/config/settings", body: `{"theme":"light"}]`}, 400},
		{"settings: cross-origin", call{method: "POST", path: "/api/config/settings", body: `{"theme":"light"}`,
			header: map[string]string{"Origin": "http://attacker.test", "Sec-Fetch-Site": "cross-site"}}, 403},
		{"traffic: unparsable window", call{method: "GET", path: "/api/traffic?window=soon&group=1m"}, 400},
		{"traffic: negative window", call{method: "GET", path: "/api/traffic?window=-1h&group=1m"}, 400},
		{"traffic: zero window", call{method: "GET", path: "/api/traffic?window=0&group=1m"}, 400},
		{"traffic: huge window", call{method: "GET", path: "/api/traffic?window=99999999d&group=1d"}, 400},
		{"traffic: zero group", call{method: "GET", path: "/api/traffic?window=1h&group=0"}, 400},
		{"traffic: group below poll interval", call{method: "GET", path: "/api/traffic?window=1h&group=100ms"}, 400},
		{"traffic: too many buckets", call{method: "GET", path: "/api/traffic?window=365d&group=1s"}, 400},
		{"traffic: bad end", call{method: "GET", path: "/api/traffic?window=1h&group=1m&end=tomorrow"}, 400},
		{"traffic: bad tz", call{method: "GET", path: "/api/traffic?window=7d&group=1d&tz=Nowhere/Else"}, 400},
		{"traffic: unknown interface", call{method: "GET", path: "/api/traffic?window=1h&group=1m&interface=nosuch0"}, 400},
		{"traffic: unknown parameter", call{method: "GET", path: "/api/traffic?window=1h&group=1m&groups=5"}, 400},
		{"traffic: parameters joined by a semicolon", call{method: "GET", path: "/api/traffic?window=1h;group=1m"}, 400},
		{"traffic: a parameter given twice", call{method: "GET", path: "/api/traffic?window=1h&window=36601d&group=1m"}, 400},
		{"plan: misspelt cap", call{method: "POST", path: "/api/plans", body: `{"name":"Home","interfaces":["lo"],"cap":1000,"period":"day"}`}, 400},
		{"plan: a stray brace after the value", call{method: "POST", path: "/api/plans", body: `{"name":"Home","interfaces":["lo"],"period":"day"}}`}, 400},
		{"plans: cycles with an unknown parameter", call{method: "GET", path: "/api/plans/1/cycles?cont=3"}, 400},
		{"plans: cycles with count twice", call{method: "GET", path: "/api/plans/1/cycles?count=1&count=500"}, 400},
		{"traffic: wrong password", call{method: "GET", path: "/api/traffic?window=1h&group=1m",
			header: map[string]string{"Authorization": basic("nope")}}, 401},
		{"interfaces: no password", call{method: "GET", path: "/api/interfaces", header: map[string]string{"Authorization": ""}}, 401},
		{"live: no password", call{method: "GET", path: "/api/live", header: map[string]string{"Authorization": ""}}, 401},
		{"page: no password", call{method: "GET", path: "/", header: map[string]string{"Authorization": ""}}, 401},
		{"unknown endpoint", call{method: "GET", path: "/api/nothing"}, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tc.c.do(t, srv)
			if resp.StatusCode != tc.status {
				t.Errorf("want status %d, got %d (%v)", tc.status, resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("want a JSON error, got Content-Type %q", ct)
			}
			if msg, _ := body["error"].(string); msg == "" {
				t.Errorf("want {\"error\": message}, got %v", body)
			}
			if after := state(); after != before {
				t.Errorf("state changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestHealthNeedsNoPassword(t *testing.T) {
	_, srv := newTestServer(t, testPassword)
	resp, body := call{method: "GET", path: "/api/health", header: map[string]string{"Authorization": ""}}.do(t, srv)
	if resp.StatusCode != 200 || body["status"] != "ok" {
		t.Errorf("want 200 ok, got %d %v", resp.StatusCode, body)
	}
}

func TestSecurityHeadersAndHostCheck(t *testing.T) {
	_, srv := newTestServer(t, "")
	for _, p := range []string{"/", "/api/health", "/api/interfaces", "/api/nothing"} {
		resp, _ := call{method: "GET", path: p}.do(t, srv)
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("%s: missing %s", p, h)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-eval") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: weak CSP %q", p, csp)
		}
	}
	for host, want := range map[string]int{
		"localhost:8080": 200, "127.0.0.1": 200, "[::1]:8080": 200, "app.localhost": 200,
		"evil.example": 421, "evil.example:8080": 421, "127.0.0.1.nip.io": 421, "192.168.1.10": 421,
	} {
		resp, _ := call{method: "GET", path: "/api/health", header: map[string]string{"Host": host}}.do(t, srv)
		if resp.StatusCode != want {
			t.Errorf("Host %s: want %d, got %d", host, want, resp.StatusCode)
		}
	}
}

// trustingFS serves files under dir by joining names to it as they come,
// ".." included, as a careless file system might: the dashboard handler
// must still never reach outside dir, whatever fs.FS it is given.
type trustingFS string

func (d trustingFS) Open(name string) (fs.File, error) {
	return os.Open(filepath.Join(string(d), filepath.FromSlash(name)))
}

// TestStaticNoTraversal serves a dashboard folder whose parent holds a
// secret file through a file system that does not refuse "..": the
// dashboard's own file is served, and no request reaches the secret.
func TestStaticNoTraversal(t *testing.T) {
	root := t.TempDir()
	dash := filepath.Join(root, "dashboard")
	for name, body := range map[string]string{
		"secret.txt":               "TOP SECRET",
		"dashboard/index.html":     "<!doctype html><title>Net-Pulse</title>",
		"dashboard/assets/app.js":  "console.log('dashboard')",
		"dashboard/assets/x/y.css": "body{}",
	} {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(staticHandler(trustingFS(dash)))
	defer srv.Close()
	get := func(p string) (int, string) {
		t.Helper()
		req, err := http.NewRequest("GET", srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Opaque = p // sent as written, not cleaned by the client
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/assets/app.js"); code != 200 || body != "console.log('dashboard')" {
		t.Fatalf("the dashboard's own file: %d %q", code, body)
	}
	for _, p := range []string{"/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt",
		"/assets/x/../../../secret.txt", "/assets/..%2f..%2fsecret.txt", "//../secret.txt", "/./../secret.txt"} {
		code, body := get(p)
		if strings.Contains(body, "TOP SECRET") || code == 200 {
			t.Errorf("GET %s: %d %q, want a refusal that serves nothing outside the dashboard", p, code, body[:min(len(body), 60)])
		}
	}
}

func TestSelectionAndSettingsRoundTrip(t *testing.T) {
	svc, srv := newTestServer(t, "")
	resp, body := call{method: "POST", path: "/api/config/monitored_interfaces", body: `{"interfaces":["lo","lo"]}`}.do(t, srv)
	if resp.StatusCode != 200 || len(body["interfaces"].([]any)) != 1 {
		t.Fatalf("want the deduplicated selection, got %d %v", resp.StatusCode, body)
	}
	if got := svc.MonitoredNames(); len(got) != 1 || got[0] != "lo" {
		t.Errorf("service monitors %v", got)
	}
	resp, body = call{method: "POST", path: "/api/config/settings", body: `{"rate_unit":"bytes","unit_prefix":"iec"}`}.do(t, srv)
	if resp.StatusCode != 200 || body["rate_unit"] != "bytes" || body["unit_prefix"] != "iec" || body["theme"] != "system" {
		t.Errorf("settings: %d %v", resp.StatusCode, body)
	}
	if body["language"] != "auto" {
		t.Errorf("language before any choice: %v", body["language"])
	}
	resp, body = call{method: "POST", path: "/api/config/settings", body: `{"language":"de"}`}.do(t, srv)
	if resp.StatusCode != 200 || body["language"] != "de" || body["rate_unit"] != "bytes" {
		t.Errorf("language: %d %v", resp.StatusCode, body)
	}
	resp, body = call{method: "GET", path: "/api/interfaces"}.do(t, srv)
	if resp.StatusCode != 200 {
		t.Fatalf("interfaces: %d", resp.StatusCode)
	}
}

// TestTypeErrorsSayWhatIsWanted: a value of the wrong type is named in the
// API's words, with what was sent, not with Go's type names.
func TestTypeErrorsSayWhatIsWanted(t *testing.T) {
	_, srv := newTestServer(t, testPassword)
	for _, tc := range []struct {
		name, path, body, want string
	}{
		{"an absurd cap", "/api/plans", `{"name":"n","interfaces":["lo"],"period":"day","cap_bytes":1e20}`,
			`field "cap_bytes" must be a whole number in range, not number 1e20`},
		{"a reset day as text", "/api/plans", `{"name":"n","interfaces":["lo"],"period":"month","reset_day":"15"}`,
			`field "reset_day" must be a whole number in range, not string`},
		{"settings as a list", "/api/config/settings", `["theme"]`, `the body must be an object, not array`},
		{"interfaces as text", "/api/config/monitored_interfaces", `{"interfaces":"lo"}`, `field "interfaces" must be a list, not string`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := call{method: "POST", path: tc.path, body: tc.body}.do(t, srv)
			if msg, _ := body["error"].(string); resp.StatusCode != 400 || msg != tc.want {
				t.Errorf("got %d %q, want 400 %q", resp.StatusCode, msg, tc.want)
			}
		})
	}
}

// TestQueryWithSemicolon: parameters joined by ";" are named as the
// problem, not reported as a missing window.
func TestQueryWithSemicolon(t *testing.T) {
	_, srv := newTestServer(t, testPassword)
	resp, body := call{method: "GET", path: "/api/traffic?window=1h;group=1m"}.do(t, srv)
	if msg, _ := body["error"].(string); resp.StatusCode != 400 || !strings.Contains(msg, "separate parameters with &") {
		t.Errorf("got %d %q, want 400 saying to separate parameters with &", resp.StatusCode, msg)
	}
}
