package storage

import (
	"context"
	"fmt"
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

// TestPlansListFollowsChanges: the plans kept in memory follow every save
// and delete, and what a caller does to the list it got changes nothing.
func TestPlansListFollowsChanges(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	names := func() []string {
		t.Helper()
		ps, err := s.Plans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			out = append(out, p.Name+":"+p.Interfaces[0])
		}
		return out
	}
	p := Plan{Name: "Home", Interfaces: []string{"eth0"}, Direction: "both", Period: "day", TZ: "UTC", Thresholds: []int{}}
	if got := names(); len(got) != 0 {
		t.Fatalf("no plans yet: %v", got)
	}
	id, err := s.SavePlan(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		change func()
		want   string
	}{
		{"created", func() {}, "[Home:eth0]"},
		{"renamed", func() { p.ID, p.Name = id, "Office"; s.SavePlan(ctx, p) }, "[Office:eth0]"},
		{"the caller's copy changed", func() {
			ps, _ := s.Plans(ctx)
			ps[0].Name, ps[0].Interfaces[0] = "changed", "changed"
		}, "[Office:eth0]"},
		{"another added", func() { q := p; q.ID, q.Name = 0, "Phone"; s.SavePlan(ctx, q) }, "[Office:eth0 Phone:eth0]"},
		{"deleted", func() { s.DeletePlan(ctx, id) }, "[Phone:eth0]"},
	}
	for _, st := range steps {
		st.change()
		if got := fmt.Sprint(names()); got != st.want {
			t.Fatalf("%s: plans %s; want %s", st.name, got, st.want)
		}
	}
	// A reopened database reads the same from the file.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	s = s2
	if got := fmt.Sprint(names()); got != "[Phone:eth0]" {
		t.Fatalf("reopened: %s", got)
	}
}
