package desktop

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/netpulse/netpulse/app"
)

// Desktop is what the desktop window calls: Wails binds its methods as
// window.go.desktop.Desktop.<Method>. Each method is one call into the Service,
// the same call the HTTP handler makes, so both front ends get the same
// answers and errors. It imports nothing from Wails, so its tests run in the
// plain `go test`.
type Desktop struct {
	svc desktopService  // the Service, or the resident's across the private channel
	ctx context.Context // ends at shutdown, so no call outlives the window

	// residentExe is the program a login entry starts: the resident's
	// executable, not the window's ("" when not known: this program).
	residentExe string

	// observe, when set, sees every answer; the desktop shell uses it for the
	// test markers.
	observe func(method string, result any, err error)

	// shown is whether the window is on screen, as far as the shell knows:
	// WebKitGTK reports a window that was never shown as visible, so the
	// page cannot tell by itself.
	shown atomic.Bool
}

// bindTimeout bounds one call; the slowest is a long traffic query.
const bindTimeout = 30 * time.Second

func newDesktop(ctx context.Context, svc desktopService) *Desktop {
	return &Desktop{svc: svc, ctx: ctx}
}

// Interfaces is GET /api/interfaces.
func (d *Desktop) Interfaces() ([]app.Interface, error) {
	return answer(d, "Interfaces", d.svc.Interfaces)
}

// MonitoredInterfaces is GET /api/config/monitored_interfaces.
func (d *Desktop) MonitoredInterfaces() (app.MonitoredList, error) {
	return answer(d, "MonitoredInterfaces", d.svc.MonitoredInterfaces)
}

// SetMonitoredInterfaces is POST /api/config/monitored_interfaces.
func (d *Desktop) SetMonitoredInterfaces(names []string) (app.MonitoredList, error) {
	return answer(d, "SetMonitoredInterfaces", func(ctx context.Context) (app.MonitoredList, error) {
		return d.svc.SetMonitoredInterfaces(ctx, names)
	})
}

// Traffic is GET /api/traffic with the query parameters as fields.
func (d *Desktop) Traffic(req app.TrafficRequest) (app.Traffic, error) {
	return answer(d, "Traffic", func(ctx context.Context) (app.Traffic, error) {
		return d.svc.Traffic(ctx, req)
	})
}

// Aliases is GET /api/config/aliases.
func (d *Desktop) Aliases() (app.AliasList, error) {
	return answer(d, "Aliases", d.svc.Aliases)
}

// SetAliases is POST /api/config/aliases.
func (d *Desktop) SetAliases(aliases map[string]string) (app.AliasList, error) {
	return answer(d, "SetAliases", func(ctx context.Context) (app.AliasList, error) {
		return d.svc.SetAliases(ctx, aliases)
	})
}

// Settings is GET /api/config/settings.
func (d *Desktop) Settings() (app.Settings, error) {
	return answer(d, "Settings", d.svc.Settings)
}

// UpdateSettings is POST /api/config/settings.
func (d *Desktop) UpdateSettings(patch map[string]string) (app.Settings, error) {
	return answer(d, "UpdateSettings", func(ctx context.Context) (app.Settings, error) {
		return d.svc.UpdateSettings(ctx, patch)
	})
}

// Health is GET /api/health.
func (d *Desktop) Health() app.Health {
	h := d.svc.Health()
	if d.observe != nil {
		d.observe("Health", h, nil)
	}
	return h
}

// WindowShown tells the dashboard whether its window is on screen. While it
// is not, the page stops drawing live samples (and the shell stops sending
// them); event "app:visibility" reports changes.
func (d *Desktop) WindowShown() bool { return d.shown.Load() }

// ReportReady is called by the dashboard once it has drawn something worth
// waiting for: "chart" when the first traffic answer is on screen. It has no
// HTTP counterpart and changes nothing; the desktop tests wait for it
// instead of sleeping.
func (d *Desktop) ReportReady(what string) {
	if d.observe != nil {
		d.observe("ReportReady", what, nil)
	}
}

func answer[T any](d *Desktop, method string, call func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(d.ctx, bindTimeout)
	defer cancel()
	v, err := call(ctx)
	if d.observe != nil {
		d.observe(method, v, err)
	}
	return v, err
}
