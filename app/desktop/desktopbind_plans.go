package desktop

import (
	"context"

	"github.com/netpulse/netpulse/app"
)

// The data plan and notifier bindings: window.go.desktop.Desktop.<Method>,
// each the Service call the HTTP handler for the same route makes.

// Plans is GET /api/plans.
func (d *Desktop) Plans() ([]app.Plan, error) {
	return answer(d, "Plans", d.svc.Plans)
}

// CreatePlan is POST /api/plans.
func (d *Desktop) CreatePlan(p app.Plan) (app.Plan, error) {
	return answer(d, "CreatePlan", func(ctx context.Context) (app.Plan, error) { return d.svc.CreatePlan(ctx, p) })
}

// UpdatePlan is PUT /api/plans/{id}.
func (d *Desktop) UpdatePlan(id int64, p app.Plan) (app.Plan, error) {
	return answer(d, "UpdatePlan", func(ctx context.Context) (app.Plan, error) { return d.svc.UpdatePlan(ctx, id, p) })
}

// DeletePlan is DELETE /api/plans/{id}.
func (d *Desktop) DeletePlan(id int64) error {
	_, err := answer(d, "DeletePlan", func(ctx context.Context) (struct{}, error) { return struct{}{}, d.svc.DeletePlan(ctx, id) })
	return err
}

// PlanCycles is GET /api/plans/{id}/cycles?count=N; count 0 means 12.
func (d *Desktop) PlanCycles(id int64, count int) ([]app.PlanCycle, error) {
	return answer(d, "PlanCycles", func(ctx context.Context) ([]app.PlanCycle, error) { return d.svc.PlanCycles(ctx, id, count) })
}

// Notifiers is GET /api/notifiers.
func (d *Desktop) Notifiers() ([]app.Notifier, error) {
	return answer(d, "Notifiers", d.svc.Notifiers)
}

// CreateNotifier is POST /api/notifiers.
func (d *Desktop) CreateNotifier(in app.NotifierInput) (app.Notifier, error) {
	return answer(d, "CreateNotifier", func(ctx context.Context) (app.Notifier, error) { return d.svc.CreateNotifier(ctx, in) })
}

// DeleteNotifier is DELETE /api/notifiers/{id}.
func (d *Desktop) DeleteNotifier(id int64) error {
	_, err := answer(d, "DeleteNotifier", func(ctx context.Context) (struct{}, error) { return struct{}{}, d.svc.DeleteNotifier(ctx, id) })
	return err
}

// TestNotifier is POST /api/notifiers/{id}/test.
func (d *Desktop) TestNotifier(id int64) error {
	_, err := answer(d, "TestNotifier", func(ctx context.Context) (struct{}, error) { return struct{}{}, d.svc.TestNotifier(ctx, id) })
	return err
}
