//go:build linux

package desktop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netpulse/netpulse/internal/testnet"
)

var (
	markerDomReady = regexp.MustCompile(`^netpulse-test: domready`)
	// A Traffic binding answered with points: the front end asked for data
	// and got something to draw.
	markerTrafficData  = regexp.MustCompile(`^netpulse-test: binding Traffic series=([1-9]\d*) points=([1-9]\d*)`)
	markerTrafficAsked = regexp.MustCompile(`^netpulse-test: binding Traffic `)
	// The dashboard drew its first traffic answer (Desktop.ReportReady).
	markerDrawn    = regexp.MustCompile(`^netpulse-test: binding ReportReady chart`)
	markerShutdown = regexp.MustCompile(`^netpulse-test: shutdown`)
	markerFlushed  = regexp.MustCompile(`stopped; all samples written`)
	// The tray's exit callback wrote the pending samples: what a Windows
	// session's end (WM_ENDSESSION) runs before the system ends the
	// process.
	markerTrayExit  = regexp.MustCompile(`^netpulse-test: tray-exit flushed`)
	markerTrayReady = regexp.MustCompile(`^netpulse-test: tray ready`)
	markerNoTray    = regexp.MustCompile(`^netpulse-test: tray none`)
	markerNoBus     = regexp.MustCompile(`no D-Bus session bus: running without a tray icon`)
	markerShown     = regexp.MustCompile(`^netpulse-test: window-shown ?(\S*)`)
	markerRates     = regexp.MustCompile(`^netpulse-test: rates rx=(\d+) tx=(\d+)`)
	// The Settings page read the login entry (Desktop.StartAtLogin).
	markerStartAtLogin = regexp.MustCompile(`^netpulse-test: binding StartAtLogin (\S+)`)
)

// pair sets up a veth pair for traffic, or skips when that needs privileges
// the test does not have.
func pair(t *testing.T, name string) testnet.Pair {
	t.Helper()
	if err := testnet.ForTests(); err != nil {
		t.Skip("traffic over a veth pair:", err)
	}
	p := testnet.NewPair(name)
	if err := p.Up(false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Down)
	return p
}

// headless runs the binary with --headless on dataDir (the desktop binary
// serves the API too) and returns its base URL and a stop function that
// checks for a clean exit.
func headless(t *testing.T, dataDir string) (base string, stop func()) {
	t.Helper()
	addr := freeAddr(t)
	a := startApp(t, dataDir, "--headless", "--listen", addr)
	base = "http://" + addr
	waitHTTP(t, base+"/api/health", 15*time.Second)
	return base, func() {
		t.Helper()
		a.signal(syscall.SIGTERM)
		if code := a.wait(15 * time.Second); code != 0 {
			t.Fatalf("--headless exited %d", code)
		}
	}
}

// monitor selects the interface to monitor through the HTTP API.
func monitor(t *testing.T, base, iface string) {
	t.Helper()
	body := fmt.Sprintf(`{"interfaces":[%q]}`, iface)
	resp, err := http.Post(base+"/api/config/monitored_interfaces", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("select %s: %s", iface, resp.Status)
	}
}

// totals reads the traffic recorded for iface over the last 10 minutes. The
// window ends a minute ahead: a query ending now leaves out the bucket that
// starts in the current second.
func totals(t *testing.T, base, iface string) (rx, tx int64) {
	t.Helper()
	end := time.Now().Add(time.Minute).UTC().Format(time.RFC3339)
	resp, err := http.Get(base + "/api/traffic?window=11m&group=1m&end=" + end + "&interface=" + iface)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr struct {
		RxBytes int64 `json:"rx_bytes"`
		TxBytes int64 `json:"tx_bytes"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil {
		t.Fatal(err)
	}
	return tr.RxBytes, tr.TxBytes
}

// waitPolled waits for a live sample from the server at base that lists
// iface: from then on its counters have a baseline, and traffic counts.
func waitPolled(t *testing.T, base, iface string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/live", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	s := bufio.NewScanner(resp.Body)
	for s.Scan() {
		if strings.HasPrefix(s.Text(), "data:") && strings.Contains(s.Text(), fmt.Sprintf(`"interface":%q`, iface)) {
			return
		}
	}
	t.Fatalf("no live sample listed %s: %v", iface, ctx.Err())
}

// send moves n bytes each way over p and waits until the server at base has
// counted them.
func send(t *testing.T, base string, p testnet.Pair, n int64) {
	t.Helper()
	waitPolled(t, base, p.Host)
	rx0, tx0 := totals(t, base, p.Host)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Send(ctx, n, n); err != nil {
		t.Fatal(err)
	}
	for {
		rx, tx := totals(t, base, p.Host)
		if rx-rx0 >= n && tx-tx0 >= n {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the server counted rx=%d tx=%d of %d each way", rx-rx0, tx-tx0, n)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestWindowSmoke: the window loads the dashboard, the front end calls a
// binding and draws its answer, a second launch hands over to the running
// instance, and SIGTERM flushes and exits 0.
func TestWindowSmoke(t *testing.T) {
	needEnv(t)
	data := t.TempDir()
	p := pair(t, "npsmoke")
	// Recorded traffic first, so the window's first query has data to draw.
	const sent = 1 << 20
	base, stop := headless(t, data)
	monitor(t, base, p.Host)
	send(t, base, p, sent)
	stop()

	start := time.Now()
	a := startApp(t, data)
	a.waitLine(markerDomReady, 45*time.Second)
	m := a.waitLine(markerTrafficData, 45*time.Second)
	t.Logf("the dashboard asked for traffic and got %s series, %s points, %s after start", m[1], m[2], time.Since(start).Round(time.Millisecond))

	// The dashboard says when it has drawn the answer. WebKit's web process
	// then hands the frame to the X server, so the screen may still show an
	// older frame: take the first one that differs from it. The live readout
	// repaints every second, so a screen that was already current changes
	// soon as well; if nothing changes, the screen was current.
	a.waitLine(markerDrawn, 45*time.Second)
	drawn := time.Since(start)
	w := waitViewable(t, true, 5*time.Second)
	before, err := screenshot(w)
	if err != nil {
		t.Fatal(err)
	}
	img := before
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if img, err = screenshot(w); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(img.Pix, before.Pix) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := colours(img, 64); n < 32 {
		t.Fatalf("the dashboard reported drawing, but the window shows %d colours", n)
	}
	path := filepath.Join(env.artifacts, "window.png")
	if err := savePNG(img, path); err != nil {
		t.Fatal(err)
	}
	t.Logf("drawn %s after start, on screen by %s; screenshot %dx%d saved to %s",
		drawn.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), img.Bounds().Dx(), img.Bounds().Dy(), path)

	// A second launch shows the running window and leaves.
	from := a.mark()
	second := startApp(t, data)
	if code := second.wait(15 * time.Second); code != 0 {
		t.Errorf("second launch exited %d, want 0", code)
	}
	if strings.Contains(second.output(), "msg=monitoring") {
		t.Error("second launch opened the database")
	}
	a.waitLineAfter(&from, markerShown, 5*time.Second)
	if n := strings.Count(a.output(), "netpulse-test: window-started"); n != 1 {
		t.Errorf("%d window processes started, want 1: the second launch should show the running one", n)
	}

	// More traffic while the window is open; the app's rate events say when
	// its polls have counted it. Only the exit flush can save it: the flush
	// interval is one hour.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	from = a.mark()
	if err := p.Send(ctx, sent, sent); err != nil {
		t.Fatal(err)
	}
	for rx, tx := int64(0), int64(0); rx < sent || tx < sent; {
		m := a.waitLineAfter(&from, markerRates, 10*time.Second)
		n, _ := strconv.ParseInt(m[1], 10, 64)
		rx += n
		n, _ = strconv.ParseInt(m[2], 10, 64)
		tx += n
	}

	everything := tree(a.cmd.Process.Pid)
	a.signal(syscall.SIGTERM)
	if code := a.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit status after SIGTERM: %d, want 0", code)
	}
	a.waitLine(markerShutdown, time.Second)
	a.waitLine(markerFlushed, time.Second)
	if m := a.waitLine(markerWindowExit, time.Second); m[1] != "0" {
		t.Errorf("the window process exited %s after SIGTERM, want 0", m[1])
	}
	waitGone(t, everything, 5*time.Second)
	base, stop = headless(t, data)
	if rx, tx := totals(t, base, p.Host); rx < 2*sent || tx < 2*sent {
		t.Errorf("recorded rx=%d tx=%d after exit, want at least %d each", rx, tx, 2*sent)
	}
	stop()
}

// TestTray: the tray registers with the panel, shows live rates in its
// tooltip and icon, offers the documented menu, and its items work. The
// window is a process of its own: none runs while it is closed, Open
// dashboard starts one that draws the chart, closing it ends it with its
// WebKit helpers, killing it leaves the tray and the recording alone, and
// Quit ends everything with status 0.
func TestTray(t *testing.T) {
	needEnv(t)
	data := t.TempDir()
	p := pair(t, "nptray")
	base, stop := headless(t, data)
	monitor(t, base, p.Host)
	stop()
	w := startWatcher(t)

	// A login entry written beforehand: Settings must show it as on.
	config := t.TempDir()
	writeLoginEntry(t, config)
	a := startAppEnv(t, []string{"XDG_CONFIG_HOME=" + config}, data, "--hidden")
	it := w.waitItem(t, 20*time.Second)
	a.waitLine(markerTrayReady, 10*time.Second)

	var title, id string
	it.prop("Title", &title)
	it.prop("Id", &id)
	if title != "Net-Pulse" || id != "Net-Pulse" {
		t.Errorf("Title %q, Id %q; want Net-Pulse", title, id)
	}
	icon := it.icon()
	if icon.W < 22 || icon.W > 32 || icon.H != icon.W || len(icon.Pix) != int(icon.W*icon.H*4) {
		t.Errorf("IconPixmap %dx%d with %d bytes, want a 22–32 px square", icon.W, icon.H, len(icon.Pix))
	}
	if tip := it.tooltip(); !strings.HasPrefix(tip, "Net-Pulse") {
		t.Errorf("tooltip %q", tip)
	}
	if _, ok := findWindow(t); ok {
		t.Error("--hidden made a window")
	}
	if ps := tree(a.cmd.Process.Pid); len(ps) != 1 {
		t.Errorf("--hidden runs %d processes, want the resident alone: %+v", len(ps), ps)
	}

	// Live rates: traffic both ways over the pair must show within 3 s.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	streamErr := make(chan error, 1)
	go func() { streamErr <- p.Stream(ctx, 2_000_000) }()
	started := time.Now()
	rates := regexp.MustCompile(regexp.QuoteMeta(p.Host) + `  ↓ ([\d.]+) \S+  ↑ ([\d.]+) \S+`)
	var tip string
	var down, up int
	for {
		tip = it.tooltip()
		var known bool
		down, up, known = iconLevels(t, it.icon())
		if !known {
			t.Fatal("IconPixmap is none of the pre-rendered icons")
		}
		if m := rates.FindStringSubmatch(tip); m != nil && nonZero(m[1]) && nonZero(m[2]) && down > 0 && up > 0 {
			break
		}
		if time.Since(started) > 3*time.Second {
			t.Fatalf("after 3 s of traffic: tooltip %q, icon levels ↓%d ↑%d", tip, down, up)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("tooltip and icon (↓%d ↑%d) showed the traffic %s after it started: %q",
		down, up, time.Since(started).Round(time.Millisecond), tip)
	cancel()
	if err := <-streamErr; err != nil {
		t.Errorf("traffic: %v", err)
	}

	// The documented menu: interface lines, Open dashboard, Settings, Quit.
	entries := it.menu()
	ids := map[string]int32{}
	var labels []string
	for _, e := range entries {
		if e.visible {
			labels = append(labels, e.label)
			ids[e.label] = e.id
		}
	}
	if len(labels) != 6 || !strings.HasPrefix(labels[0], p.Host+"   ↓ ") || !strings.Contains(labels[0], "today ↓") ||
		strings.Join(labels[1:], "|") != "---|Open dashboard|Settings|---|Quit" {
		t.Fatalf("menu %q", labels)
	}

	// Open dashboard starts the window process, which draws the chart.
	from := a.mark()
	clicked := time.Now()
	it.click(ids["Open dashboard"])
	win := waitViewable(t, true, 10*time.Second)
	winPID, winTree := windowTree(t, a, from)
	a.waitLineAfter(&from, markerShown, 5*time.Second)
	a.waitLineAfter(&from, markerDrawn, 20*time.Second)
	t.Logf("Open dashboard: chart drawn %s after the click; window process %d with %d WebKit helpers",
		time.Since(clicked).Round(time.Millisecond), winPID, len(webKit(winTree)))

	// Closing the window ends its process and its WebKit helpers; the app
	// keeps running.
	if err := closeWindow(win.id); err != nil {
		t.Fatal(err)
	}
	if m := a.waitLineAfter(&from, markerWindowExit, 10*time.Second); m[1] != "0" {
		t.Errorf("the window process exited %s when closed, want 0", m[1])
	}
	waitGone(t, winTree, 10*time.Second)
	if left := webKit(tree(a.cmd.Process.Pid)); len(left) > 0 {
		t.Errorf("WebKit processes left after the window closed: %+v", left)
	}
	select {
	case <-a.done:
		t.Fatal("closing the window ended the app")
	default:
	}

	// Settings opens a new window on the settings view.
	mark := a.mark()
	it.click(ids["Settings"])
	winPID, _ = windowTree(t, a, mark)
	waitViewable(t, true, 10*time.Second)
	if m := a.waitLineAfter(&from, markerShown, 10*time.Second); m[1] != "settings" {
		t.Errorf("Settings showed the view %q", m[1])
	}
	// The Startup switch asked the OS, and found the entry.
	if m := a.waitLineAfter(&from, markerStartAtLogin, 10*time.Second); m[1] != "on=true" {
		t.Errorf("Settings read start at login as %q, want on=true", m[1])
	}

	// kill -9 of the window process: the tray and the recording go on, and
	// the tray opens a new window.
	token := privToken(t, data)
	kill9(t, winPID)
	if m := a.waitLineAfter(&from, markerWindowExit, 10*time.Second); m[1] != "-1" {
		t.Errorf("window-exit %s after kill -9, want -1", m[1])
	}
	polled := lastPoll(t, data, token)
	time.Sleep(2500 * time.Millisecond)
	if now := lastPoll(t, data, token); now <= polled {
		t.Errorf("the collector stopped when the window was killed: last poll %d, then %d", polled, now)
	}
	if tip := it.tooltip(); !strings.HasPrefix(tip, "Net-Pulse") {
		t.Errorf("tooltip after the window was killed: %q", tip)
	}
	it.click(ids["Open dashboard"])
	waitViewable(t, true, 10*time.Second)
	a.waitLineAfter(&from, markerDrawn, 20*time.Second)

	// Quit ends the window and the resident, both with status 0.
	everything := tree(a.cmd.Process.Pid)
	it.click(ids["Quit"])
	if code := a.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit status after Quit: %d, want 0", code)
	}
	if m := a.waitLineAfter(&from, markerWindowExit, time.Second); m[1] != "0" {
		t.Errorf("the window process exited %s on Quit, want 0", m[1])
	}
	a.waitLine(markerTrayExit, time.Second)
	a.waitLine(markerFlushed, time.Second)
	waitGone(t, everything, 5*time.Second)
}

// TestResidentKilled: kill -9 of the resident ends the window process and
// its WebKit helpers too.
func TestResidentKilled(t *testing.T) {
	needEnv(t)
	data := t.TempDir()
	a := startApp(t, data)
	a.waitLine(markerDomReady, 45*time.Second)
	_, winTree := windowTree(t, a, 0)
	kill9(t, a.cmd.Process.Pid)
	a.wait(5 * time.Second)
	waitGone(t, winTree, 10*time.Second)
	if _, ok := findWindow(t); ok {
		t.Error("the window is still on screen")
	}
}

// TestPrivateChannel: the running app's channel answers only with the
// session's token (app's TestPrivChannelRefusesOtherUsers runs a probe as
// another user against the same code), and a second launch uses it to open
// the window of an app running hidden.
func TestPrivateChannel(t *testing.T) {
	needEnv(t)
	data := t.TempDir()
	startWatcher(t) // a tray to start hidden in
	a := startApp(t, data, "--hidden")
	a.waitLine(markerTrayReady, 15*time.Second)
	token := privToken(t, data)
	tests := []struct {
		name, token string
		want        int
	}{
		{"with the token", token, http.StatusOK},
		{"without a token", "", http.StatusUnauthorized},
		{"with a wrong token", strings.Repeat("0", len(token)), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := privGet(t, data, tt.token, "/api/interfaces"); got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
	fi, err := os.Stat(filepath.Join(data, "run"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("the channel's directory has mode %v, want 0700", fi.Mode().Perm())
	}
	for _, arg := range strings.Split(string(must(os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", a.cmd.Process.Pid)))), "\x00") {
		if strings.Contains(arg, token) {
			t.Error("the token is on the command line")
		}
	}
	if strings.Contains(a.output(), "netpulse-test: window-started") {
		t.Fatal("--hidden started a window")
	}
	second := startApp(t, data)
	if code := second.wait(15 * time.Second); code != 0 {
		t.Errorf("second launch exited %d, want 0", code)
	}
	a.waitLine(markerWindowStarted, 5*time.Second)
	a.waitLine(markerDomReady, 45*time.Second)
	waitViewable(t, true, 10*time.Second)

	a.signal(syscall.SIGTERM)
	if code := a.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit status after SIGTERM: %d, want 0", code)
	}
	if m := a.waitLine(markerWindowExit, time.Second); m[1] != "0" {
		t.Errorf("the window process exited %s, want 0", m[1])
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func nonZero(s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f > 0
}

// TestTrayHostAfterStart: a panel that starts after the app (a login where
// the app comes up first) gets the tray icon, and from then on closing the
// window leaves the app running in the tray, as with a panel from the start.
func TestTrayHostAfterStart(t *testing.T) {
	needEnv(t)
	a := startApp(t, t.TempDir())
	a.waitLine(markerDomReady, 45*time.Second)
	win := waitViewable(t, true, 10*time.Second)

	w := startWatcher(t)
	it := w.waitItem(t, 20*time.Second)
	from := a.mark()
	if err := closeWindow(win.id); err != nil {
		t.Fatal(err)
	}
	a.waitLineAfter(&from, markerWindowExit, 10*time.Second)
	select {
	case <-a.done:
		t.Fatal("closing the window ended the app, though a panel shows its tray icon")
	case <-time.After(2 * time.Second):
	}
	for _, e := range it.menu() {
		if e.label == "Quit" {
			it.click(e.id)
		}
	}
	if code := a.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit status after Quit: %d, want 0", code)
	}
}

// TestNoSessionBus: without a D-Bus session bus the app runs without a tray,
// says so, keeps the window up (there is nothing to hide it to) and still
// exits cleanly (systray v1.12.2 crashes at exit if it ever started).
func TestNoSessionBus(t *testing.T) {
	needEnv(t)
	a := startAppEnv(t, []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(t.TempDir(), "no-bus")},
		t.TempDir(), "--hidden")
	a.waitLine(markerNoBus, 10*time.Second)
	a.waitLine(markerNoTray, time.Second)
	a.waitLine(markerDomReady, 45*time.Second)
	waitViewable(t, true, 10*time.Second)
	a.signal(syscall.SIGTERM)
	if code := a.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit status after SIGTERM: %d, want 0", code)
	}
	a.waitLine(markerFlushed, time.Second)
}

// writeLoginEntry puts an XDG autostart entry for Net-Pulse in config, as
// the Settings switch or a user would.
func writeLoginEntry(t *testing.T, config string) {
	t.Helper()
	dir := filepath.Join(config, "autostart")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	entry := "[Desktop Entry]\nType=Application\nName=Net-Pulse\nExec=" + env.bin + " --hidden\n"
	if err := os.WriteFile(filepath.Join(dir, "io.github.netpulse.NetPulse.desktop"), []byte(entry), 0o644); err != nil {
		t.Fatal(err)
	}
}
