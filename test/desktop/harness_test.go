//go:build linux

package desktop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// env is the shared display and bus; set up once in TestMain.
var env struct {
	bin       string // the desktop binary
	display   string // ":N"
	fbdir     string // Xvfb's framebuffer file lives here
	bus       string // DBUS_SESSION_BUS_ADDRESS
	artifacts string
	skip      string // why the tests cannot run here
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	env.bin = os.Getenv("NETPULSE_DESKTOP_BIN")
	switch {
	case env.bin == "":
		env.skip = "NETPULSE_DESKTOP_BIN is not set (make desktop-test builds the binary and sets it)"
	default:
		for _, tool := range []string{"Xvfb", "dbus-daemon", "xwininfo"} {
			if _, err := exec.LookPath(tool); err != nil {
				env.skip = "needs " + tool + " (apt-get install xvfb dbus x11-utils)"
			}
		}
	}
	if env.skip != "" {
		return m.Run()
	}
	var err error
	if env.bin, err = filepath.Abs(env.bin); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env.artifacts = os.Getenv("NETPULSE_ARTIFACTS")
	if env.artifacts == "" {
		env.artifacts = filepath.Join("..", "..", "artifacts", "desktop")
	}
	tmp, err := os.MkdirTemp("", "netpulse-desktop-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	stopX, err := startXvfb(tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Xvfb:", err)
		return 1
	}
	defer stopX()
	stopBus, err := startBus(tmp)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dbus-daemon:", err)
		return 1
	}
	defer stopBus()
	// The test's own D-Bus clients (the watcher) use the private bus too.
	os.Setenv("DBUS_SESSION_BUS_ADDRESS", env.bus)
	return m.Run()
}

func needEnv(t *testing.T) {
	t.Helper()
	if env.skip != "" {
		t.Skip(env.skip)
	}
}

// startXvfb starts a private X server; its screen is memory-mapped into a
// file under dir, which is how screenshots are taken without extra tools.
func startXvfb(dir string) (stop func(), err error) {
	env.fbdir = dir
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// -noreset: without it Xvfb resets whenever its last client leaves, and
	// a window opening just as an xwininfo poll disconnects is refused (GTK:
	// "failed to init GTK"; 39 of 400 openings against xwininfo in a loop).
	// A desktop session's server never resets under a running app.
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x900x24", "-fbdir", dir, "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // no orphan if the test is killed
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	w.Close()
	r.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("no display number: %w", err)
	}
	env.display = ":" + strings.TrimSpace(line)
	return func() { cmd.Process.Kill(); cmd.Wait() }, nil
}

// busConfig is a session bus without service activation: nothing the app
// asks for (the accessibility bus, for one) gets started on it and outlives
// the test.
const busConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// startBus starts a private session bus with its socket in dir.
func startBus(dir string) (stop func(), err error) {
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(busConfig, dir)), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile", "--print-address=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // no orphan if the test is killed
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, err
	}
	env.bus = strings.TrimSpace(line)
	return func() { cmd.Process.Kill(); cmd.Wait() }, nil
}

// app is one run of the binary.
type app struct {
	t    *testing.T
	cmd  *exec.Cmd
	done chan struct{}
	err  error // from Wait, valid after done

	mu    sync.Mutex
	lines []string
	wake  chan struct{} // closed and replaced on every new line
}

// startApp runs the binary with the shared display and bus, the test
// markers on, and dataDir as its data folder.
func startApp(t *testing.T, dataDir string, args ...string) *app {
	t.Helper()
	return startAppEnv(t, nil, dataDir, args...)
}

// startAppEnv is startApp with extra environment variables, which win over
// the defaults.
func startAppEnv(t *testing.T, extraEnv []string, dataDir string, args ...string) *app {
	t.Helper()
	cmd := exec.Command(env.bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.Env = append(os.Environ(),
		"DISPLAY="+env.display,
		"DBUS_SESSION_BUS_ADDRESS="+env.bus,
		"NETPULSE_DATA_DIR="+dataDir,
		"NETPULSE_TEST_MARKERS=1",
		"NETPULSE_FLUSH_INTERVAL=1h", // so only the exit flush writes samples
		"NO_AT_BRIDGE=1",             // no accessibility bus on the private bus
		"XDG_SESSION_TYPE=x11",
		"XDG_RUNTIME_DIR=", // the private channel then lives in the data folder, where the tests find it
	)
	cmd.Env = append(cmd.Env, extraEnv...)
	// A file, not an io.Writer: WebKit's helper processes inherit it and may
	// outlive the app briefly, and Wait would wait for them to close it.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	a := &app{t: t, cmd: cmd, done: make(chan struct{}), wake: make(chan struct{})}
	err = cmd.Start()
	pw.Close()
	if err != nil {
		pr.Close()
		t.Fatal(err)
	}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer pr.Close()
		s := bufio.NewScanner(pr)
		for s.Scan() {
			a.mu.Lock()
			a.lines = append(a.lines, s.Text())
			close(a.wake)
			a.wake = make(chan struct{})
			a.mu.Unlock()
		}
	}()
	go func() {
		a.err = cmd.Wait()
		// Everything the app wrote is in the pipe now; a helper still
		// holding it open only delays the end of file.
		select {
		case <-readDone:
		case <-time.After(2 * time.Second):
		}
		close(a.done)
	}()
	t.Cleanup(func() {
		select {
		case <-a.done:
		default:
			cmd.Process.Kill()
			<-a.done
		}
		if t.Failed() {
			t.Logf("output of %s %s:\n%s", filepath.Base(env.bin), strings.Join(args, " "), a.output())
		}
	})
	return a
}

func (a *app) output() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return strings.Join(a.lines, "\n")
}

// waitLine waits for an output line matching re and returns its submatches.
func (a *app) waitLine(re *regexp.Regexp, timeout time.Duration) []string {
	a.t.Helper()
	from := 0
	return a.waitLineAfter(&from, re, timeout)
}

// mark is the number of lines printed so far, for waitLineAfter.
func (a *app) mark() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.lines)
}

// waitLineAfter waits for a line matching re at index *from or later and
// moves *from past it.
func (a *app) waitLineAfter(from *int, re *regexp.Regexp, timeout time.Duration) []string {
	a.t.Helper()
	deadline := time.After(timeout)
	for {
		a.mu.Lock()
		lines, wake := a.lines, a.wake
		a.mu.Unlock()
		for ; *from < len(lines); *from++ {
			if m := re.FindStringSubmatch(lines[*from]); m != nil {
				*from++
				return m
			}
		}
		select {
		case <-wake:
		case <-a.done:
			if *from == a.mark() {
				a.t.Fatalf("the app exited (%v) before printing a line matching %q", a.err, re)
			}
		case <-deadline:
			a.t.Fatalf("no line matching %q within %s", re, timeout)
		}
	}
}

// wait waits for the process to end and returns its exit status.
func (a *app) wait(timeout time.Duration) int {
	a.t.Helper()
	select {
	case <-a.done:
	case <-time.After(timeout):
		a.t.Fatalf("the app did not exit within %s", timeout)
	}
	var ee *exec.ExitError
	if errors.As(a.err, &ee) {
		return ee.ExitCode()
	}
	if a.err != nil {
		a.t.Fatal(a.err)
	}
	return 0
}

func (a *app) signal(sig syscall.Signal) {
	if err := a.cmd.Process.Signal(sig); err != nil {
		a.t.Fatal(err)
	}
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitHTTP polls url until it answers 200.
func waitHTTP(t *testing.T, url string, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s did not answer 200 within %s", url, timeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// window is the app's top-level X window.
type window struct {
	id                  string
	x, y, width, height int
	viewable            bool
}

var (
	treeLine = regexp.MustCompile(`^\s*(0x[0-9a-f]+) "Net-Pulse": \(`)
	winField = regexp.MustCompile(`(?m)^\s*(Absolute upper-left X|Absolute upper-left Y|Width|Height|Map State):\s*(\S+)`)
)

// findWindow looks the window up by its title; ok is false while
// it does not exist.
func findWindow(t *testing.T) (w window, ok bool) {
	t.Helper()
	var out []byte
	var err error
	for range 5 { // the tree walk fails when a window dies under it
		if out, err = exec.Command("xwininfo", "-display", env.display, "-root", "-tree").Output(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("xwininfo: %v", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if m := treeLine.FindStringSubmatch(l); m != nil {
			w.id = m[1]
		}
	}
	if w.id == "" {
		return w, false
	}
	out, err = exec.Command("xwininfo", "-display", env.display, "-id", w.id).Output()
	if err != nil {
		return w, false // it went away between the calls
	}
	for _, m := range winField.FindAllStringSubmatch(string(out), -1) {
		n, _ := strconv.Atoi(m[2])
		switch m[1] {
		case "Absolute upper-left X":
			w.x = n
		case "Absolute upper-left Y":
			w.y = n
		case "Width":
			w.width = n
		case "Height":
			w.height = n
		case "Map State":
			w.viewable = m[2] == "IsViewable"
		}
	}
	return w, true
}

// waitViewable waits until the window is mapped (want true) or not.
func waitViewable(t *testing.T, want bool, timeout time.Duration) window {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		w, ok := findWindow(t)
		if ok && w.viewable == want || !ok && !want {
			return w
		}
		if time.Now().After(deadline) {
			t.Fatalf("window viewable=%v not reached within %s (found=%v, %+v)", want, timeout, ok, w)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitHidden waits up to timeout for the window to be unmapped and returns
// its last state; ok is false when it no longer exists.
func waitHidden(t *testing.T, timeout time.Duration) (w window, ok bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		w, ok = findWindow(t)
		if !ok || !w.viewable || time.Now().After(deadline) {
			return w, ok
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// screenshot crops the window out of Xvfb's framebuffer (an XWD file).
func screenshot(w window) (*image.NRGBA, error) {
	b, err := os.ReadFile(filepath.Join(env.fbdir, "Xvfb_screen0"))
	if err != nil {
		return nil, err
	}
	var h struct {
		HeaderSize, FileVersion, PixmapFormat, PixmapDepth, PixmapWidth, PixmapHeight, XOffset,
		ByteOrder, BitmapUnit, BitmapBitOrder, BitmapPad, BitsPerPixel, BytesPerLine, VisualClass,
		RedMask, GreenMask, BlueMask, BitsPerRGB, ColormapEntries, NColors uint32
	}
	if err := binary.Read(bytes.NewReader(b), binary.BigEndian, &h); err != nil {
		return nil, err
	}
	if h.BitsPerPixel != 32 || h.PixmapFormat != 2 {
		return nil, fmt.Errorf("unsupported XWD: %d bpp, format %d", h.BitsPerPixel, h.PixmapFormat)
	}
	data := b[h.HeaderSize+12*h.NColors:]
	order := binary.ByteOrder(binary.LittleEndian)
	if h.ByteOrder == 1 {
		order = binary.BigEndian
	}
	channel := func(p, mask uint32) uint8 {
		for mask&1 == 0 {
			mask, p = mask>>1, p>>1
		}
		return uint8(p & mask)
	}
	r := image.Rect(w.x, w.y, w.x+w.width, w.y+w.height).Intersect(image.Rect(0, 0, int(h.PixmapWidth), int(h.PixmapHeight)))
	img := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			off := y*int(h.BytesPerLine) + x*4
			p := order.Uint32(data[off:])
			img.SetNRGBA(x-r.Min.X, y-r.Min.Y, color.NRGBA{
				R: channel(p, h.RedMask), G: channel(p, h.GreenMask), B: channel(p, h.BlueMask), A: 255,
			})
		}
	}
	return img, nil
}

// colours counts distinct colours, up to limit.
func colours(img *image.NRGBA, limit int) int {
	seen := map[[3]uint8]bool{}
	for i := 0; i < len(img.Pix) && len(seen) < limit; i += 4 {
		seen[[3]uint8{img.Pix[i], img.Pix[i+1], img.Pix[i+2]}] = true
	}
	return len(seen)
}

func savePNG(img image.Image, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
