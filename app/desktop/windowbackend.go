package desktop

// What the window process's bindings call: the same Service operations as
// in the resident, reached over the private channel's HTTP API. A refused
// request comes back as the RequestError the resident's Service returned, so
// the dashboard shows the same message either way.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/netpulse/netpulse/app"
)

// desktopService is what Desktop's bindings need: *Service in one process,
// remoteService across the private channel.
type desktopService interface {
	Interfaces(context.Context) ([]app.Interface, error)
	MonitoredInterfaces(context.Context) (app.MonitoredList, error)
	SetMonitoredInterfaces(context.Context, []string) (app.MonitoredList, error)
	Traffic(context.Context, app.TrafficRequest) (app.Traffic, error)
	Settings(context.Context) (app.Settings, error)
	UpdateSettings(context.Context, map[string]string) (app.Settings, error)
	Aliases(context.Context) (app.AliasList, error)
	SetAliases(context.Context, map[string]string) (app.AliasList, error)
	Health() app.Health
	planService
}

// planService is the data plan and notifier part of desktopService.
type planService interface {
	Plans(context.Context) ([]app.Plan, error)
	CreatePlan(context.Context, app.Plan) (app.Plan, error)
	UpdatePlan(context.Context, int64, app.Plan) (app.Plan, error)
	DeletePlan(context.Context, int64) error
	PlanCycles(context.Context, int64, int) ([]app.PlanCycle, error)
	Notifiers(context.Context) ([]app.Notifier, error)
	CreateNotifier(context.Context, app.NotifierInput) (app.Notifier, error)
	DeleteNotifier(context.Context, int64) error
	TestNotifier(context.Context, int64) error
}

// remoteService calls the resident's API over the private channel.
type remoteService struct {
	c *privClient
}

// maxAnswerBytes bounds one answer; a year of minutes for 64 interfaces is
// far below it.
const maxAnswerBytes = 256 << 20

func (r remoteService) Interfaces(ctx context.Context) ([]app.Interface, error) {
	var v []app.Interface
	return v, r.call(ctx, http.MethodGet, "/api/interfaces", nil, &v)
}

func (r remoteService) MonitoredInterfaces(ctx context.Context) (app.MonitoredList, error) {
	var v app.MonitoredList
	return v, r.call(ctx, http.MethodGet, "/api/config/monitored_interfaces", nil, &v)
}

func (r remoteService) SetMonitoredInterfaces(ctx context.Context, names []string) (app.MonitoredList, error) {
	var v app.MonitoredList
	body := struct {
		Interfaces []string `json:"interfaces"`
	}{names}
	return v, r.call(ctx, http.MethodPost, "/api/config/monitored_interfaces", body, &v)
}

func (r remoteService) Traffic(ctx context.Context, req app.TrafficRequest) (app.Traffic, error) {
	q := url.Values{}
	for k, v := range map[string]string{"window": req.Window, "group": req.Group, "end": req.End, "tz": req.TZ} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for _, name := range req.Interfaces {
		q.Add("interface", name)
	}
	var v app.Traffic
	return v, r.call(ctx, http.MethodGet, "/api/traffic?"+q.Encode(), nil, &v)
}

func (r remoteService) Settings(ctx context.Context) (app.Settings, error) {
	var v app.Settings
	return v, r.call(ctx, http.MethodGet, "/api/config/settings", nil, &v)
}

func (r remoteService) UpdateSettings(ctx context.Context, patch map[string]string) (app.Settings, error) {
	var v app.Settings
	return v, r.call(ctx, http.MethodPost, "/api/config/settings", patch, &v)
}

func (r remoteService) Aliases(ctx context.Context) (app.AliasList, error) {
	var v app.AliasList
	return v, r.call(ctx, http.MethodGet, "/api/config/aliases", nil, &v)
}

func (r remoteService) SetAliases(ctx context.Context, patch map[string]string) (app.AliasList, error) {
	var v app.AliasList
	body := struct {
		Aliases map[string]string `json:"aliases"`
	}{patch}
	return v, r.call(ctx, http.MethodPost, "/api/config/aliases", body, &v)
}

// Health answers 503 with the same body when the resident is degraded; an
// unreachable resident is reported as an error in the health itself.
func (r remoteService) Health() app.Health {
	ctx, cancel := context.WithTimeout(context.Background(), bindTimeout)
	defer cancel()
	var h app.Health
	resp, err := r.c.request(ctx, http.MethodGet, "/api/health", "", nil)
	if err == nil {
		defer resp.Body.Close()
		err = json.NewDecoder(io.LimitReader(resp.Body, maxAnswerBytes)).Decode(&h)
	}
	if err != nil {
		return app.Health{Status: "degraded", Errors: []string{"the Net-Pulse service cannot be reached: " + err.Error()}}
	}
	return h
}

// call sends body (JSON, when not nil) and decodes a 2xx answer into out
// (nil: the answer is not needed, as for a 204); any other status becomes a
// RequestError with the server's message.
func (r remoteService) call(ctx context.Context, method, path string, body, out any) error {
	var b []byte
	ctype := ""
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return err
		}
		ctype = "application/json"
	}
	resp, err := r.c.request(ctx, method, path, ctype, b)
	if err != nil {
		return fmt.Errorf("the Net-Pulse service cannot be reached: %w", err)
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxAnswerBytes))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var e struct {
			Error string `json:"error"`
		}
		if dec.Decode(&e) != nil || e.Error == "" {
			e.Error = resp.Status
		}
		return &app.RequestError{Status: resp.StatusCode, Msg: e.Error}
	}
	if out == nil {
		return nil
	}
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("the Net-Pulse service sent a malformed answer: %w", err)
	}
	return nil
}
