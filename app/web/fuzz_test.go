package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/netpulse/netpulse/app"
)

// The fuzz targets below feed outside input (query parameters and JSON
// bodies) to the real HTTP handler. None may panic, and what it accepts must
// be within the limits the API promises. Seed corpora: testdata/fuzz/<name>.

// maxBuckets is the most buckets the API promises in one series
// (app.ParseTrafficRequest).
const maxBuckets = 10000

// fuzzHandler is the real HTTP handler over a real service on a temporary
// data folder, shared by one fuzz worker's inputs.
func fuzzHandler(f *testing.F) http.Handler {
	cfg := app.Config{Headless: true, Listen: "127.0.0.1:0", DataDir: f.TempDir(),
		Interval: time.Second, FlushInterval: time.Second, Version: "fuzz"}
	svc, err := app.New(cfg, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { svc.Close() })
	return NewHandler(svc, cfg, fstest.MapFS{}, nil)
}

func serve(h http.Handler, method, target, contentType string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://127.0.0.1/", bytes.NewReader(body))
	req.URL.RawQuery = ""
	if i := strings.IndexByte(target, '?'); i >= 0 {
		req.URL.Path, req.URL.RawQuery = target[:i], target[i+1:]
	} else {
		req.URL.Path = target
	}
	req.Host = "127.0.0.1"
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// checkJSONAnswer fails unless the answer is JSON with one of the allowed
// statuses, and an error answer says what went wrong.
func checkJSONAnswer(t *testing.T, rec *httptest.ResponseRecorder, allowed ...int) map[string]any {
	t.Helper()
	if !slices.Contains(allowed, rec.Code) {
		t.Fatalf("status %d, want one of %v: %s", rec.Code, allowed, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var v map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		// Lists are fine for success answers.
		var list []any
		if rec.Code == 200 && json.Unmarshal(rec.Body.Bytes(), &list) == nil {
			return nil
		}
		t.Fatalf("answer is not JSON: %q", rec.Body)
	}
	if rec.Code != 200 {
		if msg, _ := v["error"].(string); msg == "" {
			t.Fatalf("error answer without a message: %s", rec.Body)
		}
	}
	return v
}

func FuzzJSONBody(f *testing.F) {
	f.Add(uint8(0), "application/json", []byte(`{"interfaces":["lo"]}`))
	f.Add(uint8(0), "application/json; charset=utf-8", []byte(`{"interfaces":[]}`))
	f.Add(uint8(0), "application/json", []byte(`{"interfaces":null}`))
	f.Add(uint8(0), "application/json", []byte(`{"interfaces":["lo","lo","`+strings.Repeat("x", 300)+`"]}`))
	f.Add(uint8(1), "application/json", []byte(`{"theme":"dark","rate_unit":"bytes"}`))
	f.Add(uint8(1), "application/json", []byte(`{"theme":1}`))
	f.Add(uint8(1), "text/plain", []byte(`{"theme":"dark"}`))
	f.Add(uint8(1), "application/json", []byte(`{"theme":"dark"}{"theme":"light"}`))
	f.Add(uint8(1), "application/json", []byte(`[`))
	h := fuzzHandler(f)
	// The settings contract of the API (design.md), written out here
	// rather than taken from the code under test.
	settingValues := map[string][]string{
		"rate_unit":             {"bits", "bytes"},
		"unit_prefix":           {"si", "iec"},
		"theme":                 {"system", "light", "dark"},
		"language":              {"auto", "en", "de", "zh"},
		"desktop_notifications": {"on", "off"},
	}
	f.Fuzz(func(t *testing.T, which uint8, contentType string, body []byte) {
		path := "/api/config/monitored_interfaces"
		if which%2 == 1 {
			path = "/api/config/settings"
		}
		rec := serve(h, "POST", path, contentType, body)
		checkJSONAnswer(t, rec, 200, 400, 413, 415)
		// Whatever was posted, the stored settings stay within the contract.
		var st app.Settings
		if err := json.Unmarshal(serve(h, "GET", "/api/config/settings", "", nil).Body.Bytes(), &st); err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]string{"rate_unit": st.RateUnit, "unit_prefix": st.UnitPrefix, "theme": st.Theme,
			"language": st.Language, "desktop_notifications": st.DesktopNotifications} {
			if !slices.Contains(settingValues[k], v) {
				t.Fatalf("after POST %s %q: setting %s = %q", path, body, k, v)
			}
		}
	})
}

func FuzzTrafficQuery(f *testing.F) {
	for _, q := range []string{
		"window=1h&group=1m", "window=7d&group=1d&tz=Asia/Kathmandu", "window=90s&group=1s&interface=lo&interface=lo",
		"window=1h&group=1m&end=2026-03-29T01:30:00Z&tz=Europe/London", "window=1h&group=30s&interface=nope",
		"window=3650d&group=1s", "window=%ZZ", "window=1h&group=1m&limit=5", "window=1h&group=1m&tz=Local",
		"window=1h&window=2h&group=1m", "group=1m", "",
	} {
		f.Add(q)
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, query string) {
		rec := serve(h, "GET", "/api/traffic?"+query, "", nil)
		checkJSONAnswer(t, rec, 200, 400)
		if rec.Code != 200 {
			return
		}
		var tr app.Traffic
		if err := json.Unmarshal(rec.Body.Bytes(), &tr); err != nil {
			t.Fatal(err)
		}
		var rx, tx int64
		for _, s := range tr.Series {
			if len(s.Points) > maxBuckets+1 {
				t.Fatalf("%s: %d points", query, len(s.Points))
			}
			var srx, stx int64
			for i, p := range s.Points {
				if i > 0 && p.T <= s.Points[i-1].T {
					t.Fatalf("%s: points not sorted", query)
				}
				srx, stx = srx+p.RxBytes, stx+p.TxBytes
			}
			if srx != s.RxBytes || stx != s.TxBytes {
				t.Fatalf("%s: series totals are not the sums of the points", query)
			}
			rx, tx = rx+srx, tx+stx
		}
		if rx != tr.RxBytes || tx != tr.TxBytes {
			t.Fatalf("%s: totals are not the sums of the series", query)
		}
	})
}
