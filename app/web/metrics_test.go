package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/app"
	"github.com/netpulse/netpulse/storage"
)

// getRaw asks url with the test password and returns the answer and its
// body, whatever its type.
func getRaw(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.SetBasicAuth("", testPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// TestMetricsRoute: GET /metrics needs the password, takes GET only, and
// serves the exposition as Prometheus text.
func TestMetricsRoute(t *testing.T) {
	_, srv := newTestServer(t, testPassword)
	resp, _ := call{method: "GET", path: "/metrics", header: map[string]string{"Authorization": ""}}.do(t, srv)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /metrics without the password: %s, want 401", resp.Status)
	}
	resp, _ = call{method: "POST", path: "/metrics"}.do(t, srv)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /metrics: %s, want 405", resp.Status)
	}
	resp, body := getRaw(t, srv.URL+"/metrics")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") ||
		!strings.Contains(string(body), "\nnetpulse_build_info{") {
		t.Errorf("GET /metrics: %s %s: %.300s", resp.Status, resp.Header.Get("Content-Type"), body)
	}
}

// TestBackupDownload: GET /api/backup sends the database as an attachment
// named for today, leaves no snapshot behind, and needs the password.
func TestBackupDownload(t *testing.T) {
	dir := t.TempDir()
	seedStore(t, dir, storage.Record{Interface: "np16b", Time: time.Now(), RxBytes: 1234, TxBytes: 56})
	_, srv := newTestServerIn(t, testPassword, dir)

	resp, body := getRaw(t, srv.URL+"/api/backup")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.sqlite3" {
		t.Fatalf("GET /api/backup: %s %s: %.200s", resp.Status, resp.Header.Get("Content-Type"), body)
	}
	cd := resp.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, "attachment; filename=netpulse-"+time.Now().Format("2006-01-02")) {
		t.Errorf("Content-Disposition %q, want an attachment named for today", cd)
	}
	if !strings.HasPrefix(string(body), "SQLite format 3\x00") {
		t.Fatalf("body is not an SQLite database: %.40q", body)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".netpulse-backup-") {
			t.Errorf("snapshot file %s left in the data folder", e.Name())
		}
	}
	path := filepath.Join(t.TempDir(), "netpulse.db")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatalf("open the downloaded backup: %v", err)
	}
	defer c.Close()
	totals, err := c.AllTimeTotals(ctx)
	if err != nil || totals["np16b"].RxBytes != 1234 {
		t.Errorf("backup's totals %v %v", totals, err)
	}

	resp, _ = call{method: "GET", path: "/api/backup", header: map[string]string{"Authorization": ""}}.do(t, srv)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /api/backup without the password: %s, want 401", resp.Status)
	}
}

// TestBackupLeavesOutNotifiersBeyondLoopback: listening beyond loopback
// without a password, where notifiers cannot be managed, a backup leaves
// them out (their URLs hold secrets the API never shows) and says so in its
// name and the log; with a password, or on loopback, it is whole.
func TestBackupLeavesOutNotifiersBeyondLoopback(t *testing.T) {
	const secret = "tk_51d0b2a97c6e3f88"
	for _, tc := range []struct {
		name, listen, password string
		whole                  bool
	}{
		{"all addresses, no password", "0.0.0.0:8080", "", false},
		{"a LAN address, no password", "192.168.1.5:8080", "", false},
		{"all addresses, password", "0.0.0.0:8080", testPassword, true},
		{"loopback, no password", "127.0.0.1:8080", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			seedStore(t, dir, storage.Record{Interface: "np16b", Time: time.Now(), RxBytes: 1234, TxBytes: 56})
			addStoredNotifier(t, dir, storage.Notifier{Name: "phone", URL: "ntfy://:" + secret + "@ntfy.example/home", Events: []string{"plan"}})
			logs := &syncBuffer{}
			_, srv := planServer(t, dir, app.Config{Listen: tc.listen, Password: tc.password}, logs)

			resp, body := getRaw(t, srv.URL+"/api/backup")
			if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "SQLite format 3\x00") {
				t.Fatalf("GET /api/backup: %s: %.200q", resp.Status, body)
			}
			cd := resp.Header.Get("Content-Disposition")
			if got := strings.Contains(cd, "-without-notifiers.db"); got == tc.whole {
				t.Errorf("Content-Disposition %q: named as without notifiers %v, want %v", cd, got, !tc.whole)
			}
			if got := bytes.Contains(body, []byte(secret)); got != tc.whole {
				t.Errorf("the backup holds the notifier's secret: %v, want %v", got, tc.whole)
			}
			if got := strings.Contains(logs.String(), "backup sent without the notifiers"); got == tc.whole {
				t.Errorf("the log tells the notifiers were left out: %v, want %v", got, !tc.whole)
			}
			if strings.Contains(logs.String(), secret) {
				t.Error("the log holds the notifier's secret")
			}
			path := filepath.Join(t.TempDir(), "netpulse.db")
			if err := os.WriteFile(path, body, 0o600); err != nil {
				t.Fatal(err)
			}
			c, err := storage.Open(context.Background(), path)
			if err != nil {
				t.Fatalf("open the downloaded backup: %v", err)
			}
			defer c.Close()
			if totals, err := c.AllTimeTotals(context.Background()); err != nil || totals["np16b"].RxBytes != 1234 {
				t.Errorf("backup's totals %v %v", totals, err)
			}
		})
	}
}

// TestBackupOneAtATime: while one backup is being downloaded, slowly, a
// second is refused with a 503 that says why, and no second copy of the
// database is made; once the first download ends, a backup works again.
func TestBackupOneAtATime(t *testing.T) {
	dir := t.TempDir()
	seedStore(t, dir, storage.Record{Interface: "np16b", Time: time.Now(), RxBytes: 1234, TxBytes: 56})
	// A database larger than the sockets hold, so the first download
	// stays in progress while its body is not read.
	st, err := storage.Open(context.Background(), filepath.Join(dir, "netpulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetSettings(context.Background(), map[string]string{"ballast": strings.Repeat("x", 48<<20)}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, srv := newTestServerIn(t, testPassword, dir)

	get := func() *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/api/backup", nil)
		req.SetBasicAuth("", testPassword)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	snapshots := func() int {
		entries, _ := os.ReadDir(dir)
		n := 0
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".netpulse-backup-") {
				n++
			}
		}
		return n
	}

	slow := get() // headers read, body not
	if slow.StatusCode != http.StatusOK {
		t.Fatalf("first backup: %s", slow.Status)
	}
	second := get()
	body, _ := io.ReadAll(second.Body)
	second.Body.Close()
	if second.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "another backup") || second.Header.Get("Retry-After") == "" {
		t.Errorf("second backup during the first: %s %.200q (Retry-After %q), want 503 saying why", second.Status, body, second.Header.Get("Retry-After"))
	}
	if n := snapshots(); n > 1 {
		t.Errorf("%d snapshot files in the data folder, want at most the first's", n)
	}

	n, err := io.Copy(io.Discard, slow.Body)
	slow.Body.Close()
	if err != nil || n < 48<<20 {
		t.Fatalf("first backup: %d bytes, %v", n, err)
	}
	// The slot comes back when the handler returns, just after the body ends.
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp := get()
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && n >= 48<<20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a backup after the first ended: %s", resp.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
