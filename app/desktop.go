//go:build desktop

package app

// The desktop app's resident process: the Service (collector, storage), the
// tray icon (tray.go) and the private channel (privchan.go). It carries no
// browser engine. The dashboard window is a second process, this same binary
// started as `--window-of SOCKET` (window.go, windowproc.go) when the user
// opens it; closing the window ends that process and frees its memory. The
// resident runs until the user quits (tray, or the window when there is no
// tray) or ctx ends (SIGINT, SIGTERM).

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	goruntime "runtime"
	"sync"
	"syscall"
	"time"
)

// DesktopBuild reports that this binary has the desktop window and tray.
const DesktopBuild = true

// Event names the window listens to.
const (
	eventRates    = "traffic:rates"  // payload: LiveSample, once per poll
	eventNavigate = "app:navigate"   // payload: "dashboard" or "settings"
	eventShown    = "app:visibility" // payload: true once a hidden window is shown
)

// RunDesktop runs the resident process until the user quits or ctx ends,
// opening the window at once unless cfg.StartHidden and a tray can bring it
// back. It returns once the window process is gone; the caller then closes
// svc, which flushes the pending samples.
func RunDesktop(ctx context.Context, svc *Service, cfg Config, assets fs.FS) error {
	if goruntime.GOOS == "linux" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("desktop: no display (DISPLAY and WAYLAND_DISPLAY are unset); run with --headless to serve the dashboard over HTTP")
	}
	priv, err := listenPriv(cfg.DataDir)
	if err != nil {
		return err
	}
	defer priv.close()
	sh := newShell(ctx, svc, cfg, priv)
	srv := &http.Server{
		Handler:           priv.guard(sh.privHandler(assets)),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(sh.log.Handler(), slog.LevelDebug),
	}
	go srv.Serve(priv.ln)
	defer srv.Close()

	sh.withTray = sh.tray != nil && sh.tray.visible
	if cfg.StartHidden && !sh.withTray {
		sh.log.Warn("ignoring --hidden: no tray icon to bring the window back from")
	}
	sh.marker("startup", "")
	sh.goFn(sh.noteSignal)
	if sh.tray != nil {
		sh.tray.launch()
	}
	if !cfg.StartHidden || !sh.withTray {
		sh.showWindow("")
	}
	sh.runLoop() // returns after quit
	sh.stopAll()
	sh.marker("shutdown", "")
	return nil
}

// shell owns the resident's goroutines, the tray and the window process.
type shell struct {
	ctx      context.Context // from main; ends on SIGINT or SIGTERM
	svc      *Service
	cfg      Config
	log      *slog.Logger
	priv     *privServer
	tray     *tray // nil when there is no tray
	withTray bool  // a tray is shown, so closing the window need not quit
	markers  bool  // NETPULSE_TEST_MARKERS: print lifecycle lines for tests

	mu       sync.Mutex
	win      *windowProc // the window process, nil while there is none
	quitting bool
	stopping bool          // stopAll has begun: start no more goroutines
	done     chan struct{} // closed by quit: runLoop returns
	doneOnce sync.Once

	stopCtx context.Context // ends the shell's goroutines at shutdown
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

func newShell(ctx context.Context, svc *Service, cfg Config, priv *privServer) *shell {
	stopCtx, stop := context.WithCancel(context.Background())
	sh := &shell{
		ctx: ctx, svc: svc, cfg: cfg, log: svc.log, priv: priv,
		markers: os.Getenv("NETPULSE_TEST_MARKERS") == "1",
		done:    make(chan struct{}),
		stopCtx: stopCtx, stop: stop,
	}
	// The tray is registered on the main goroutine: Windows needs its window
	// on the thread that runs the message loop (runLoop).
	sh.tray = newTray(sh)
	return sh
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
// it already was. Further SIGINT and SIGTERM are ignored: the first one has
// started the same way out.
func (sh *shell) markQuitting() (already bool) {
	sh.mu.Lock()
	already, sh.quitting = sh.quitting, true
	sh.mu.Unlock()
	signal.Ignore(os.Interrupt, syscall.SIGTERM)
	return already
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

// noteSignal quits on SIGINT and SIGTERM (main cancels ctx on them).
func (sh *shell) noteSignal() {
	select {
	case <-sh.ctx.Done():
		sh.quit("signal")
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
