//go:build desktop

package desktop

// The desktop app's resident process: the Service (collector, storage), the
// tray icon (tray.go) and the private channel (privchan.go). It carries no
// browser engine. The dashboard window is a second process, this same binary
// started as `--window-of SOCKET` (window.go, windowproc.go) when the user
// opens it; closing the window ends that process and frees its memory. The
// resident runs until the user quits (tray, or the window when there is no
// tray) or ctx ends (SIGINT, SIGTERM).

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/netpulse/netpulse/app"
)

// Build reports that this binary has the desktop window and tray.
const Build = true

// Event names the window listens to.
const (
	eventRates    = "traffic:rates"  // payload: LiveSample, once per poll
	eventNavigate = "app:navigate"   // payload: "dashboard" or "settings"
	eventShown    = "app:visibility" // payload: true once a hidden window is shown
)

// Run runs the resident process until the user quits or ctx ends, opening
// the window at once unless cfg.StartHidden and a tray can bring it back.
// The caller has checked HasDisplay. Run returns once the window process is
// gone; the caller then closes svc, which flushes the pending samples.
func Run(ctx context.Context, svc *app.Service, cfg app.Config, assets fs.FS, log *slog.Logger) error {
	priv, err := listenPriv(cfg.DataDir)
	if err != nil {
		return err
	}
	defer priv.close()
	sh := newShell(ctx, svc, cfg, priv, log)
	srv := &http.Server{
		Handler:           priv.guard(sh.privHandler(assets)),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(sh.log.Handler(), slog.LevelDebug),
	}
	go srv.Serve(priv.ln)
	defer srv.Close()

	withTray := sh.tray != nil && sh.tray.host.visible
	if cfg.StartHidden && !withTray {
		sh.log.Warn("ignoring --hidden: no tray icon to bring the window back from")
	}
	sh.marker("startup", "")
	sh.goFn(sh.noteSignal)
	sh.goFn(sh.notifyAlerts)
	if sh.tray != nil {
		sh.tray.launch()
	}
	if !cfg.StartHidden || !withTray {
		sh.showWindow("")
	}
	sh.runLoop() // returns after quit (resident_*.go)
	sh.stopAll()
	sh.marker("shutdown", "")
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.failed
}

// trayShown tells whether something shows the tray icon now, so closing
// the window may leave the app running.
func (sh *shell) trayShown() bool { return sh.tray != nil && sh.tray.shownNow() }

// shell owns the resident's goroutines, the tray and the window process.
type shell struct {
	ctx  context.Context // from main; ends on SIGINT or SIGTERM
	svc  *app.Service
	cfg  app.Config
	log  *slog.Logger
	priv *privServer
	tray *tray // nil when there is no tray

	lifecycle               // mu guards win and failed too
	win       *windowProc   // the window process, nil while there is none
	failed    error         // why the app ended without showing anything
	done      chan struct{} // closed by quit: runLoop returns
	doneOnce  sync.Once
}

func newShell(ctx context.Context, svc *app.Service, cfg app.Config, priv *privServer, log *slog.Logger) *shell {
	sh := &shell{ctx: ctx, svc: svc, cfg: cfg, log: log, priv: priv, done: make(chan struct{})}
	sh.init(cfg.TestMarkers)
	// The tray is registered on the main goroutine: Windows needs its window
	// on the thread that runs the message loop (runLoop).
	sh.tray = newTray(sh)
	return sh
}

// quit ends the window process, then lets runLoop return. It blocks until
// the window is gone, so call it from a goroutine of its own or the tray's.
func (sh *shell) quit(from string) {
	if sh.markQuitting() {
		return
	}
	sh.log.Info("quitting", "from", from)
	sh.marker("quit", from)
	sh.closeWindow()
	sh.doneOnce.Do(func() { close(sh.done) })
}

// finishTrayAtQuit has the tray removed once quit is asked for: on Windows
// and macOS that is what ends runLoop's event loop. It reports false when
// there is no tray, and so no loop to run.
func (sh *shell) finishTrayAtQuit() bool {
	if sh.tray == nil {
		return false
	}
	go func() {
		<-sh.done
		sh.tray.finish()
	}()
	return true
}

// noteSignal quits on SIGINT and SIGTERM (main cancels ctx on them).
func (sh *shell) noteSignal() {
	select {
	case <-sh.ctx.Done():
		sh.quit("signal")
	case <-sh.stopCtx.Done():
	}
}
