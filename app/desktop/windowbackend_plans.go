package desktop

import (
	"context"
	"fmt"
	"net/http"

	"github.com/netpulse/netpulse/app"
)

// The data plan and notifier calls of the window process, over the private
// channel: the routes of http_plans.go.

func (r remoteService) Plans(ctx context.Context) ([]app.Plan, error) {
	var v []app.Plan
	return v, r.call(ctx, http.MethodGet, "/api/plans", nil, &v)
}

func (r remoteService) CreatePlan(ctx context.Context, p app.Plan) (app.Plan, error) {
	var v app.Plan
	return v, r.call(ctx, http.MethodPost, "/api/plans", p, &v)
}

func (r remoteService) UpdatePlan(ctx context.Context, id int64, p app.Plan) (app.Plan, error) {
	var v app.Plan
	return v, r.call(ctx, http.MethodPut, fmt.Sprintf("/api/plans/%d", id), p, &v)
}

func (r remoteService) DeletePlan(ctx context.Context, id int64) error {
	return r.call(ctx, http.MethodDelete, fmt.Sprintf("/api/plans/%d", id), nil, nil)
}

func (r remoteService) PlanCycles(ctx context.Context, id int64, count int) ([]app.PlanCycle, error) {
	path := fmt.Sprintf("/api/plans/%d/cycles", id)
	if count != 0 {
		path += fmt.Sprintf("?count=%d", count)
	}
	var v []app.PlanCycle
	return v, r.call(ctx, http.MethodGet, path, nil, &v)
}

func (r remoteService) Notifiers(ctx context.Context) ([]app.Notifier, error) {
	var v []app.Notifier
	return v, r.call(ctx, http.MethodGet, "/api/notifiers", nil, &v)
}

func (r remoteService) CreateNotifier(ctx context.Context, in app.NotifierInput) (app.Notifier, error) {
	var v app.Notifier
	return v, r.call(ctx, http.MethodPost, "/api/notifiers", in, &v)
}

func (r remoteService) DeleteNotifier(ctx context.Context, id int64) error {
	return r.call(ctx, http.MethodDelete, fmt.Sprintf("/api/notifiers/%d", id), nil, nil)
}

func (r remoteService) TestNotifier(ctx context.Context, id int64) error {
	return r.call(ctx, http.MethodPost, fmt.Sprintf("/api/notifiers/%d/test", id), struct{}{}, nil)
}
