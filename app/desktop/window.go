//go:build desktop && production

package desktop

// The window process: the dashboard in a Wails window. Its bindings and its
// live samples come from the resident process over the private channel
// (privchan.go); it owns no data and nothing of it outlives the window.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	goruntime "runtime"
	"strings"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/netpulse/netpulse/internal/trayicons"

	"github.com/netpulse/netpulse/app"
)

// windowCapable reports whether this binary carries the window.
const windowCapable = true

// A minimised window is released after this long: the tray opens a new one
// in well under two seconds.
const (
	minimisedCheck   = 30 * time.Second
	minimisedRelease = 10 * time.Minute
)

// RunWindow runs the window process until the window is closed or the
// resident process behind sock is gone. The session token comes in the
// environment (privTokenEnv); markers is Config.TestMarkers.
func RunWindow(ctx context.Context, sock string, markers bool, assets fs.FS, log *slog.Logger) (err error) {
	token, view, resident := os.Getenv(privTokenEnv), os.Getenv(windowViewEnv), os.Getenv(residentExeEnv)
	os.Unsetenv(privTokenEnv) // WebKit's helper processes need not see it
	os.Unsetenv(windowViewEnv)
	os.Unsetenv(residentExeEnv)
	if token == "" {
		return errors.New(WindowFlag + " is how the desktop app starts its own window; start netpulse-desktop without it")
	}
	w := newWindowShell(ctx, newPrivClient(sock, token), view, markers, log)
	w.bind.residentExe = resident
	defer func() {
		// Wails panics when the toolkit cannot start (for example GTK
		// without a usable display); report it like any other error.
		if r := recover(); r != nil {
			err = fmt.Errorf("window: %v", r)
		}
		w.stopAll()
	}()
	return wails.Run(w.options(assets))
}

// windowShell owns the window's lifecycle and the goroutines that feed it.
type windowShell struct {
	ctx     context.Context // from main; ends on SIGINT or SIGTERM
	started time.Time       // for the test markers' timings
	client  *privClient
	log     *slog.Logger
	bind    *Desktop

	lifecycle                   // mu guards the fields below too
	wctx        context.Context // Wails' context, from OnStartup
	ready       bool            // the page has loaded: GTK's loop runs
	view        string          // to show once ready
	quitPending bool            // asked before ready; done in domReady
}

func newWindowShell(ctx context.Context, client *privClient, view string, markers bool, log *slog.Logger) *windowShell {
	w := &windowShell{ctx: ctx, started: time.Now(), client: client, log: log, view: view}
	w.init(markers)
	w.bind = newDesktop(w.stopCtx, remoteService{client})
	w.bind.shown.Store(true) // the window exists only to be seen
	if w.markers {
		w.bind.observe = w.observeBinding
	}
	return w
}

func (w *windowShell) options(assets fs.FS) *options.App {
	return &options.App{
		Title:     "Net-Pulse",
		Width:     1180,
		Height:    780,
		MinWidth:  640,
		MinHeight: 480,
		// The page and its files come from this binary; only data crosses
		// the private channel.
		AssetServer: &assetserver.Options{Assets: assets},
		OnStartup:   w.startup,
		OnDomReady:  w.domReady,
		OnShutdown:  w.shutdown,
		Bind:        []any{w.bind},
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

func (w *windowShell) startup(wctx context.Context) {
	w.mu.Lock()
	w.wctx = wctx
	w.mu.Unlock()
	w.marker("window-timing", "startup "+w.since())
	if w.ctx.Err() != nil {
		// The signal came before wails.Run listened for signals, so Wails
		// will not act on it.
		w.quit("signal")
	}
	w.goFn(w.follow)
	w.goFn(w.noteSignal)
	w.goFn(w.releaseWhenMinimised)
}

// domReady shows the view asked for and carries out a quit asked for
// before the page loaded: before GTK's loop runs, a quit is dropped.
func (w *windowShell) domReady(wctx context.Context) {
	w.mu.Lock()
	w.ready = true
	pending, view := w.quitPending, w.view
	w.mu.Unlock()
	w.marker("domready", "")
	w.marker("window-timing", "domready "+w.since())
	if pending {
		runtime.Quit(wctx)
		return
	}
	w.show(view)
}

func (w *windowShell) shutdown(context.Context) {
	w.stopAll()
	w.marker("window-shutdown", "")
}

// quit closes the window and ends wails.Run, now or once the page is up.
func (w *windowShell) quit(from string) {
	if w.markQuitting() {
		return
	}
	w.marker("window-quit", from)
	w.mu.Lock()
	wctx, ready := w.wctx, w.ready
	w.quitPending = !ready
	w.mu.Unlock()
	if ready {
		runtime.Quit(wctx)
	}
}

// noteSignal notes SIGINT and SIGTERM; Wails quits on them by itself.
func (w *windowShell) noteSignal() {
	select {
	case <-w.ctx.Done():
		w.markQuitting()
	case <-w.stopCtx.Done():
	}
}

// show brings the window up on view ("" keeps the current one).
func (w *windowShell) show(view string) {
	w.mu.Lock()
	wctx, ready := w.wctx, w.ready
	if !ready {
		w.view = view
	}
	w.mu.Unlock()
	if !ready {
		return
	}
	if goruntime.GOOS == "darwin" {
		runtime.Show(wctx) // unhides the application, which ⌘H may have hidden
	}
	runtime.WindowShow(wctx)
	runtime.WindowUnminimise(wctx)
	if view != "" {
		runtime.EventsEmit(wctx, eventNavigate, view)
	}
	w.marker("window-shown", view)
}

// follow reads the resident's feed: live samples go to the page as Wails
// events (SSE does not stream through Wails' asset server on Windows), show
// requests to the window. When the feed ends, the resident has quit or died,
// and so does the window.
func (w *windowShell) follow() {
	resp, err := w.client.request(w.stopCtx, http.MethodGet, "/window/feed", "", nil)
	if err == nil && resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		err = errors.New(resp.Status)
	}
	if err != nil {
		if w.stopCtx.Err() == nil {
			w.log.Error("the Net-Pulse service cannot be reached: closing the window", "err", err)
			w.quit("no service")
		}
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	var event string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			w.handle(event, []byte(line[len("data: "):]))
		}
	}
	if w.stopCtx.Err() != nil {
		return
	}
	// A SIGTERM to the whole group also ends the feed; Wails is already
	// quitting then, and a second quit would crash (markQuitting).
	select {
	case <-w.ctx.Done():
	case <-time.After(200 * time.Millisecond):
		w.quit("service gone")
	}
}

func (w *windowShell) handle(event string, data []byte) {
	w.mu.Lock()
	wctx := w.wctx
	w.mu.Unlock()
	switch event {
	case "rates":
		runtime.EventsEmit(wctx, eventRates, json.RawMessage(data))
		if w.markers {
			var s app.LiveSample
			json.Unmarshal(data, &s)
			var rx, tx int64
			for _, r := range s.Interfaces {
				rx, tx = rx+r.RxBytes, tx+r.TxBytes
			}
			w.marker("rates", fmt.Sprintf("rx=%d tx=%d", rx, tx))
		}
	case "show":
		var view string
		json.Unmarshal(data, &view)
		w.show(view)
	}
}

// releaseWhenMinimised closes a window left minimised for a long time: its
// browser engine would hold memory for nothing.
func (w *windowShell) releaseWhenMinimised() {
	tick := time.NewTicker(minimisedCheck)
	defer tick.Stop()
	var since time.Time
	for {
		select {
		case <-w.stopCtx.Done():
			return
		case now := <-tick.C:
			w.mu.Lock()
			wctx, ready := w.wctx, w.ready
			w.mu.Unlock()
			switch {
			case !ready || !runtime.WindowIsMinimised(wctx):
				since = time.Time{}
			case since.IsZero():
				since = now
			case now.Sub(since) >= minimisedRelease:
				w.quit("minimised")
				return
			}
		}
	}
}

// since is the time since the process started, for the markers.
func (w *windowShell) since() string {
	return fmt.Sprintf("%dms", time.Since(w.started).Milliseconds())
}

func (w *windowShell) observeBinding(method string, result any, err error) {
	detail := method
	switch {
	case err != nil:
		detail += " error=" + err.Error()
	case method == "ReportReady":
		detail += " " + result.(string)
		defer w.marker("window-timing", result.(string)+" "+w.since())
	case method == "StartAtLogin" || method == "SetStartAtLogin":
		detail += fmt.Sprintf(" on=%v", result)
	case method == "Traffic":
		t := result.(app.Traffic)
		points := 0
		for _, s := range t.Series {
			points += len(s.Points)
		}
		detail += fmt.Sprintf(" series=%d points=%d", len(t.Series), points)
	}
	w.marker("binding", detail+" t="+w.since())
}
