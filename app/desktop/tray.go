//go:build desktop

package desktop

// The tray icon (fyne.io/systray): live rates in the icon and tooltip (and
// the title on macOS, the only OS that shows it), and a menu with the
// per-interface rates and today's totals, a line per data plan, Open
// dashboard, Settings and Quit. The icon turns to its alert variant while a
// plan is past its first threshold.
// The per-OS start and stop rules are in tray_linux.go, tray_darwin.go and
// tray_windows.go.

import (
	"context"
	goruntime "runtime"
	"time"

	"fyne.io/systray"

	"github.com/netpulse/netpulse/internal/trayicons"

	"github.com/netpulse/netpulse/app"
)

// trayRefresh is how often the tray re-reads today's totals and the units;
// the rates change with every sample.
const trayRefresh = 5 * time.Second

// trayPlansRefresh is how often it re-reads the data plans' usage; an alert
// makes it read them at once.
const trayPlansRefresh = 15 * time.Second

// trayHost is what the platform offers for a tray.
type trayHost struct {
	ok      bool // the tray can run
	visible bool // something shows it now, so hiding the window is safe
	// shownNow, where set, asks again whether something shows it: on
	// Linux a panel can start after the app (systray then registers with
	// it) or stop.
	shownNow func() bool
}

type tray struct {
	sh         *shell
	host       trayHost
	start, end func()

	// Menu items; only the tray goroutines touch them after onReady.
	lines                []*systray.MenuItem
	planLines            []*systray.MenuItem
	open, settings, quit *systray.MenuItem
	shown                trayView // what is on screen now
	iconSet              bool

	plansNow chan struct{} // read the plans at the next sample
}

// newTray registers the tray, or returns nil when the platform has none.
func newTray(sh *shell) *tray {
	host := probeTrayHost(sh.log)
	if !host.ok {
		sh.marker("tray", "none")
		return nil
	}
	t := &tray{sh: sh, host: host, plansNow: make(chan struct{}, 1)}
	// Linux copies the title into the item's Id when it is exported, so set
	// a stable one before start (fyne-io/systray#122).
	systray.SetTitle("Net-Pulse")
	t.start, t.end = systray.RunWithExternalLoop(t.onReady, t.onExit)
	return t
}

// shownNow tells whether something shows the tray icon now.
func (t *tray) shownNow() bool {
	if t.host.shownNow == nil {
		return t.host.visible
	}
	return t.host.shownNow()
}

// onExit runs as the tray ends: on Quit, and on Windows also in systray's
// window procedure when the session ends (WM_ENDSESSION), after which
// Windows ends the process without a signal. Writing the pending samples
// here is what keeps a logout from losing them; a write takes milliseconds,
// well within the seconds Windows waits. (On macOS systray's delegate, and
// with it this callback at logout, is not installed when it runs on an
// external loop, as here.)
func (t *tray) onExit() {
	if err := t.sh.svc.Flush(context.Background()); err != nil {
		t.sh.log.Warn("cannot write the pending samples as the tray ends", "err", err)
		return
	}
	t.sh.marker("tray-exit", "flushed")
}

// onReady builds the menu. It must not block: on Linux the first dbusmenu
// GetLayout waits for it to return.
func (t *tray) onReady() {
	systray.SetIcon(trayicons.Icon(0, 0))
	t.iconSet = true
	for range trayMaxLines {
		item := systray.AddMenuItem("", "Open the dashboard")
		item.Hide()
		t.lines = append(t.lines, item)
	}
	for range trayMaxPlans {
		item := systray.AddMenuItem("", "Open the dashboard")
		item.Hide()
		t.planLines = append(t.planLines, item)
	}
	systray.AddSeparator()
	t.open = systray.AddMenuItem("Open dashboard", "Show the Net-Pulse window")
	t.settings = systray.AddMenuItem("Settings", "Units and monitored interfaces")
	systray.AddSeparator()
	t.quit = systray.AddMenuItem("Quit", "Save the data and quit Net-Pulse")
	t.apply(buildTrayView(nil, false, app.Settings{}, nil))
	t.sh.goFn(t.handleClicks)
	t.sh.goFn(t.follow)
	t.sh.marker("tray", "ready")
}

// handleClicks must always be ready to receive: systray drops a click when
// nobody waits on the item's channel. Every action is asynchronous.
func (t *tray) handleClicks() {
	cases := make([]<-chan struct{}, 0, len(t.lines)+len(t.planLines))
	for _, l := range append(t.lines[:len(t.lines):len(t.lines)], t.planLines...) {
		cases = append(cases, l.ClickedCh)
	}
	lineClicked := merge(t.sh.stopCtx, cases)
	for {
		select {
		case <-t.sh.stopCtx.Done():
			return
		case <-t.open.ClickedCh:
			t.sh.showWindow("dashboard")
		case <-lineClicked:
			t.sh.showWindow("dashboard")
		case <-t.settings.ClickedCh:
			t.sh.showWindow("settings")
		case <-t.quit.ClickedCh:
			t.sh.quit("tray")
		}
	}
}

// merge forwards every receive on chans to one channel until ctx ends.
func merge(ctx context.Context, chans []<-chan struct{}) <-chan struct{} {
	out := make(chan struct{})
	for _, c := range chans {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-c:
					select {
					case out <- struct{}{}:
					case <-ctx.Done():
						return
					}
				}
			}
		}()
	}
	return out
}

// follow updates the tray on every live sample. It reads its own
// subscription, so a slow tray host only makes it skip samples; the
// collector never waits.
func (t *tray) follow() {
	samples, unsubscribe := t.sh.svc.Subscribe()
	defer unsubscribe()
	var (
		settings        app.Settings
		today           map[string][2]int64
		plans           []trayPlan
		refreshed, read time.Time
	)
	for {
		select {
		case <-t.sh.stopCtx.Done():
			return
		case s := <-samples:
			now := time.Now()
			if now.Sub(refreshed) >= trayRefresh || now.Day() != refreshed.Day() {
				settings, today = t.refresh(now, settings, today)
				refreshed = now
			}
			select {
			case <-t.plansNow:
				read = time.Time{}
			default:
			}
			if now.Sub(read) >= trayPlansRefresh {
				plans = t.readPlans(plans)
				read = now
			}
			aliases, _ := t.sh.svc.Aliases(t.sh.stopCtx) // never fails: held in memory
			t.apply(buildTrayView(trayIfaces(t.sh.svc.MonitoredNames(), aliases.Aliases, s, today), true, settings, plans))
		}
	}
}

// readPlans reads the data plans' usage, keeping the previous lines on an
// error.
func (t *tray) readPlans(prev []trayPlan) []trayPlan {
	ctx, cancel := context.WithTimeout(t.sh.stopCtx, trayRefresh)
	defer cancel()
	plans, err := loadTrayPlans(ctx, t.sh.svc)
	if err != nil {
		t.sh.log.Debug("tray: data plans", "err", err)
		return prev
	}
	return plans
}

// refreshPlans makes the tray read the plans at the next sample: an alert
// has just changed one.
func (t *tray) refreshPlans() {
	select {
	case t.plansNow <- struct{}{}:
	default:
	}
}

// refresh reads the display units and today's totals per interface. On an
// error it keeps the previous values: the tray is not the place to report it.
func (t *tray) refresh(now time.Time, settings app.Settings, today map[string][2]int64) (app.Settings, map[string][2]int64) {
	ctx, cancel := context.WithTimeout(t.sh.stopCtx, trayRefresh)
	defer cancel()
	if s, err := t.sh.svc.Settings(ctx); err == nil {
		settings = s
	}
	req, ok := todayRequest(now)
	if !ok {
		return settings, nil
	}
	tr, err := t.sh.svc.Traffic(ctx, req)
	if err != nil {
		t.sh.log.Debug("tray: today's totals", "err", err)
		return settings, today
	}
	today = make(map[string][2]int64, len(tr.Series))
	for _, s := range tr.Series {
		today[s.Interface] = [2]int64{s.RxBytes, s.TxBytes}
	}
	return settings, today
}

// apply changes only what differs from the screen: every change is a D-Bus
// signal on Linux and a Shell_NotifyIcon call on Windows.
func (t *tray) apply(v trayView) {
	if v.Tooltip != t.shown.Tooltip {
		systray.SetTooltip(v.Tooltip)
	}
	if !t.iconSet || v.Down != t.shown.Down || v.Up != t.shown.Up || v.Alert != t.shown.Alert {
		icon := trayicons.Icon
		if v.Alert {
			icon = trayicons.AlertIcon
		}
		systray.SetIcon(icon(v.Down, v.Up))
		t.iconSet = true
	}
	if goruntime.GOOS == "darwin" && v.Title != t.shown.Title {
		systray.SetTitle(v.Title)
	}
	applyLines(t.lines, t.shown.Lines, v.Lines)
	applyLines(t.planLines, t.shown.PlanLines, v.PlanLines)
	t.shown = v
}

// applyLines shows lines now in items, changing only the items whose text
// differs from was; items without a line are hidden.
func applyLines(items []*systray.MenuItem, was, now []string) {
	for i, item := range items {
		var w, n string
		if i < len(was) {
			w = was[i]
		}
		if i < len(now) {
			n = now[i]
		}
		switch {
		case n == w:
		case n == "":
			item.Hide()
		default:
			item.SetTitle(n)
			if w == "" {
				item.Show()
			}
		}
	}
}
