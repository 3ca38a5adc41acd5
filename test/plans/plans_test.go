// Package plans runs the real netpulse binary with a data plan over a veth
// pair and a local webhook receiver: thresholds arrive once each, across a
// kill -9, through a receiver that fails twice, and through a Shoutrrr
// generic webhook URL.
package plans

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netpulse/netpulse/internal/testnet"
	"github.com/netpulse/netpulse/test/harness"
)

var bin string

// roundAndMore is longer than the daemon's evaluation round (10 s) and a
// delivery: long enough to see a repeat that would come.
const roundAndMore = 12 * time.Second

func TestMain(m *testing.M) {
	if err := testnet.Available(); err != nil {
		fmt.Println("plan tests skipped:", err)
		os.Exit(m.Run())
	}
	os.Exit(harness.Main(m, &bin))
}

// receiver is the local sink: it keeps every body it accepted per path and
// answers 500 to the next failures requests of /hook.
type receiver struct {
	mu       sync.Mutex
	accepted map[string][]string
	failures int
	refused  int
	url      string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{accepted: map[string][]string{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	r.url = "http://" + ln.Addr().String()
	return r
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if req.URL.Path == "/hook" && r.failures > 0 {
		r.failures--
		r.refused++
		http.Error(w, "not now", http.StatusInternalServerError)
		return
	}
	r.accepted[req.URL.Path] = append(r.accepted[req.URL.Path], string(b))
}

func (r *receiver) got(path string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.accepted[path]...)
}

// waitFor waits until path has n accepted bodies, then quiet longer (past
// an evaluation round) to see that no more come.
func (r *receiver) waitFor(t *testing.T, s *harness.Server, path string, n int, within, quiet time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for len(r.got(path)) < n && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(quiet)
	if got := r.got(path); len(got) != n {
		t.Fatalf("%s received %d messages, want %d: %q\n%s", path, len(got), n, got, s.Log())
	}
}

func threshold(t *testing.T, body string) float64 {
	t.Helper()
	var v struct {
		Event     string  `json:"event"`
		Threshold float64 `json:"threshold"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.Event != "plan.threshold" {
		t.Fatalf("webhook body %q: %v", body, err)
	}
	return v.Threshold
}

func TestPlanThresholdsReachTheWebhookOnce(t *testing.T) {
	harness.NeedSystem(t)
	p := harness.QuietPair(t, "np19e")
	sink := newReceiver(t)
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir()})
	// Monitored from a reading taken before any traffic, so all of it counts.
	rx0, _ := harness.Baseline(t, s, p)

	for _, n := range []map[string]any{
		{"name": "hook", "url": sink.url + "/hook?token=e2e-secret", "events": []string{"plan"}},
		{"name": "shoutrrr", "url": "generic://" + strings.TrimPrefix(sink.url, "http://") + "/shoutrrr?disabletls=yes", "events": []string{"plan"}},
	} {
		if code, body := s.PostJSON("/api/notifiers", n); code != http.StatusCreated {
			t.Fatalf("notifier: %d %s", code, body)
		}
	}
	// A day's cycle whose reset is 12 hours away, so the test never
	// crosses it.
	const capBytes = 4_000_000
	plan := map[string]any{"name": "Small", "interfaces": []string{p.Host}, "direction": "rx", "cap_bytes": capBytes,
		"period": "day", "reset_hour": (time.Now().UTC().Hour() + 12) % 24, "tz": "UTC", "thresholds": []int{50, 100}}
	if code, body := s.PostJSON("/api/plans", plan); code != http.StatusCreated {
		t.Fatalf("plan: %d %s", code, body)
	}

	// Past 50 % (the TCP headers add a few percent): one webhook.
	harness.Send(t, p, capBytes*55/100, 0)
	sink.waitFor(t, s, "/hook", 1, 40*time.Second, roundAndMore)
	if th := threshold(t, sink.got("/hook")[0]); th != 50 {
		t.Fatalf("first threshold %v, want 50", th)
	}
	sink.waitFor(t, s, "/shoutrrr", 1, 10*time.Second, 0)
	if msg := sink.got("/shoutrrr")[0]; !strings.Contains(msg, "Small has used") {
		t.Errorf("Shoutrrr message %q", msg)
	}

	// kill -9 and a restart send nothing again.
	s.Kill()
	s = s.Restart()
	sink.waitFor(t, s, "/hook", 1, 0, roundAndMore)

	// Past 100 %, through a receiver that fails twice: exactly one more.
	sink.mu.Lock()
	sink.failures = 2
	sink.mu.Unlock()
	harness.Send(t, p, capBytes*55/100, 0)
	sink.waitFor(t, s, "/hook", 2, 90*time.Second, roundAndMore)
	if th := threshold(t, sink.got("/hook")[1]); th != 100 {
		t.Fatalf("second threshold %v, want 100", th)
	}
	sink.mu.Lock()
	refused := sink.refused
	sink.mu.Unlock()
	if refused != 2 {
		t.Errorf("the receiver refused %d deliveries, want 2", refused)
	}
	sink.waitFor(t, s, "/shoutrrr", 2, 10*time.Second, 0)

	rx1, _ := harness.Settle(t, s, p)
	var plans []struct {
		Usage struct {
			UsedBytes         int64 `json:"used_bytes"`
			ThresholdsReached []int `json:"thresholds_reached"`
		} `json:"usage"`
	}
	s.GetJSON("/api/plans", &plans)
	// What the kernel counted, across the kill -9 too.
	if len(plans) != 1 || len(plans[0].Usage.ThresholdsReached) != 2 || plans[0].Usage.UsedBytes != int64(rx1-rx0) {
		t.Errorf("plans %+v, want used_bytes %d", plans, rx1-rx0)
	}
	var notifiers []struct {
		URL       string `json:"url"`
		LastError string `json:"last_error"`
	}
	s.GetJSON("/api/notifiers", &notifiers)
	for _, n := range notifiers {
		if n.LastError != "" || strings.Contains(n.URL, "e2e-secret") {
			t.Errorf("notifier %+v", n)
		}
	}
	if strings.Contains(s.Log(), "e2e-secret") {
		t.Errorf("the log shows the URL's secret")
	}
}
