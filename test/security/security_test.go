// Package security checks the headless server's defences on the real
// binary: cross-origin writes, DNS rebinding, path traversal, the password
// on every route but health (and never in the log), security headers,
// body and header limits, and the bound on live clients.
package security

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netpulse/netpulse/test/harness"
)

var bin string

func TestMain(m *testing.M) { os.Exit(harness.Main(m, &bin)) }

const password = "s3cret-Pa55-7f2c9e"

func start(t *testing.T, pass string) *harness.Server {
	t.Helper()
	return harness.Start(t, bin, harness.Options{DataDir: t.TempDir(), Password: pass})
}

// raw sends one HTTP/1.1 request exactly as written (no client-side path
// cleaning) and returns the status, headers and body.
func raw(t *testing.T, s *harness.Server, req string) (int, http.Header, string) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%q: %v", req, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, string(b)
}

func do(t *testing.T, s *harness.Server, method, path string, hdr map[string]string, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		if k == "Host" {
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
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, string(b)
}

func TestCrossOriginWritesRefused(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	host := strings.TrimPrefix(s.URL, "http://")
	body := `{"theme":"dark"}`
	cases := []struct {
		name string
		hdr  map[string]string
		want int
	}{
		{"browser cross-site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 403},
		{"browser same-site other port", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"}, 403},
		{"origin of another host, no fetch metadata", map[string]string{"Origin": "https://evil.example"}, 403},
		{"origin null", map[string]string{"Origin": "null", "Sec-Fetch-Site": "cross-site"}, 403},
		{"browser same-origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://" + host}, 200},
		{"non-browser client (no Origin)", map[string]string{}, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, path := range []string{"/api/config/settings", "/api/config/monitored_interfaces"} {
				hdr := map[string]string{"Content-Type": "application/json"}
				for k, v := range c.hdr {
					hdr[k] = v
				}
				b := body
				if strings.Contains(path, "monitored") {
					b = `{"interfaces":["lo"]}`
				}
				resp, out := do(t, s, "POST", path, hdr, b)
				if resp.StatusCode != c.want {
					t.Errorf("POST %s: %d %s, want %d", path, resp.StatusCode, out, c.want)
				}
			}
		})
	}
	if resp, out := do(t, s, "POST", "/api/config/settings", map[string]string{"Content-Type": "text/plain"}, body); resp.StatusCode != 415 {
		t.Errorf("text/plain body (a CORS-simple request): %d %s, want 415", resp.StatusCode, out)
	}
}

func TestDNSRebindingHostsRefused(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	port := s.URL[strings.LastIndex(s.URL, ":")+1:]
	cases := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1:" + port, true},
		{"localhost:" + port, true},
		{"LOCALHOST:" + port, true},
		{"[::1]:" + port, true},
		{"app.localhost:" + port, true},
		{"evil.example:" + port, false},
		{"evil.example", false},
		{"127.0.0.1.nip.io:" + port, false},
		{"localhost.evil.example:" + port, false},
		{"0.0.0.0:" + port, false},
		{"192.168.1.10:" + port, false},
		{"[::ffff:7f00:1]:" + port, true}, // IPv4-mapped loopback is loopback
	}
	for _, c := range cases {
		for _, path := range []string{"/api/health", "/api/interfaces", "/"} {
			resp, body := do(t, s, "GET", path, map[string]string{"Host": c.host}, "")
			refused := resp.StatusCode == http.StatusMisdirectedRequest
			if refused == c.ok {
				t.Errorf("Host %q GET %s: %d %s", c.host, path, resp.StatusCode, strings.TrimSpace(body))
			}
		}
	}
	if code, _, body := raw(t, s, "GET /api/interfaces HTTP/1.0\r\n\r\n"); code != http.StatusMisdirectedRequest {
		t.Errorf("HTTP/1.0 without Host: %d %s", code, body)
	}
}

func TestNoPathTraversal(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	// A file outside the embedded dashboard that every Linux machine has,
	// and this repository's own source, which must never be served.
	secrets := []string{"root:x:0:0", "package main", "go:embed"}
	paths := []string{
		"/../../../../etc/passwd",
		"/..%2f..%2f..%2f..%2fetc%2fpasswd",
		"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
		"/assets/../../main.go",
		"/assets/..%2f..%2fmain.go",
		"/assets/%2e%2e%2f%2e%2e%2fmain.go",
		"/..%5c..%5c..%5cetc%5cpasswd",
		"//etc/passwd",
		"/./../main.go",
		"/assets/%00../../main.go",
		"/index.html/../../../etc/passwd",
		"/%252e%252e/%252e%252e/etc/passwd",
		"/api/../../etc/passwd",
	}
	for _, p := range paths {
		code, hdr, body := raw(t, s, "GET "+p+" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
		for _, secret := range secrets {
			if strings.Contains(body, secret) {
				t.Errorf("GET %s: %d served %q", p, code, secret)
			}
		}
		// Refused, or redirected to the cleaned path, which is not there;
		// never a page, never a server error.
		switch code {
		case http.StatusBadRequest, http.StatusNotFound:
		case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			loc := hdr.Get("Location")
			if strings.Contains(loc, "..") || !strings.HasPrefix(loc, "/") {
				t.Errorf("GET %s: redirected to %q", p, loc)
				continue
			}
			if code, _, body := raw(t, s, "GET "+loc+" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"); code != http.StatusNotFound {
				t.Errorf("GET %s: redirected to %s, which answers %d %q", p, loc, code, body[:min(len(body), 60)])
			}
		default:
			t.Errorf("GET %s: %d, want 400, 404 or a redirect to a clean path", p, code)
		}
	}
	// The check can tell: a file that exists is served.
	if code, _, body := raw(t, s, "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"); code != http.StatusOK && code != http.StatusMovedPermanently || code == http.StatusOK && !strings.Contains(body, "<") {
		t.Errorf("GET /index.html: %d", code)
	}
}

func TestPasswordGuardsEveryRouteButHealth(t *testing.T) {
	t.Parallel()
	s := start(t, password)
	routes := []struct{ method, path, body string }{
		{"GET", "/", ""},
		{"GET", "/index.html", ""},
		{"GET", "/assets/x.js", ""},
		{"GET", "/favicon.svg", ""},
		{"GET", "/api/interfaces", ""},
		{"GET", "/api/config/monitored_interfaces", ""},
		{"POST", "/api/config/monitored_interfaces", `{"interfaces":["lo"]}`},
		{"GET", "/api/config/settings", ""},
		{"POST", "/api/config/settings", `{"theme":"dark"}`},
		{"GET", "/api/traffic?window=1h&group=1m", ""},
		{"GET", "/api/live", ""},
		{"GET", "/api/config/aliases", ""},
		{"POST", "/api/config/aliases", `{}`},
		{"GET", "/api/plans", ""},
		{"POST", "/api/plans", `{}`},
		{"GET", "/api/notifiers", ""},
		{"POST", "/api/notifiers", `{}`},
		{"GET", "/api/backup", ""},
		{"GET", "/metrics", ""},
		{"GET", "/api/nope", ""},
		{"PUT", "/api/config/settings", `{}`},
		{"DELETE", "/api/config/monitored_interfaces", ""},
		{"OPTIONS", "/api/traffic", ""},
		{"HEAD", "/", ""},
		{"GET", "/api/health/../interfaces", ""},
		{"GET", "//api/health", ""},
		{"GET", "/api/health/", ""},
	}
	wrong := []struct {
		name string
		auth string
	}{
		{"no credentials", ""},
		{"wrong password", "Basic " + base64.StdEncoding.EncodeToString([]byte("netpulse:wrong"))},
		{"password with a suffix", "Basic " + base64.StdEncoding.EncodeToString([]byte("netpulse:"+password+"x"))},
		{"password prefix", "Basic " + base64.StdEncoding.EncodeToString([]byte("netpulse:"+password[:len(password)-1]))},
		{"empty password", "Basic " + base64.StdEncoding.EncodeToString([]byte("netpulse:"))},
		{"bearer", "Bearer " + password},
		{"garbage", "Basic !!!"},
	}
	for _, r := range routes {
		for _, w := range wrong {
			req := r.method + " " + r.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
			if w.auth != "" {
				req += "Authorization: " + w.auth + "\r\n"
			}
			req += fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(r.body), r.body)
			code, hdr, _ := raw(t, s, req)
			if code != http.StatusUnauthorized || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Basic") {
				t.Errorf("%s %s with %s: %d, want 401 with a Basic challenge", r.method, r.path, w.name, code)
			}
		}
		auth := "Basic " + base64.StdEncoding.EncodeToString([]byte("anyone:"+password))
		req := r.method + " " + r.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nAuthorization: " + auth + "\r\n"
		if r.path == "/api/live" {
			continue // an open stream; its guard is checked above
		}
		req += fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(r.body), r.body)
		if code, _, _ := raw(t, s, req); code == http.StatusUnauthorized {
			t.Errorf("%s %s with the password: 401", r.method, r.path)
		}
	}
	for _, p := range []string{"/api/health", "/api/health?x=1", "/api/%68ealth"} {
		if code, _, body := raw(t, s, "GET "+p+" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"); code != 200 && code != 503 {
			t.Errorf("GET %s without credentials: %d %s, want the health answer", p, code, body)
		}
	}
	// Neither the password nor its encoded header may reach the log, even
	// from requests that failed or errored.
	do(t, s, "GET", "/api/traffic?window=bad", map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("netpulse:"+password))}, "")
	if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", s.Pid)); err != nil || strings.Contains(string(cmdline), password) {
		t.Errorf("netpulse's command line: %q, %v", cmdline, err)
	}
	if code := s.Stop(); code != 0 {
		t.Errorf("stop: exit %d", code)
	}
	log := s.Log()
	for _, secret := range []string{password, base64.StdEncoding.EncodeToString([]byte("netpulse:" + password)), base64.StdEncoding.EncodeToString([]byte("anyone:" + password))} {
		if strings.Contains(log, secret) {
			t.Errorf("the log contains the password (%q)", secret)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	s := start(t, password)
	paths := []struct {
		path string
		auth bool
	}{
		{"/", true}, {"/index.html", true}, {"/api/interfaces", true}, {"/api/health", false},
		{"/api/nope", true}, {"/", false}, {"/api/traffic?window=x", true}, {"/missing.js", true},
	}
	want := map[string]func(string) bool{
		"Content-Security-Policy": func(v string) bool {
			script := ""
			for _, d := range strings.Split(v, ";") {
				if f := strings.Fields(d); len(f) > 0 && (f[0] == "script-src" || (f[0] == "default-src" && script == "")) {
					script = d
				}
			}
			return strings.Contains(v, "default-src 'self'") && script != "" &&
				!strings.Contains(script, "unsafe-inline") && !strings.Contains(script, "unsafe-eval") &&
				strings.Contains(v, "frame-ancestors 'none'") && strings.Contains(v, "object-src 'none'")
		},
		"X-Content-Type-Options": func(v string) bool { return v == "nosniff" },
		"X-Frame-Options":        func(v string) bool { return v == "DENY" },
		"Referrer-Policy":        func(v string) bool { return v == "no-referrer" },
	}
	for _, p := range paths {
		hdr := map[string]string{}
		if p.auth {
			hdr["Authorization"] = "Basic " + base64.StdEncoding.EncodeToString([]byte("u:"+password))
		}
		resp, _ := do(t, s, "GET", p.path, hdr, "")
		for name, ok := range want {
			if v := resp.Header.Get(name); !ok(v) {
				t.Errorf("GET %s (%d): %s = %q", p.path, resp.StatusCode, name, v)
			}
		}
		if strings.HasPrefix(p.path, "/api/") && resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", p.path, resp.Header.Get("Cache-Control"))
		}
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	big := `{"theme":"` + strings.Repeat("a", 1<<20) + `"}`
	if resp, body := do(t, s, "POST", "/api/config/settings", map[string]string{"Content-Type": "application/json"}, big); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MiB body: %d %s, want 413", resp.StatusCode, body)
	}
	if resp, _ := do(t, s, "GET", "/api/interfaces", map[string]string{"X-Big": strings.Repeat("b", 200<<10)}, ""); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("200 KiB header: %d, want 431", resp.StatusCode)
	}
	if resp, body := do(t, s, "GET", "/api/traffic?window=3650d&group=1s", nil, ""); resp.StatusCode != 400 {
		t.Errorf("a query of 315 million buckets: %d %s, want 400", resp.StatusCode, body)
	}
	// A client that sends its headers slower than the server waits for
	// them is cut off, so idle sockets cannot pile up.
	if testing.Short() {
		return
	}
	c, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	n, _ := c.Read(make([]byte, 1))
	if waited := time.Since(start); n > 0 || waited > 20*time.Second {
		t.Errorf("a request whose headers never end: connection held %s (read %d bytes)", waited.Round(time.Second), n)
	} else {
		t.Logf("a request whose headers never end was cut off after %s", waited.Round(100*time.Millisecond))
	}
}

// TestLiveClientBound opens more live streams than the server allows: the
// extra ones are refused with 503 instead of each costing a goroutine and a
// socket, and every slot comes back when the streams close.
func TestLiveClientBound(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	const limit = 1024 // app.maxLiveClients
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	open := func() (net.Conn, int) {
		c, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		return c, resp.StatusCode
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range limit / 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 64 {
				c, code := open()
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
				if code != 200 {
					t.Errorf("stream within the limit: %d", code)
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	c, code := open()
	c.Close()
	if code != http.StatusServiceUnavailable {
		t.Fatalf("stream %d: %d, want 503", limit+1, code)
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, code := open()
		c.Close()
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after closing every stream, a new one still gets %d", code)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
