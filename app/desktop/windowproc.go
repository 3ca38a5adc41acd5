//go:build desktop

package desktop

// The resident's side of the window process: starting it, telling it what
// to show, feeding it live samples, ending it.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"time"

	"github.com/netpulse/netpulse/app"
	"github.com/netpulse/netpulse/app/web"
)

// windowHelper is the window program the resident starts when it carries no
// window itself (the Linux build): it is installed next to the resident.
const windowHelper = "netpulse-desktop-window"

// windowViewEnv names the view a new window opens on.
const windowViewEnv = "NETPULSE_WINDOW_VIEW"

// residentExeEnv names the resident's executable to the window process: the
// program a login entry must start, which on Linux is not the window's.
const residentExeEnv = "NETPULSE_RESIDENT_EXE"

// windowGrace is how long a window process gets to leave after its feed
// ended before it is killed.
const windowGrace = 5 * time.Second

// windowProc is one run of the window process.
type windowProc struct {
	cmd     *exec.Cmd
	show    chan string   // views to show, read by the window's feed
	closing chan struct{} // closed by closeWindow: the feed ends
	waitc   <-chan error  // the process's end, from startChild
	exited  chan struct{} // closed once the process has been waited for
}

// showWindow brings the window up, optionally on one view of the dashboard:
// a running window process is told so over its feed, else one is started.
func (sh *shell) showWindow(view string) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.quitting {
		return
	}
	if w := sh.win; w != nil {
		select {
		case w.show <- view:
		default: // a burst of clicks; the window is coming up anyway
		}
		return
	}
	w, err := sh.startWindow(view)
	if err != nil {
		sh.log.Error("cannot open the window", "err", err)
		if !sh.trayShown() { // nothing else to show: end with the error
			sh.failed = err
			go sh.quit("no window")
		}
		return
	}
	sh.win = w
	sh.marker("window-started", fmt.Sprint(w.cmd.Process.Pid))
	go sh.waitWindow(w)
}

// startWindow runs this binary as the window process. The token goes in its
// environment, which other users cannot read; its output goes where ours
// does.
func (sh *shell) startWindow(view string) (*windowProc, error) {
	exe, err := windowExecutable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, WindowFlag, sh.priv.sock)
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find this program: %w", err)
	}
	cmd.Env = append(os.Environ(), privTokenEnv+"="+sh.priv.token, windowViewEnv+"="+view, residentExeEnv+"="+self)
	if os.Stdout != nil { // a Windows GUI program has none
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	}
	w := &windowProc{cmd: cmd, show: make(chan string, 4), closing: make(chan struct{}), exited: make(chan struct{})}
	if w.waitc, err = startChild(cmd); err != nil {
		return nil, fmt.Errorf("start the window process: %w", err)
	}
	return w, nil
}

// windowExecutable is this program when it carries the window, else the
// window program next to it.
func windowExecutable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find this program: %w", err)
	}
	if windowCapable {
		return exe, nil
	}
	helper := filepath.Join(filepath.Dir(exe), windowHelper)
	if goruntime.GOOS == "windows" {
		helper += ".exe"
	}
	if _, err := os.Stat(helper); err != nil {
		return "", fmt.Errorf("the window program is missing: install %s next to %s", windowHelper, exe)
	}
	return helper, nil
}

// waitWindow waits for the window process to end. Without a tray to open it
// again, the app ends with it.
func (sh *shell) waitWindow(w *windowProc) {
	err := <-w.waitc
	close(w.exited)
	sh.mu.Lock()
	sh.win = nil
	quitting := sh.quitting
	sh.mu.Unlock()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	sh.marker("window-exit", fmt.Sprint(code))
	if code != 0 && !quitting {
		sh.log.Warn("the window process ended", "err", err)
	}
	if !quitting && !sh.trayShown() {
		go sh.quit("window closed")
	}
}

// closeWindow ends the window process and waits for it: its feed ends, on
// which it quits by itself; one that does not is killed.
func (sh *shell) closeWindow() {
	sh.mu.Lock()
	w := sh.win
	sh.mu.Unlock()
	if w == nil {
		return
	}
	close(w.closing)
	select {
	case <-w.exited:
		return
	case <-time.After(windowGrace):
	}
	sh.log.Warn("the window process did not quit: killing it")
	w.cmd.Process.Kill()
	<-w.exited
}

// privHandler is what the private channel serves: the HTTP API (without the
// password, which the token replaces), the window's feed, and the show
// request of a second launch.
func (sh *shell) privHandler(assets fs.FS) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /window/feed", sh.feed)
	mux.HandleFunc("POST /window/show", func(w http.ResponseWriter, r *http.Request) {
		sh.log.Info("Net-Pulse was launched again: showing the window")
		sh.showWindow(r.URL.Query().Get("view"))
		w.WriteHeader(http.StatusNoContent)
	})
	mux.Handle("/", privAPI(sh.svc, sh.cfg, assets, sh.log))
	return mux
}

// feed streams to the window process, as Server-Sent Events, every live
// sample ("rates") and every request to show it ("show"). It ends when the
// window is to close; the window quits when it ends.
func (sh *shell) feed(w http.ResponseWriter, r *http.Request) {
	sh.mu.Lock()
	win := sh.win
	sh.mu.Unlock()
	if win == nil {
		web.WriteError(w, http.StatusConflict, "no window process is running")
		return
	}
	rc := http.NewResponseController(w)
	samples, unsubscribe := sh.svc.Subscribe()
	defer unsubscribe()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "event: hello\ndata: {}\n\n"); err != nil || rc.Flush() != nil {
		return
	}
	for {
		var event string
		var data []byte
		select {
		case <-r.Context().Done():
			return
		case <-win.closing:
			return
		case <-sh.stopCtx.Done():
			return
		case s := <-samples:
			event, data = "rates", feedJSON(s)
		case v := <-win.show:
			event, data = "show", feedJSON(v)
		}
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}

func feedJSON(v any) []byte {
	b, _ := json.Marshal(v) // LiveSample and strings always encode
	return b
}

// FocusRunningInstance asks the instance running on cfg's data folder to
// show its window, and reports whether one did. Call it before opening the
// database, so a second launch leaves no trace.
func FocusRunningInstance(cfg app.Config) bool {
	c, ok := dialRunning(cfg.DataDir)
	if !ok {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := c.request(ctx, http.MethodPost, "/window/show", "", nil)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusNoContent
}
