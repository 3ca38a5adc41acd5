package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/netpulse/netpulse/storage"
)

// sink is a local webhook receiver that keeps what it is sent.
type sink struct {
	mu     sync.Mutex
	bodies []map[string]any
	srv    *httptest.Server
}

func newSink(t *testing.T) *sink {
	s := &sink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("webhook body %q (%s): %v", b, r.Header.Get("Content-Type"), err)
		}
		s.mu.Lock()
		s.bodies = append(s.bodies, v)
		s.mu.Unlock()
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// events returns the events received so far.
func (s *sink) events() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, b := range s.bodies {
		out = append(out, fmt.Sprint(b["event"]))
	}
	return out
}

func (s *sink) body(i int) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[i]
}

// waitFor has the service evaluate and deliver until the sink holds n
// bodies, then a little longer to see that no more come.
func (s *sink) waitFor(t *testing.T, svc *Service, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.events()) < n && time.Now().Before(deadline) {
		svc.alerts.wake()
		time.Sleep(100 * time.Millisecond)
	}
	for range 5 {
		svc.alerts.wake()
		time.Sleep(100 * time.Millisecond)
	}
	if got := s.events(); len(got) != n {
		t.Fatalf("the sink received %d webhooks, want %d: %v", len(got), n, got)
	}
}

func addNotifier(t *testing.T, svc *Service, name, url string, events ...string) {
	t.Helper()
	if _, err := svc.CreateNotifier(context.Background(), NotifierInput{Name: name, URL: url, Events: events}); err != nil {
		t.Fatalf("notifier: %v", err)
	}
}

// TestPlanThresholdsOncePerCycle: each threshold reaches the webhook once,
// with the body design.md gives; a restart does not send it again; the
// next threshold comes once; subscribers get the same alerts.
func TestPlanThresholdsOncePerCycle(t *testing.T) {
	dir := t.TempDir()
	hook := newSink(t)
	svc := newService(t, dir, Config{})
	now := time.Now()
	seed(t, svc, storage.Record{Interface: "np19t", Time: now, RxBytes: 400, TxBytes: 200})
	addNotifier(t, svc, "hook", hook.srv.URL+"/hook", "plan")
	alerts, stop := svc.SubscribeAlerts()
	defer stop()
	p, err := svc.CreatePlan(context.Background(), Plan{Name: "Small", Interfaces: []string{"np19t"}, Direction: "both",
		CapBytes: 1000, Period: "day", ResetHour: 0, TZ: "UTC", Thresholds: []int{50, 100}})
	if err != nil {
		t.Fatal(err)
	}
	hook.waitFor(t, svc, 1)
	got := hook.body(0)
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"cap_bytes", "cycle_end", "cycle_start", "event", "message", "percent", "plan", "threshold", "time", "used_bytes"}
	if !slices.Equal(keys, want) {
		t.Errorf("webhook fields %v, want %v", keys, want)
	}
	if got["event"] != "plan.threshold" || got["threshold"] != 50.0 || got["used_bytes"] != 600.0 || got["cap_bytes"] != 1000.0 ||
		got["percent"] != 60.0 || got["cycle_start"] != float64(p.Usage.CycleStart) || got["cycle_end"] != float64(p.Usage.CycleEnd) {
		t.Errorf("webhook body %v", got)
	}
	if ref, _ := got["plan"].(map[string]any); ref["id"] != float64(p.ID) || ref["name"] != "Small" {
		t.Errorf("plan %v", got["plan"])
	}
	if _, err := time.Parse(time.RFC3339, fmt.Sprint(got["time"])); err != nil {
		t.Errorf("time: %v", err)
	}
	select {
	case a := <-alerts:
		if a.Event != "plan.threshold" || a.PlanID != p.ID || a.Message != got["message"] || a.Urgent {
			t.Errorf("subscribed alert %+v", a)
		}
	case <-time.After(2 * time.Second):
		t.Error("no alert for subscribers")
	}

	// A restart (the same data folder) sends nothing again.
	svc.Close()
	svc = newService(t, dir, Config{})
	hook.waitFor(t, svc, 1)

	// Past 100 %: exactly one more.
	svc.store.Add(storage.Record{Interface: "np19t", Time: time.Now(), RxBytes: 500})
	hook.waitFor(t, svc, 2)
	if b := hook.body(1); b["threshold"] != 100.0 || b["used_bytes"] != 1100.0 {
		t.Errorf("second webhook %v", b)
	}
	list, err := svc.Plans(context.Background())
	if err != nil || len(list) != 1 || !slices.Equal(list[0].Usage.ThresholdsReached, []int{50, 100}) || list[0].Usage.CapReachedAt == nil {
		t.Errorf("plans %+v %v", list, err)
	}
}

// TestInterruptedDeliveryIsRetried: an alert recorded but not delivered
// (the process died between the two) is sent after the next start.
func TestInterruptedDeliveryIsRetried(t *testing.T) {
	dir := t.TempDir()
	hook := newSink(t)
	svc := newService(t, dir, Config{})
	addNotifier(t, svc, "hook", hook.srv.URL, "plan")
	svc.Close()
	st, err := storage.Open(context.Background(), filepath.Join(dir, "netpulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	ns, err := st.Notifiers(context.Background())
	if err != nil || len(ns) != 1 {
		t.Fatal(ns, err)
	}
	if _, err := st.RaiseAlert(context.Background(), "plan:1:0:1000:80", time.Now().Unix(), []byte(`{"event":"plan.threshold","message":"m"}`), []int64{ns[0].ID}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	svc = newService(t, dir, Config{})
	hook.waitFor(t, svc, 1)
	svc.Close()
	svc = newService(t, dir, Config{})
	hook.waitFor(t, svc, 1)
}

// TestOtherAlerts: a rate above the threshold for the whole window (its
// default length, as NETPULSE_RATE_ALERT_BPS alone sets it), a monitored
// interface that is not there, and health degraded then recovered, each
// once, to the notifiers that take them.
func TestOtherAlerts(t *testing.T) {
	hook := newSink(t)
	cfg, err := ParseConfig([]string{"--data-dir", t.TempDir()}, env(map[string]string{"NETPULSE_RATE_ALERT_BPS": "1000"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RateAlertFor != 5*time.Minute {
		t.Fatalf("NETPULSE_RATE_ALERT_FOR defaults to %s, want the documented 5m", cfg.RateAlertFor)
	}
	svc := newService(t, cfg.DataDir, Config{RateAlertBps: cfg.RateAlertBps, RateAlertFor: cfg.RateAlertFor})
	minute := time.Now().Truncate(time.Minute)
	var recs []storage.Record
	// Six minutes before this one and two after: the window stays full
	// if the minute turns during the test.
	for s := -360; s < 120; s++ {
		recs = append(recs, storage.Record{Interface: "np19r", Time: minute.Add(time.Duration(s) * time.Second), RxBytes: 2000, TxBytes: 10})
	}
	seed(t, svc, recs...)
	// The notifier first: an alert raised before it exists is not sent to
	// it, and the evaluator may run as soon as the interface is monitored.
	addNotifier(t, svc, "hook", hook.srv.URL, "rate", "interface", "health")
	if _, err := svc.SetMonitoredInterfaces(context.Background(), []string{"np19r"}); err != nil {
		t.Fatal(err)
	}
	hook.waitFor(t, svc, 2)
	evs := hook.events()
	slices.Sort(evs)
	if !slices.Equal(evs, []string{"interface.gone", "rate.high"}) {
		t.Fatalf("events %v", evs)
	}
	for i := range 2 {
		if b := hook.body(i); b["event"] == "rate.high" && (b["interface"] != "np19r" || b["direction"] != "rx" || b["rate_bps"] != 2000.0 || b["duration_seconds"] != 300.0) {
			t.Errorf("rate body %v", b)
		}
	}
	svc.mu.Lock()
	svc.flushErr = errors.New("the disk is full")
	svc.mu.Unlock()
	hook.waitFor(t, svc, 3)
	if b := hook.body(2); b["event"] != "health.degraded" || fmt.Sprint(b["errors"]) == "[]" {
		t.Errorf("health body %v", b)
	}
	svc.mu.Lock()
	svc.flushErr = nil
	svc.mu.Unlock()
	hook.waitFor(t, svc, 4)
	if b := hook.body(3); b["event"] != "health.recovered" {
		t.Errorf("health body %v", b)
	}
}

// TestAlertsWhenPollsStop: the rounds ride on the poll's wake-up, so with
// the polls stopped the evaluator's own timer must still raise
// health.degraded, without being kicked.
func TestAlertsWhenPollsStop(t *testing.T) {
	hook := newSink(t)
	svc := newService(t, t.TempDir(), Config{})
	addNotifier(t, svc, "hook", hook.srv.URL, "health")
	if err := svc.sched.Stop(); err != nil {
		t.Fatal(err)
	}
	svc.alerts.stop()
	// Rounds every 300 ms, the timer looking every 200 ms: a round by the
	// timer comes only when none came for a round's time.
	svc.alerts.every, svc.alerts.backstop = 300*time.Millisecond, 200*time.Millisecond
	svc.alerts.start()
	time.Sleep(100 * time.Millisecond) // the round at start: all is well
	if got := hook.events(); len(got) != 0 {
		t.Fatalf("before anything went wrong, the sink received %v", got)
	}
	svc.mu.Lock()
	svc.flushErr = errors.New("the disk is full")
	svc.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for len(hook.events()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := hook.events(); !slices.Equal(got, []string{"health.degraded"}) {
		t.Fatalf("with polls stopped, the sink received %v, want one health.degraded", got)
	}
}

// published collects the alerts published until none comes for a while.
func published(ch <-chan Alert) (evs []string) {
	for {
		select {
		case a := <-ch:
			evs = append(evs, a.Event)
		case <-time.After(200 * time.Millisecond):
			return evs
		}
	}
}

// TestCooldownsDelayAlerts: a cooldown makes an alert late, never lost.
// Health that breaks again within its cooldown and stays broken, and an
// interface that leaves again within the hour and stays away, are told
// once the cooldown has passed, and only once.
func TestCooldownsDelayAlerts(t *testing.T) {
	ctx := context.Background()
	t.Run("health", func(t *testing.T) {
		svc := newService(t, t.TempDir(), Config{})
		svc.alerts.stop() // the rounds below are driven by hand
		ch, unsub := svc.SubscribeAlerts()
		defer unsub()
		t0 := time.Now()
		for _, step := range []struct {
			at  time.Duration
			err error
		}{
			{0, errors.New("the disk is full")},
			{time.Minute, nil},
			{2 * time.Minute, errors.New("the disk is full")}, // within the cooldown
			{5 * time.Minute, errors.New("the disk is full")},
			{20 * time.Minute, errors.New("the disk is full")}, // past it
			{24 * time.Hour, errors.New("the disk is full")},
			{25 * time.Hour, nil},
		} {
			svc.mu.Lock()
			svc.flushErr = step.err
			svc.mu.Unlock()
			svc.alerts.checkHealth(ctx, t0.Add(step.at))
		}
		want := []string{"health.degraded", "health.recovered", "health.degraded", "health.recovered"}
		if got := published(ch); !slices.Equal(got, want) {
			t.Errorf("alerts %v, want %v", got, want)
		}
	})
	t.Run("interface", func(t *testing.T) {
		svc := newService(t, t.TempDir(), Config{})
		seed(t, svc, storage.Record{Interface: "np19g", Time: time.Now(), RxBytes: 1})
		if _, err := svc.SetMonitoredInterfaces(ctx, []string{"np19g"}); err != nil {
			t.Fatal(err)
		}
		for dl := time.Now().Add(5 * time.Second); !svc.poller.Absent([]string{"np19g"})["np19g"]; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(dl) {
				t.Fatal("the polls never found np19g absent")
			}
		}
		svc.alerts.stop()
		ch, unsub := svc.SubscribeAlerts()
		defer unsub()
		// It left 30 minutes ago (told), came back, and is gone again.
		t0 := time.Now()
		clear(svc.alerts.gone)
		svc.alerts.lastGone["np19g"] = t0.Add(-30 * time.Minute)
		for _, at := range []time.Duration{0, 10 * time.Minute, 31 * time.Minute, 2 * time.Hour, 24 * time.Hour} {
			svc.alerts.checkInterfaces(ctx, t0.Add(at))
		}
		if got, want := published(ch), []string{"interface.gone"}; !slices.Equal(got, want) {
			t.Errorf("alerts %v, want %v", got, want)
		}
	})
}

// pendingDelivery stops svc's alert rounds, so that deliveries are driven
// by hand, and records a plan alert with a delivery to a local webhook
// receiver, which it returns with the delivery.
func pendingDelivery(t *testing.T, svc *Service) (*sink, storage.Delivery) {
	t.Helper()
	ctx := context.Background()
	svc.alerts.stop()
	hook := newSink(t)
	addNotifier(t, svc, "hook", hook.srv.URL, "plan")
	ns, err := svc.store.Notifiers(ctx)
	if err != nil || len(ns) != 1 {
		t.Fatal(ns, err)
	}
	if _, err := svc.store.RaiseAlert(ctx, "plan:1:0:1000:80", time.Now().Unix(), []byte(`{"event":"plan.threshold","message":"m"}`), []int64{ns[0].ID}); err != nil {
		t.Fatal(err)
	}
	ds, err := svc.store.PendingDeliveries(ctx)
	if err != nil || len(ds) != 1 {
		t.Fatal(ds, err)
	}
	return hook, ds[0]
}

// TestSentButUnrecordedIsNotSentAgain: a delivery that reached its
// receiver while the database could not record it (held by another
// process here; a full disk does the same) is recorded later, not sent
// again every round.
func TestSentButUnrecordedIsNotSentAgain(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	svc := newService(t, dir, Config{})
	hook, _ := pendingDelivery(t, svc)
	other, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "netpulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	svc.alerts.deliver(ctx, now) // sent; its outcome cannot be written
	svc.alerts.deliver(ctx, now.Add(time.Minute))
	if got := hook.events(); len(got) != 1 {
		t.Fatalf("the receiver got %d webhooks while the database was locked, want 1", len(got))
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if _, more := svc.alerts.deliver(ctx, now.Add(2*time.Minute)); more {
		t.Error("the delivery is still pending after the database came back")
	}
	if ds, err := svc.store.PendingDeliveries(ctx); err != nil || len(ds) != 0 {
		t.Errorf("pending deliveries %v %v", ds, err)
	}
	if got := hook.events(); len(got) != 1 {
		t.Errorf("the receiver got %d webhooks in all, want 1", len(got))
	}
}

// TestUnrecordedOutcomeIsTheDeliverysOwn: an outcome kept for a delivery
// that was deleted since (its notifier deleted) is not taken for a new
// delivery given the same id: that one is sent.
func TestUnrecordedOutcomeIsTheDeliverysOwn(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, t.TempDir(), Config{})
	hook, d := pendingDelivery(t, svc)
	// What a delivery of the same id to a deleted notifier left behind.
	svc.alerts.unrecorded[d.ID] = outcome{alert: "plan:9:0:1000:80", notifier: d.Notifier + 1, at: time.Now().Unix(), attempts: 1, done: true}
	svc.alerts.deliver(ctx, time.Now())
	if got := hook.events(); len(got) != 1 {
		t.Errorf("the receiver got %d webhooks, want 1", len(got))
	}
}
