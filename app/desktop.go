//go:build desktop

package app

// The desktop shell: a Wails window hosting the embedded dashboard, and a tray
// icon (tray.go). It only forwards: the window calls Desktop's bindings, live
// samples go out as Wails events, lifecycle hooks start and stop goroutines.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	goruntime "runtime"
	"sync"
	"syscall"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/netpulse/netpulse/internal/trayicons"
)

// DesktopBuild reports that this binary has the desktop window and tray.
const DesktopBuild = true

// Event names the window listens to.
const (
	eventRates    = "traffic:rates"  // payload: LiveSample, once per poll
	eventNavigate = "app:navigate"   // payload: "dashboard" or "settings"
	eventShown    = "app:visibility" // payload: true once a hidden window is shown
)

// uniqueID names the single-instance lock: a D-Bus name on Linux, a mutex
// and window class on Windows, a lock file on macOS.
const uniqueID = "com.github.netpulse.netpulse"

// RunDesktop shows the dashboard in a native window and live rates in the
// tray until the user quits (tray or window) or ctx ends (SIGINT, SIGTERM).
// It returns once the window is gone; the caller then closes svc, which
// flushes the pending samples.
func RunDesktop(ctx context.Context, svc *Service, cfg Config, assets fs.FS) (err error) {
	if goruntime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("desktop: no display (DISPLAY and WAYLAND_DISPLAY are unset); run with --headless to serve the dashboard over HTTP")
	}
	sh := newShell(ctx, svc, cfg)
	defer func() {
		// Wails panics when the toolkit cannot start (for example GTK
		// without a usable display); report it like any other error.
		if r := recover(); r != nil {
			err = fmt.Errorf("desktop: %v", r)
		}
		sh.stopAll()
	}()
	return wails.Run(sh.options(assets))
}

// shell owns the window's lifecycle and the goroutines that feed it.
type shell struct {
	ctx     context.Context // from main; ends on SIGINT or SIGTERM
	svc     *Service
	cfg     Config
	log     *slog.Logger
	bind    *Desktop
	tray    *tray // nil when there is no tray
	markers bool  // NETPULSE_TEST_MARKERS: print lifecycle lines for tests

	mu          sync.Mutex
	wctx        context.Context // Wails' context, from OnStartup
	ready       bool            // the page has loaded: GTK's loop runs
	quitting    bool
	quitPending bool // asked before ready; done in domReady
	stopping    bool // stopAll has begun: start no more goroutines

	stopCtx context.Context // ends the shell's goroutines at shutdown
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

func newShell(ctx context.Context, svc *Service, cfg Config) *shell {
	stopCtx, stop := context.WithCancel(context.Background())
	sh := &shell{
		ctx: ctx, svc: svc, cfg: cfg, log: svc.log,
		bind:    newDesktop(stopCtx, svc),
		markers: os.Getenv("NETPULSE_TEST_MARKERS") == "1",
		stopCtx: stopCtx, stop: stop,
	}
	if sh.markers {
		sh.bind.observe = sh.observeBinding
	}
	// The tray is registered before wails.Run: Windows needs its window on
	// the thread that will run Wails' message loop (tray_windows.go).
	sh.tray = newTray(sh)
	return sh
}

func (sh *shell) options(assets fs.FS) *options.App {
	withTray := sh.tray != nil && sh.tray.visible
	if sh.cfg.StartHidden && !withTray {
		sh.log.Warn("ignoring --hidden: no tray icon to bring the window back from")
	}
	sh.bind.shown.Store(!(sh.cfg.StartHidden && withTray))
	return &options.App{
		Title:     "Net-Pulse",
		Width:     1180,
		Height:    780,
		MinWidth:  640,
		MinHeight: 480,
		AssetServer: &assetserver.Options{
			Assets: assets,
		},
		StartHidden: sh.cfg.StartHidden && withTray,
		// Without a visible tray, a hidden window could not be brought back,
		// so closing it quits. With one, no OnBeforeClose is needed, so
		// nothing can veto the tray's Quit.
		HideWindowOnClose: withTray,
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               uniqueID,
			OnSecondInstanceLaunch: sh.secondInstance,
		},
		OnStartup:  sh.startup,
		OnDomReady: sh.domReady,
		OnShutdown: sh.shutdown,
		Bind:       []any{sh.bind},
		Linux: &linux.Options{
			Icon:        trayicons.App(),
			ProgramName: "netpulse-desktop", // WM_CLASS, matches the .desktop file
			// Software rendering: GPU compositing leaves the window blank on
			// some drivers (wailsapp/wails#2977). Wails picks this when
			// Linux options are nil; the zero value would be OnDemand.
			WebviewGpuPolicy: linux.WebviewGpuPolicyNever,
		},
	}
}

func (sh *shell) startup(wctx context.Context) {
	sh.mu.Lock()
	sh.wctx = wctx
	sh.mu.Unlock()
	sh.marker("startup", "")
	if sh.ctx.Err() != nil {
		// The signal came before wails.Run listened for signals, so Wails
		// will not act on it.
		sh.quit("signal")
	}
	sh.goFn(sh.emitRates)
	sh.goFn(sh.noteSignal)
	sh.goFn(sh.notifyAlerts)
	if sh.tray != nil {
		sh.tray.launch()
	}
}

// domReady carries out a quit asked for before the page loaded (a tray
// click on Windows, an early signal): before GTK's loop runs, a quit is
// dropped.
func (sh *shell) domReady(wctx context.Context) {
	sh.mu.Lock()
	sh.ready = true
	pending := sh.quitPending
	sh.mu.Unlock()
	sh.marker("domready", "")
	if pending {
		runtime.Quit(wctx)
	}
}

// shutdown runs after the window is gone: stop feeding it, remove the icon.
func (sh *shell) shutdown(context.Context) {
	sh.stopAll()
	if sh.tray != nil {
		sh.tray.finish()
	}
	sh.marker("shutdown", "")
}

// stopAll ends the shell's goroutines and waits for them; safe to repeat.
func (sh *shell) stopAll() {
	sh.mu.Lock()
	already := sh.stopping
	sh.stopping = true
	sh.mu.Unlock()
	if already {
		return
	}
	sh.markQuitting()
	sh.stop()
	sh.wg.Wait()
}

// markQuitting records that the app is on its way out and reports whether
// it already was. From then on SIGINT and SIGTERM are ignored: Wails v2
// answers them from its own goroutine (internal/signal) by quitting again,
// and on Linux that calls gtk_main_quit on a loop that has already ended,
// which crashes.
func (sh *shell) markQuitting() (already bool) {
	sh.mu.Lock()
	already, sh.quitting = sh.quitting, true
	sh.mu.Unlock()
	signal.Ignore(os.Interrupt, syscall.SIGTERM)
	return already
}

// quit closes the window and ends wails.Run, now or once the page is up.
func (sh *shell) quit(from string) {
	if sh.markQuitting() {
		return
	}
	sh.log.Info("quitting", "from", from)
	sh.marker("quit", from)
	sh.mu.Lock()
	wctx, ready := sh.wctx, sh.ready
	sh.quitPending = !ready
	sh.mu.Unlock()
	if ready {
		runtime.Quit(wctx)
	}
}

// showWindow brings the window up, optionally on one view of the dashboard.
func (sh *shell) showWindow(view string) {
	wctx := sh.wailsCtx()
	if wctx == nil {
		return
	}
	if goruntime.GOOS == "darwin" {
		runtime.Show(wctx) // unhides the application, which ⌘H may have hidden
	}
	runtime.WindowShow(wctx)
	runtime.WindowUnminimise(wctx)
	if !sh.bind.shown.Swap(true) {
		runtime.EventsEmit(wctx, eventShown, true)
	}
	if view != "" {
		runtime.EventsEmit(wctx, eventNavigate, view)
	}
	sh.marker("window-shown", view)
}

func (sh *shell) secondInstance(options.SecondInstanceData) {
	sh.log.Info("Net-Pulse was launched again: showing the window")
	sh.showWindow("")
}

func (sh *shell) wailsCtx() context.Context {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.wctx
}

// emitRates pushes every live sample to the window as a Wails event: SSE
// does not stream through the Wails asset server on Windows.
func (sh *shell) emitRates() {
	samples, unsubscribe := sh.svc.Subscribe()
	defer unsubscribe()
	wctx := sh.wailsCtx()
	for {
		select {
		case <-sh.stopCtx.Done():
			return
		case s := <-samples:
			if !sh.bind.shown.Load() {
				continue // a window started hidden draws nothing; the tray has its own feed
			}
			runtime.EventsEmit(wctx, eventRates, s)
			if sh.markers {
				var rx, tx int64
				for _, r := range s.Interfaces {
					rx, tx = rx+r.RxBytes, tx+r.TxBytes
				}
				sh.marker("rates", fmt.Sprintf("rx=%d tx=%d", rx, tx))
			}
		}
	}
}

// noteSignal notes SIGINT and SIGTERM (main cancels ctx on them). It does
// not quit the window itself: Wails v2 gets the same signal and quits it, and
// a second quit would race the first (see markQuitting).
func (sh *shell) noteSignal() {
	select {
	case <-sh.ctx.Done():
		if !sh.markQuitting() {
			sh.log.Info("quitting", "from", "signal")
			sh.marker("quit", "signal")
		}
	case <-sh.stopCtx.Done():
	}
}

// goFn runs f in a goroutine that stopAll waits for; after stopAll has
// begun it does nothing.
func (sh *shell) goFn(f func()) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.stopping {
		return
	}
	sh.wg.Add(1)
	go func() {
		defer sh.wg.Done()
		f()
	}()
}

// marker prints one line for the desktop tests when NETPULSE_TEST_MARKERS=1.
func (sh *shell) marker(event, detail string) {
	if sh.markers {
		fmt.Printf("netpulse-test: %s %s\n", event, detail)
	}
}

func (sh *shell) observeBinding(method string, result any, err error) {
	detail := method
	switch {
	case err != nil:
		detail += " error=" + err.Error()
	case method == "ReportReady":
		detail += " " + result.(string)
	case method == "StartAtLogin" || method == "SetStartAtLogin":
		detail += fmt.Sprintf(" on=%v", result)
	case method == "Traffic":
		t := result.(Traffic)
		points := 0
		for _, s := range t.Series {
			points += len(s.Points)
		}
		detail += fmt.Sprintf(" series=%d points=%d", len(t.Series), points)
	}
	sh.marker("binding", detail)
}

// secondInstancePayload is what Wails' single-instance lock sends to the
// running instance: options.SecondInstanceData as JSON.
func secondInstancePayload() string {
	wd, _ := os.Getwd()
	b, _ := json.Marshal(options.SecondInstanceData{Args: os.Args[1:], WorkingDirectory: wd})
	return string(b)
}
