package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/netpulse/netpulse/app"
)

// TestPlanBindingsMatchHTTP: the plan and notifier bindings give the same
// answers and the same error messages as their HTTP endpoints.
func TestPlanBindingsMatchHTTP(t *testing.T) {
	svc, srv := newTestServer(t, "")
	d := newDesktop(context.Background(), svc)
	const body = `{"name":"Home","interfaces":["lo"],"direction":"both","cap_bytes":1000000000,"period":"month",
		"reset_day":15,"reset_hour":6,"tz":"Europe/Berlin","thresholds":[80,100]}`
	var in app.Plan
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatal(err)
	}

	// A plan saved both ways is the same plan but for its id.
	status, b := httpCall(t, srv, "POST", "/api/plans", body)
	if status != http.StatusCreated {
		t.Fatalf("POST /api/plans: %d %s", status, b)
	}
	var viaHTTP app.Plan
	if err := json.Unmarshal(b, &viaHTTP); err != nil {
		t.Fatal(err)
	}
	viaBind, err := d.CreatePlan(in)
	if err != nil {
		t.Fatal(err)
	}
	if viaBind.ID == viaHTTP.ID || !samePlan(viaBind, viaHTTP) {
		t.Errorf("binding %+v\nHTTP    %+v", viaBind, viaHTTP)
	}
	list, err := d.Plans()
	if err != nil || len(list) != 2 || list[0].Usage == nil {
		t.Fatalf("Plans() = %+v, %v", list, err)
	}
	renamed := in
	renamed.Name = "Home fibre"
	updated, err := d.UpdatePlan(viaBind.ID, renamed)
	if err != nil || updated.Name != "Home fibre" || updated.ID != viaBind.ID {
		t.Errorf("UpdatePlan = %+v, %v", updated, err)
	}
	if _, err := d.PlanCycles(viaBind.ID, 0); err != nil {
		t.Errorf("PlanCycles: %v", err)
	}

	bad := func(change string) app.Plan {
		var p app.Plan
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(change), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	missing := viaHTTP.ID + 100
	tests := []struct {
		name, method, path, body string
		bound                    func() error
	}{
		{"reset day 32", "POST", "/api/plans", `{"reset_day":32}`, func() error { _, err := d.CreatePlan(bad(`{"reset_day":32}`)); return err }},
		{"nine thresholds", "POST", "/api/plans", `{"thresholds":[1,2,3,4,5,6,7,8,9]}`,
			func() error { _, err := d.CreatePlan(bad(`{"thresholds":[1,2,3,4,5,6,7,8,9]}`)); return err }},
		{"unknown interface", "POST", "/api/plans", `{"interfaces":["np19-absent0"]}`,
			func() error { _, err := d.CreatePlan(bad(`{"interfaces":["np19-absent0"]}`)); return err }},
		{"update a missing plan", "PUT", fmt.Sprintf("/api/plans/%d", missing), "{}",
			func() error { _, err := d.UpdatePlan(missing, in); return err }},
		{"delete a missing plan", "DELETE", fmt.Sprintf("/api/plans/%d", missing), "",
			func() error { return d.DeletePlan(missing) }},
		{"notifier without a scheme", "POST", "/api/notifiers", `{"name":"n","url":"example.com","events":["plan"]}`,
			func() error {
				_, err := d.CreateNotifier(app.NotifierInput{Name: "n", URL: "example.com", Events: []string{"plan"}})
				return err
			}},
		{"test a missing notifier", "POST", fmt.Sprintf("/api/notifiers/%d/test", missing), "",
			func() error { return d.TestNotifier(missing) }},
		{"delete a missing notifier", "DELETE", fmt.Sprintf("/api/notifiers/%d", missing), "",
			func() error { return d.DeleteNotifier(missing) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reqBody := tt.body
			if tt.method != "DELETE" && strings.HasPrefix(tt.path, "/api/plans") {
				reqBody = mustMerge(t, body, tt.body)
			}
			status, b := httpCall(t, srv, tt.method, tt.path, reqBody)
			var want struct{ Error string }
			if err := json.Unmarshal(b, &want); err != nil || status < 400 {
				t.Fatalf("HTTP %d %s", status, b)
			}
			var re *app.RequestError
			if err := tt.bound(); !errors.As(err, &re) || re.Status != status || re.Msg != want.Error {
				t.Errorf("HTTP %d %q; binding error %#v", status, want.Error, err)
			}
		})
	}

	n, err := d.CreateNotifier(app.NotifierInput{Name: "Sink", URL: "https://user:secret@example.invalid/hook", Events: []string{"plan"}})
	if err != nil {
		t.Fatal(err)
	}
	status, b = httpCall(t, srv, "GET", "/api/notifiers", "")
	if got := mustJSON(t, []app.Notifier{n}); status != 200 || string(normaliseJSON(t, got)) != string(normaliseJSON(t, b)) {
		t.Errorf("binding %s\nHTTP    %s", got, b)
	}
	if err := d.DeleteNotifier(n.ID); err != nil {
		t.Error(err)
	}
	if err := d.DeletePlan(viaBind.ID); err != nil {
		t.Error(err)
	}
	if list, _ := d.Plans(); len(list) != 1 {
		t.Errorf("%d plans left, want 1", len(list))
	}
}

// samePlan compares two plans but for their id and usage, which moves.
func samePlan(a, b app.Plan) bool {
	a.ID, b.ID, a.Usage, b.Usage = 0, 0, nil, nil
	return string(mustJSONPlain(a)) == string(mustJSONPlain(b))
}

func mustJSONPlain(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// mustMerge overlays the keys of change on the JSON object base.
func mustMerge(t *testing.T, base, change string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(base), &m); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(change), &m); err != nil {
		t.Fatal(err)
	}
	return string(mustJSON(t, m))
}

func normaliseJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	return mustJSON(t, normalise(t, b))
}
