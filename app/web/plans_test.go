package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/netpulse/netpulse/app"
	"github.com/netpulse/netpulse/storage"
)

// syncBuffer is a log sink tests can read while the service writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// planServer runs the real service on dir behind the real handler, with
// its log (debug level) in logs.
func planServer(t *testing.T, dir string, cfg app.Config, logs *syncBuffer) (*app.Service, *httptest.Server) {
	t.Helper()
	cfg.DataDir, cfg.Interval, cfg.FlushInterval, cfg.Version = dir, time.Second, time.Hour, "test"
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if logs == nil {
		logs = &syncBuffer{}
	}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc, err := app.New(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(svc, cfg, fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}, log))
	t.Cleanup(func() {
		srv.Close()
		svc.Close()
	})
	return svc, srv
}

// addStoredNotifier saves n in the database in dir, past the checks of the
// API, before a service opens it, and returns its id.
func addStoredNotifier(t *testing.T, dir string, n storage.Notifier) int64 {
	t.Helper()
	st, err := storage.Open(context.Background(), filepath.Join(dir, "netpulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	id, err := st.AddNotifier(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// api calls the server with the test password and returns the status and
// body.
func api(t *testing.T, srv *httptest.Server, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("", testPassword)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const goodPlan = `{"name":"Home","interfaces":["np19p"],"direction":"both","cap_bytes":500000000000,"period":"month","reset_day":15,"reset_hour":0,"tz":"Europe/Berlin","thresholds":[80,100]}`

func TestPlanBadInputSavesNothing(t *testing.T) {
	dir := t.TempDir()
	seedStore(t, dir, storage.Record{Interface: "np19p", Time: time.Now(), RxBytes: 1})
	_, srv := planServer(t, dir, app.Config{Password: testPassword}, nil)
	if st, body := api(t, srv, "POST", "/api/plans", goodPlan); st != http.StatusCreated {
		t.Fatalf("good plan: %d %s", st, body)
	}
	_, before := api(t, srv, "GET", "/api/plans", "")
	with := func(field string, v any) string {
		var m map[string]any
		json.Unmarshal([]byte(goodPlan), &m)
		if v == nil {
			delete(m, field)
		} else {
			m[field] = v
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	for _, tc := range []struct {
		name, body, field string
	}{
		{"reset day 0", with("reset_day", 0), "reset_day"},
		{"reset day 32", with("reset_day", 32), "reset_day"},
		{"weekday 8", strings.Replace(with("reset_day", 8), `"month"`, `"week"`, 1), "reset_day"},
		{"reset hour 24", with("reset_hour", 24), "reset_hour"},
		{"negative cap", with("cap_bytes", -1), "cap_bytes"},
		{"absurd cap", with("cap_bytes", int64(1)<<60), "cap_bytes"},
		{"cap not a number", with("cap_bytes", "lots"), "cap_bytes"},
		{"cap too large for int64", with("cap_bytes", 1e20), "cap_bytes"},
		{"no interfaces", with("interfaces", []string{}), "interfaces"},
		{"interfaces missing", with("interfaces", nil), "interfaces"},
		{"unknown interface", with("interfaces", []string{"np19p", "nosuch19"}), "interfaces"},
		{"empty interface name", with("interfaces", []string{""}), "interfaces"},
		{"9 thresholds", with("thresholds", []int{10, 20, 30, 40, 50, 60, 70, 80, 90}), "thresholds"},
		{"threshold 0", with("thresholds", []int{0}), "thresholds"},
		{"threshold 1001", with("thresholds", []int{1001}), "thresholds"},
		{"unknown direction", with("direction", "up"), "direction"},
		{"unknown period", with("period", "year"), "period"},
		{"period missing", with("period", nil), "period"},
		{"bad tz", with("tz", "Mars/Olympus"), "tz"},
		{"tz Local", with("tz", "Local"), "tz"},
		{"no name", with("name", "  "), "name"},
		{"long name", with("name", strings.Repeat("n", 101)), "name"},
		{"name with a line break and a NUL", with("name", "a\nb\x00c"), "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, req := range [][2]string{{"POST", "/api/plans"}, {"PUT", "/api/plans/1"}} {
				st, body := api(t, srv, req[0], req[1], tc.body)
				var e struct{ Error string }
				json.Unmarshal([]byte(body), &e)
				if st != http.StatusBadRequest || !strings.Contains(e.Error, tc.field) {
					t.Errorf("%s: %d %s, want 400 naming %s", req[0], st, body, tc.field)
				}
			}
		})
	}
	if _, after := api(t, srv, "GET", "/api/plans", ""); after != before {
		t.Errorf("plans changed:\nbefore %s\nafter  %s", before, after)
	}
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"PUT", "/api/plans/99", 404},
		{"DELETE", "/api/plans/99", 404},
		{"GET", "/api/plans/x/cycles", 404},
		{"GET", "/api/plans/1/cycles?count=0", 400},
		{"GET", "/api/plans/1/cycles?count=1000", 400},
		{"PATCH", "/api/plans/1", 405},
	} {
		body := ""
		if tc.method == "PUT" {
			body = goodPlan
		}
		if st, b := api(t, srv, tc.method, tc.path, body); st != tc.status {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, st, b, tc.status)
		}
	}
	if st, _ := api(t, srv, "DELETE", "/api/plans/1", ""); st != http.StatusNoContent {
		t.Errorf("delete: %d", st)
	}
	if _, after := api(t, srv, "GET", "/api/plans", ""); after != "[]\n" {
		t.Errorf("after delete: %s", after)
	}
}

func TestNotifierBadInputAndSecrets(t *testing.T) {
	logs := &syncBuffer{}
	_, srv := planServer(t, t.TempDir(), app.Config{Password: testPassword}, logs)
	for _, tc := range []struct {
		name, body, field string
	}{
		{"url does not parse", `{"name":"n","url":"http://[::1","events":["plan"]}`, "url"},
		{"url without scheme", `{"name":"n","url":"example.com/hook","events":["plan"]}`, "url"},
		{"unknown service", `{"name":"n","url":"nosuch://host/x","events":["plan"]}`, "url"},
		{"empty url", `{"name":"n","url":"","events":["plan"]}`, "url"},
		{"no events", `{"name":"n","url":"https://example.com/h","events":[]}`, "events"},
		{"unknown event", `{"name":"n","url":"https://example.com/h","events":["plan","weather"]}`, "events"},
		{"no name", `{"name":"","url":"https://example.com/h","events":["plan"]}`, "name"},
		{"name with a control character", `{"name":"a\u0007b","url":"https://example.com/h","events":["plan"]}`, "name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, body := api(t, srv, "POST", "/api/notifiers", tc.body)
			if st != http.StatusBadRequest || !strings.Contains(body, tc.field) {
				t.Errorf("%d %s, want 400 naming %s", st, body, tc.field)
			}
		})
	}
	if _, list := api(t, srv, "GET", "/api/notifiers", ""); list != "[]\n" {
		t.Fatalf("bad input saved a notifier: %s", list)
	}

	// A receiver that is not there: the test fails with 502, the error
	// is kept on the notifier, and no secret shows anywhere.
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	secretURL := strings.Replace(dead.URL, "http://", "http://hook:PaSsWoRd19@", 1) + "/hooks/TOKENPATH19?key=QUERYSECRET19"
	st, body := api(t, srv, "POST", "/api/notifiers", fmt.Sprintf(`{"name":"phone","url":%q,"events":["plan","health"]}`, secretURL))
	if st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, body)
	}
	var n app.Notifier
	json.Unmarshal([]byte(body), &n)
	st, testResp := api(t, srv, "POST", fmt.Sprintf("/api/notifiers/%d/test", n.ID), "{}")
	if st != http.StatusBadGateway || !strings.Contains(testResp, "not delivered") {
		t.Errorf("test of a dead receiver: %d %s", st, testResp)
	}
	_, list := api(t, srv, "GET", "/api/notifiers", "")
	var got []app.Notifier
	json.Unmarshal([]byte(list), &got)
	if len(got) != 1 || got[0].LastError == "" || got[0].LastErrorAt == 0 {
		t.Errorf("the failed test is not shown: %s", list)
	}
	for _, secret := range []string{"PaSsWoRd19", "TOKENPATH19", "QUERYSECRET19"} {
		for where, text := range map[string]string{"create": body, "GET": list, "test": testResp, "log": logs.String()} {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows the secret %s: %s", where, secret, text)
			}
		}
	}
	if !strings.Contains(logs.String(), "phone") {
		t.Errorf("the log does not name the notifier: %s", logs.String())
	}

	// A receiver that takes it: 200.
	var hits int
	var mu sync.Mutex
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
	}))
	defer sink.Close()
	_, body = api(t, srv, "POST", "/api/notifiers", fmt.Sprintf(`{"name":"sink","url":%q,"events":["rate"]}`, sink.URL+"/ok"))
	json.Unmarshal([]byte(body), &n)
	if st, b := api(t, srv, "POST", fmt.Sprintf("/api/notifiers/%d/test", n.ID), "{}"); st != http.StatusOK || hits != 1 {
		t.Errorf("test: %d %s, %d requests", st, b, hits)
	}
	if st, _ := api(t, srv, "DELETE", fmt.Sprintf("/api/notifiers/%d", n.ID), ""); st != http.StatusNoContent {
		t.Errorf("delete: %d", st)
	}
	if st, _ := api(t, srv, "POST", fmt.Sprintf("/api/notifiers/%d/test", n.ID), "{}"); st != http.StatusNotFound {
		t.Errorf("test of a deleted notifier: %d", st)
	}
}

// TestNotifierWritesNeedPasswordBeyondLoopback: listening on all
// addresses without a password, adding, deleting and testing notifiers is
// refused with a 403 that says to set NETPULSE_PASSWORD; with a password,
// or on loopback, it works.
func TestNotifierWritesNeedPasswordBeyondLoopback(t *testing.T) {
	const body = `{"name":"n","url":"https://example.com/hook","events":["plan"]}`
	for _, tc := range []struct {
		name, listen, password string
		status                 int
	}{
		{"all addresses, no password", "0.0.0.0:8080", "", http.StatusForbidden},
		{"a LAN address, no password", "192.168.1.5:8080", "", http.StatusForbidden},
		{"all addresses, password", "0.0.0.0:8080", testPassword, http.StatusCreated},
		{"loopback, no password", "127.0.0.1:8080", "", http.StatusCreated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// One made before (as with a password that was later removed).
			id := addStoredNotifier(t, dir, storage.Notifier{Name: "old", URL: "https://example.com/x", Events: []string{"plan"}})
			_, srv := planServer(t, dir, app.Config{Listen: tc.listen, Password: tc.password}, nil)
			st, b := api(t, srv, "POST", "/api/notifiers", body)
			if st != tc.status {
				t.Fatalf("create: %d %s, want %d", st, b, tc.status)
			}
			if st == http.StatusForbidden {
				if !strings.Contains(b, "NETPULSE_PASSWORD") {
					t.Errorf("the refusal does not say what to do: %s", b)
				}
				// The one made before can be neither tested nor deleted.
				for _, m := range [][2]string{{"POST", fmt.Sprintf("/api/notifiers/%d/test", id)}, {"DELETE", fmt.Sprintf("/api/notifiers/%d", id)}} {
					if st, b := api(t, srv, m[0], m[1], ""); st != http.StatusForbidden || !strings.Contains(b, "NETPULSE_PASSWORD") {
						t.Errorf("%s %s: %d %s", m[0], m[1], st, b)
					}
				}
				if st, _ := api(t, srv, "GET", "/api/notifiers", ""); st != http.StatusOK {
					t.Errorf("listing: %d", st)
				}
			}
		})
	}
}
