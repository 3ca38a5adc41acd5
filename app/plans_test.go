package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

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
func planServer(t *testing.T, dir string, cfg Config, logs *syncBuffer) (*Service, *httptest.Server) {
	t.Helper()
	cfg.DataDir, cfg.Interval, cfg.FlushInterval, cfg.Version = dir, time.Second, time.Hour, "test"
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if logs == nil {
		logs = &syncBuffer{}
	}
	svc, err := New(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(svc, cfg, fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}))
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() {
			srv.Close()
			svc.Close()
		})
	})
	return svc, srv
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

// seed records traffic of the named interfaces and flushes it, so they
// are known; the records are returned.
func seed(t *testing.T, svc *Service, recs ...storage.Record) {
	t.Helper()
	svc.store.Add(recs...)
	if err := svc.store.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

const goodPlan = `{"name":"Home","interfaces":["np19p"],"direction":"both","cap_bytes":500000000000,"period":"month","reset_day":15,"reset_hour":0,"tz":"Europe/Berlin","thresholds":[80,100]}`

func TestPlanBadInputSavesNothing(t *testing.T) {
	svc, srv := planServer(t, t.TempDir(), Config{Password: testPassword}, nil)
	seed(t, svc, storage.Record{Interface: "np19p", Time: time.Now(), RxBytes: 1})
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
	_, srv := planServer(t, t.TempDir(), Config{Password: testPassword}, logs)
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
	var n Notifier
	json.Unmarshal([]byte(body), &n)
	st, testResp := api(t, srv, "POST", fmt.Sprintf("/api/notifiers/%d/test", n.ID), "{}")
	if st != http.StatusBadGateway || !strings.Contains(testResp, "not delivered") {
		t.Errorf("test of a dead receiver: %d %s", st, testResp)
	}
	_, list := api(t, srv, "GET", "/api/notifiers", "")
	var got []Notifier
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
			svc, srv := planServer(t, t.TempDir(), Config{Listen: tc.listen, Password: tc.password}, nil)
			st, b := api(t, srv, "POST", "/api/notifiers", body)
			if st != tc.status {
				t.Fatalf("create: %d %s, want %d", st, b, tc.status)
			}
			if st == http.StatusForbidden {
				if !strings.Contains(b, "NETPULSE_PASSWORD") {
					t.Errorf("the refusal does not say what to do: %s", b)
				}
				// One made before (as with a password that was later
				// removed) can be neither tested nor deleted.
				id, err := svc.store.AddNotifier(context.Background(), storage.Notifier{Name: "old", URL: "https://example.com/x", Events: []string{"plan"}})
				if err != nil {
					t.Fatal(err)
				}
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

// TestPlanUsageEqualsTraffic is the property: for random traffic (flushed
// and pending) and random plans in zones with DST and :30/:45 offsets,
// every cycle's used_bytes equals the sum of the /api/traffic points over
// that cycle for the plan's interfaces and direction, to the byte.
func TestPlanUsageEqualsTraffic(t *testing.T) {
	svc, srv := planServer(t, t.TempDir(), Config{Password: testPassword}, nil)
	rng := rand.New(rand.NewPCG(19, uint64(time.Now().UnixNano())))
	names := []string{"np19a", "np19b", "np19c"}
	now := time.Now()
	var recs []storage.Record
	for range 6000 {
		// Mostly the last days, some up to 40 days back.
		back := time.Duration(rng.Int64N(3*86400)) * time.Second
		if rng.IntN(4) == 0 {
			back = time.Duration(rng.Int64N(40*86400)) * time.Second
		}
		recs = append(recs, storage.Record{Interface: names[rng.IntN(3)], Time: now.Add(-back),
			RxBytes: rng.Uint64N(1 << 32), TxBytes: rng.Uint64N(1 << 28)})
	}
	seed(t, svc, recs[:5000]...)
	svc.store.Add(recs[5000:]...) // left pending
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Australia/Eucla", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham"}
	for i := range 30 {
		p := Plan{Name: fmt.Sprint("p", i), Interfaces: names[:1+rng.IntN(3)], Direction: []string{"rx", "tx", "both"}[rng.IntN(3)],
			CapBytes: rng.Int64N(1 << 40), Period: []string{"month", "week", "day"}[rng.IntN(3)],
			ResetHour: rng.IntN(24), TZ: zones[rng.IntN(len(zones))]}
		p.ResetDay = 1 + rng.IntN(31)
		if p.Period == "week" {
			p.ResetDay = 1 + rng.IntN(7)
		}
		b, _ := json.Marshal(p)
		st, body := api(t, srv, "POST", "/api/plans", string(b))
		if st != http.StatusCreated {
			t.Fatalf("%d %s", st, body)
		}
		var saved Plan
		json.Unmarshal([]byte(body), &saved)
		_, body = api(t, srv, "GET", fmt.Sprintf("/api/plans/%d/cycles?count=3", saved.ID), "")
		var cycles []PlanCycle
		if err := json.Unmarshal([]byte(body), &cycles); err != nil || len(cycles) != 3 {
			t.Fatalf("cycles: %v %s", err, body)
		}
		if cycles[2].CycleStart != saved.Usage.CycleStart || cycles[2].UsedBytes < saved.Usage.UsedBytes {
			t.Errorf("%+v: the last cycle %+v is not the plan's current one %+v", p, cycles[2], *saved.Usage)
		}
		for _, c := range cycles {
			want := trafficSum(t, srv, saved, c.CycleStart, c.CycleEnd)
			if c.UsedBytes != want {
				t.Errorf("%+v cycle [%d, %d): used_bytes %d, /api/traffic sums to %d", p, c.CycleStart, c.CycleEnd, c.UsedBytes, want)
			}
		}
	}
}

// trafficSum adds up the /api/traffic points of p's interfaces and
// direction over [start, end), asked in quarter hours.
func trafficSum(t *testing.T, srv *httptest.Server, p Plan, start, end int64) int64 {
	t.Helper()
	q := url.Values{"window": {fmt.Sprint(end - start)}, "group": {"900"},
		"end": {time.Unix(end, 0).UTC().Format(time.RFC3339)}, "interface": p.Interfaces}
	st, body := api(t, srv, "GET", "/api/traffic?"+q.Encode(), "")
	if st != http.StatusOK {
		t.Fatalf("traffic: %d %s", st, body)
	}
	var tr Traffic
	json.Unmarshal([]byte(body), &tr)
	if tr.Start != start {
		t.Fatalf("traffic starts %d, the cycle %d", tr.Start, start)
	}
	var sum int64
	for _, s := range tr.Series {
		for _, pt := range s.Points {
			switch p.Direction {
			case "rx":
				sum += pt.RxBytes
			case "tx":
				sum += pt.TxBytes
			default:
				sum += pt.RxBytes + pt.TxBytes
			}
		}
	}
	return sum
}

// TestUsageProjection checks the projection and the cap's moment on a
// fixed clock: a day's cycle, 1,100 bytes by 06:00.
func TestUsageProjection(t *testing.T) {
	svc, _ := planServer(t, t.TempDir(), Config{Password: testPassword}, nil)
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -3)
	seed(t, svc,
		storage.Record{Interface: "np19u", Time: day.Add(70 * time.Minute), RxBytes: 600},
		storage.Record{Interface: "np19u", Time: day.Add(320 * time.Minute), RxBytes: 400, TxBytes: 100})
	now := day.Add(6 * time.Hour)
	p := storage.Plan{ID: 1, Interfaces: []string{"np19u"}, Direction: "both", Period: "day", TZ: "UTC", Thresholds: []int{50, 100, 200}}
	for _, tc := range []struct {
		name      string
		cap       int64
		percent   float64
		reached   []int
		capAt     int64 // 0: null
		projected int64
	}{
		// Reached at 05:20: the end of that quarter hour.
		{"cap passed", 1000, 110, []int{50, 100}, day.Add(330 * time.Minute).Unix(), 4400},
		// 900 bytes to go at 1,100 per 6 hours: 17,673 s later.
		{"cap ahead", 2000, 55, []int{50}, now.Unix() + 17673, 4400},
		{"cap beyond the cycle", 10000, 11, []int{}, 0, 4400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p.CapBytes = tc.cap
			u, err := svc.usage(context.Background(), p, now)
			if err != nil {
				t.Fatal(err)
			}
			var capAt int64
			if u.CapReachedAt != nil {
				capAt = *u.CapReachedAt
			}
			if u.UsedBytes != 1100 || u.RxBytes != 1000 || u.TxBytes != 100 || *u.Percent != tc.percent ||
				u.ProjectedBytes != tc.projected || capAt != tc.capAt || fmt.Sprint(u.ThresholdsReached) != fmt.Sprint(tc.reached) ||
				u.CycleStart != day.Unix() || u.CycleEnd != day.Add(24*time.Hour).Unix() {
				t.Errorf("usage %+v percent %v cap_reached_at %d, want %+v", u, *u.Percent, capAt, tc)
			}
		})
	}
}
