package storage

import (
	"context"
	"testing"
)

// TestAlertsRecordedOnce: an alert's key is taken once, with a pending
// delivery per notifier; done deliveries leave the pending list; deleting a
// notifier drops its deliveries.
func TestAlertsRecordedOnce(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	a, err := s.AddNotifier(ctx, Notifier{Name: "a", URL: "https://example.com/a", Events: []string{"plan"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.AddNotifier(ctx, Notifier{Name: "b", URL: "ntfy://ntfy.sh/b", Events: []string{"plan"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false} {
		got, err := s.RaiseAlert(ctx, "plan:1:0:1000:50", 100, []byte(`{"event":"plan.threshold"}`), []int64{a, b})
		if err != nil || got != want {
			t.Fatalf("raise %d: %v %v, want new %v", i, got, err, want)
		}
	}
	if ok, err := s.AlertRaised(ctx, "plan:1:0:1000:50"); !ok || err != nil {
		t.Fatalf("raised: %v %v", ok, err)
	}
	ds, err := s.PendingDeliveries(ctx)
	if err != nil || len(ds) != 2 || string(ds[0].Body) != `{"event":"plan.threshold"}` {
		t.Fatalf("pending %+v %v", ds, err)
	}
	if err := s.DeliveryRetry(ctx, ds[0].ID, 1, 200); err != nil {
		t.Fatal(err)
	}
	if err := s.DeliveryDone(ctx, ds[1].ID, 150, false); err != nil {
		t.Fatal(err)
	}
	ds, _ = s.PendingDeliveries(ctx)
	if len(ds) != 1 || ds[0].Notifier != a || ds[0].Attempts != 1 || ds[0].NextTry != 200 {
		t.Fatalf("after one done: %+v", ds)
	}
	if ok, err := s.DeleteNotifier(ctx, a); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ds, _ = s.PendingDeliveries(ctx); len(ds) != 0 {
		t.Fatalf("a deleted notifier's delivery is pending: %+v", ds)
	}
	if err := s.NotifierResult(ctx, b, 300, "the receiver answered 500"); err != nil {
		t.Fatal(err)
	}
	ns, err := s.Notifiers(ctx)
	if err != nil || len(ns) != 1 || ns[0].LastError != "the receiver answered 500" || ns[0].LastErrorAt != 300 {
		t.Fatalf("notifiers %+v %v", ns, err)
	}
}

func TestPlansSaveAndReplace(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	p := Plan{Name: "Home", Interfaces: []string{"eth0", "wlan0"}, Direction: "both", CapBytes: 5, Period: "month", ResetDay: 31, TZ: "Asia/Kathmandu", Thresholds: []int{50, 100}}
	id, err := s.SavePlan(ctx, p)
	if err != nil || id == 0 {
		t.Fatal(id, err)
	}
	p.ID, p.Name = id, "Home 2"
	if got, err := s.SavePlan(ctx, p); got != id || err != nil {
		t.Fatal(got, err)
	}
	if got, err := s.SavePlan(ctx, Plan{ID: id + 1, Interfaces: []string{}, Thresholds: []int{}}); got != 0 || err != nil {
		t.Fatalf("replacing a missing plan: %d %v", got, err)
	}
	got, ok, err := s.Plan(ctx, id)
	if !ok || err != nil || got.Name != "Home 2" || len(got.Interfaces) != 2 || got.Thresholds[1] != 100 || got.TZ != "Asia/Kathmandu" {
		t.Fatalf("%+v %v %v", got, ok, err)
	}
	if ok, _ := s.DeletePlan(ctx, id); !ok {
		t.Fatal("not deleted")
	}
	// A new plan never takes a deleted one's id, which its alerts carry.
	p.ID = 0
	if id2, _ := s.SavePlan(ctx, p); id2 == id {
		t.Errorf("id %d given again", id)
	}
}
