package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/netpulse/netpulse/app"
	"github.com/netpulse/netpulse/app/web"
)

// newTestServer runs the real service on a temp data dir behind the real
// HTTP handler.
func newTestServer(t *testing.T, password string) (*app.Service, *httptest.Server) {
	t.Helper()
	cfg := app.Config{DataDir: t.TempDir(), Interval: time.Second, FlushInterval: time.Second,
		Listen: "127.0.0.1:0", Password: password, Version: "test"}
	svc, err := app.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.NewHandler(svc, cfg, fstest.MapFS{}, nil))
	t.Cleanup(func() {
		srv.Close()
		if err := svc.Close(); err != nil {
			t.Error(err)
		}
	})
	return svc, srv
}

// TestBindingsMatchHTTP calls every bound method and the HTTP endpoint it
// stands for on the same database: the window and the browser must get the
// same answers and the same error messages.
// The window process's bindings, which reach the Service over the private
// channel, must do the same.
func TestBindingsMatchHTTP(t *testing.T) {
	svc, srv := newTestServer(t, "")
	t.Run("in process", func(t *testing.T) {
		bindingsMatchHTTP(t, srv, newDesktop(context.Background(), svc))
	})
	t.Run("private channel", func(t *testing.T) {
		c := servePriv(t, svc)
		bindingsMatchHTTP(t, srv, newDesktop(context.Background(), remoteService{c}))
	})
}

func bindingsMatchHTTP(t *testing.T, srv *httptest.Server, d *Desktop) {

	// Recorded traffic on lo, so the traffic comparison has points.
	if _, err := d.SetMonitoredInterfaces([]string{"lo"}); err != nil {
		t.Fatal(err)
	}
	end := waitForPoints(t, d, "lo")
	traffic := app.TrafficRequest{Window: "2m", Group: "1s", End: end, Interfaces: []string{"lo"}}
	trafficQuery := "window=2m&group=1s&end=" + url.QueryEscape(end) + "&interface=lo"

	tests := []struct {
		name         string
		method, path string
		body         string
		status       int
		bound        func() (any, error)
	}{
		{"interfaces", "GET", "/api/interfaces", "", 200,
			func() (any, error) { return d.Interfaces() }},
		{"monitored", "GET", "/api/config/monitored_interfaces", "", 200,
			func() (any, error) { return d.MonitoredInterfaces() }},
		{"select", "POST", "/api/config/monitored_interfaces", `{"interfaces":["lo"]}`, 200,
			func() (any, error) { return d.SetMonitoredInterfaces([]string{"lo"}) }},
		{"select unknown", "POST", "/api/config/monitored_interfaces", `{"interfaces":["np-absent0"]}`, 400,
			func() (any, error) { return d.SetMonitoredInterfaces([]string{"np-absent0"}) }},
		{"traffic", "GET", "/api/traffic?" + trafficQuery, "", 200,
			func() (any, error) { return d.Traffic(traffic) }},
		{"traffic group below interval", "GET", "/api/traffic?window=1h&group=500ms", "", 400,
			func() (any, error) { return d.Traffic(app.TrafficRequest{Window: "1h", Group: "500ms"}) }},
		{"traffic too many buckets", "GET", "/api/traffic?window=365d&group=1s", "", 400,
			func() (any, error) { return d.Traffic(app.TrafficRequest{Window: "365d", Group: "1s"}) }},
		{"traffic bad zone", "GET", "/api/traffic?window=7d&group=1d&tz=Mars%2FOlympus", "", 400,
			func() (any, error) {
				return d.Traffic(app.TrafficRequest{Window: "7d", Group: "1d", TZ: "Mars/Olympus"})
			}},
		{"settings", "GET", "/api/config/settings", "", 200,
			func() (any, error) { return d.Settings() }},
		{"update settings", "POST", "/api/config/settings", `{"rate_unit":"bytes","unit_prefix":"iec"}`, 200,
			func() (any, error) {
				return d.UpdateSettings(map[string]string{"rate_unit": "bytes", "unit_prefix": "iec"})
			}},
		{"update settings bad value", "POST", "/api/config/settings", `{"rate_unit":"furlongs"}`, 400,
			func() (any, error) { return d.UpdateSettings(map[string]string{"rate_unit": "furlongs"}) }},
		{"update settings unknown key", "POST", "/api/config/settings", `{"colour":"red"}`, 400,
			func() (any, error) { return d.UpdateSettings(map[string]string{"colour": "red"}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := httpCall(t, srv, tt.method, tt.path, tt.body)
			if status != tt.status {
				t.Fatalf("HTTP %d %s, want %d", status, body, tt.status)
			}
			got, err := tt.bound()
			if status != http.StatusOK {
				var re *app.RequestError
				var want struct{ Error string }
				if jerr := json.Unmarshal(body, &want); jerr != nil {
					t.Fatalf("HTTP %d with body %s", status, body)
				}
				if !errors.As(err, &re) || re.Status != status || re.Msg != want.Error {
					t.Errorf("HTTP %d %q; binding error %#v", status, want.Error, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("HTTP 200 %s; binding error %v", body, err)
			}
			if g, w := normalise(t, mustJSON(t, got)), normalise(t, body); !reflect.DeepEqual(g, w) {
				t.Errorf("binding %s\nHTTP    %s", mustJSON(t, got), body)
			}
		})
	}

	t.Run("health", func(t *testing.T) {
		_, body := httpCall(t, srv, "GET", "/api/health", "")
		var want app.Health
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatal(err)
		}
		got := d.Health()
		// Poll and flush times move between the two calls.
		if got.Status != want.Status || got.Version != want.Version || got.IntervalSeconds != want.IntervalSeconds {
			t.Errorf("binding %+v\nHTTP    %+v", got, want)
		}
	})
}

// waitForPoints waits until iface has recorded points and returns an end time
// one second in the past, so no later poll changes the answer.
func waitForPoints(t *testing.T, d *Desktop, iface string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		end := time.Now().Add(-time.Second).Truncate(time.Second).UTC().Format(time.RFC3339)
		tr, err := d.Traffic(app.TrafficRequest{Window: "2m", Group: "1s", End: end, Interfaces: []string{iface}})
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Series) == 1 && len(tr.Series[0].Points) > 0 {
			return end
		}
		if time.Now().After(deadline) {
			t.Fatalf("no points for %s after 10 s: %+v", iface, tr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func httpCall(t *testing.T, srv *httptest.Server, method, path, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost || method == http.MethodPut {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func normalise(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return v
}

// TestReportReadyObserved: the dashboard's ready call reaches the shell.
func TestReportReadyObserved(t *testing.T) {
	d := &Desktop{}
	var got string
	d.observe = func(method string, result any, err error) { got = method + " " + result.(string) }
	d.ReportReady("chart")
	if got != "ReportReady chart" {
		t.Errorf("observed %q", got)
	}
}
