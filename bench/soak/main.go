//go:build linux

// Command soak runs Net-Pulse's headless daemon and vnStat's daemon side by
// side on the same three veth interfaces with steady traffic, and measures
// what each costs: CPU time, resident memory, bytes written to disk and the
// database size. Optionally it measures the dashboard's first chart in
// headless Chromium and the desktop app with its window hidden. It needs
// root (veth pairs, network namespaces) and prints a JSON report.
//
//	go run ./bench/soak -duration 10m -netpulse bin/bench/netpulse -out soak.json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/netpulse/netpulse/internal/testnet"
)

// Report is the soak's result; bench/table reads it.
type Report struct {
	Date         string          `json:"date"`
	CPUs         int             `json:"cpus"`
	CPUModel     string          `json:"cpu_model"`
	Kernel       string          `json:"kernel"`
	DurationS    float64         `json:"duration_s"`
	WarmupS      float64         `json:"warmup_s"`
	Interfaces   []string        `json:"interfaces"`
	RateBps      int64           `json:"traffic_bytes_per_second_each_way"`
	Load1Start   float64         `json:"load1_start"`
	Load1End     float64         `json:"load1_end"`
	NetPulse     *Result         `json:"netpulse"`
	VnStat       *Result         `json:"vnstatd"`
	Desktop      *Result         `json:"desktop,omitempty"`
	DesktopMem   *DesktopMemory  `json:"desktop_memory,omitempty"`
	Page         json.RawMessage `json:"page,omitempty"`
	Notes        []string        `json:"notes,omitempty"`
	NetPulseArgs []string        `json:"netpulse_args"`
	FlushDefault string          `json:"netpulse_flush_interval"`
	VnStatConfig string          `json:"vnstat_config"`
	VnStatMode   string          `json:"vnstat_mode"`
	Features     *Features       `json:"netpulse_features,omitempty"`
}

// Result is what one daemon cost over the measured window.
type Result struct {
	Version         string  `json:"version"`
	CPUSeconds      float64 `json:"cpu_seconds"`         // utime+stime
	CPUSecondsSched float64 `json:"cpu_seconds_precise"` // schedstat, ns resolution
	CPUPercent      float64 `json:"cpu_percent_of_core"`
	// What top's TIME+ shows: all CPU since the process started (start-up
	// and warm-up included), over its age at the end of the window.
	CPUSecondsLifetime float64 `json:"cpu_seconds_since_start"`
	AgeS               float64 `json:"age_s"`
	RSSSteadyKB        int64   `json:"rss_steady_kb"` // median over the second half
	RSSPeakKB          int64   `json:"rss_peak_kb"`   // VmHWM at the end
	RSSFirstKB         int64   `json:"rss_first_kb"`  // median over the first quarter
	RSSLastKB          int64   `json:"rss_last_kb"`   // median over the last quarter
	WriteBytes         int64   `json:"write_bytes"`
	WChar              int64   `json:"wchar"`
	WriteBytesPerH     float64 `json:"write_bytes_per_hour"`
	DBBytesLive        int64   `json:"db_bytes_live"` // database files at the end of the window
	DBBytes            int64   `json:"db_bytes"`      // after a clean stop
	Processes          int     `json:"processes"`
	// CPU seconds (schedstat) of each process of a tree, by command name.
	CPUByProcess     map[string]float64 `json:"cpu_seconds_by_process,omitempty"`
	RSSSamplesKB     []int64            `json:"rss_samples_kb"`
	SampleIntervalS  float64            `json:"sample_interval_s"`
	MeasuredCommand  string             `json:"command"`
	measuredPID      int
	addr             string
	tree             bool
	dataDir          string
	first, last      usage
	rssSamples       []int64
	firstAt, lastAt  time.Time
	startedAt        time.Time
	stop             func() error
	peakDuringWindow int64
	firstEach        map[int]usage
	lastEach         map[int]usage
}

var (
	duration    = flag.Duration("duration", 10*time.Minute, "measured window")
	warmup      = flag.Duration("warmup", 30*time.Second, "time after start before measuring")
	every       = flag.Duration("sample", 5*time.Second, "sampling interval")
	npBin       = flag.String("netpulse", "bin/netpulse", "headless netpulse binary")
	desktopBin  = flag.String("desktop", "", "desktop binary to measure with its window hidden under Xvfb (empty: skip)")
	rate        = flag.Int64("rate", 256<<10, "traffic per pair, bytes per second each way")
	vnstatMode  = flag.String("vnstat", "finest", "vnstatd's intervals: finest (every 2 s, the budget's comparison) or defaults (as users run it: every 20 s)")
	out         = flag.String("out", "", "write the JSON report here (default stdout)")
	pageScript  = flag.String("page", "", "node script measuring the dashboard (empty: skip)")
	pageRuns    = flag.Int("page-runs", 7, "cold page loads to measure")
	distDir     = flag.String("dist", "frontend/dist", "built dashboard, for bundle sizes")
	workDir     = flag.String("work", "", "work directory for databases and logs, emptied first (default: a temporary one, removed at the end)")
	pairPrefix  = flag.String("pairs", "", "veth pair name prefix, at most 12 characters (default: unique to this run, so concurrent runs cannot remove each other's pairs)")
	netpulseEnv = []string{"NETPULSE_LISTEN", "NETPULSE_DATA_DIR", "NETPULSE_INTERVAL", "NETPULSE_FLUSH_INTERVAL",
		"NETPULSE_PASSWORD", "NETPULSE_HOST_PROC", "NETPULSE_HEADLESS", "NETPULSE_HIDDEN"}
)

func main() {
	flag.Parse()
	log.SetFlags(log.Ltime)
	log.SetPrefix("soak: ")
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	if err := testnet.Available(); err != nil {
		return err
	}
	for _, tool := range []string{"vnstatd", "vnstat"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found: install Debian's vnstat package", tool)
		}
	}
	bin, err := filepath.Abs(*npBin)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("netpulse binary: %w (build it first)", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	work := *workDir
	if work != "" {
		// vnStat takes only absolute paths and otherwise falls back to the
		// system database.
		if work, err = filepath.Abs(work); err != nil {
			return err
		}
	}
	if work == "" {
		if work, err = os.MkdirTemp("", "netpulse-soak-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	} else {
		if err := resetWorkDir(work); err != nil {
			return err
		}
		log.Printf("databases and logs in %s", work)
	}

	rep := &Report{Date: time.Now().UTC().Format(time.RFC3339), DurationS: duration.Seconds(),
		WarmupS: warmup.Seconds(), RateBps: *rate, Load1Start: loadAvg()}
	rep.CPUs, rep.CPUModel, rep.Kernel = machine()

	// Three veth pairs with steady TCP traffic across each.
	if *pairPrefix == "" {
		*pairPrefix = fmt.Sprintf("nps%04x", os.Getpid()&0xffff)
	}
	var pairs []testnet.Pair
	for i := range 3 {
		p := testnet.NewPair(fmt.Sprintf("%s%d", *pairPrefix, i))
		if err := p.Up(false); err != nil {
			return err
		}
		defer p.Down()
		pairs = append(pairs, p)
		rep.Interfaces = append(rep.Interfaces, p.Host)
	}
	tctx, stopTraffic := context.WithCancel(ctx)
	defer stopTraffic()
	for _, p := range pairs {
		go func() {
			if err := p.Stream(tctx, *rate); err != nil && tctx.Err() == nil {
				log.Printf("traffic on %s stopped: %v", p.Host, err)
			}
		}()
	}
	log.Printf("traffic: %d B/s each way on %s", *rate, strings.Join(rep.Interfaces, ", "))

	// The desktop's memory first, alone: its window's start must not
	// disturb the daemons' figures.
	if *desktopBin != "" {
		dm, err := measureDesktop(ctx, bin, *desktopBin, work, rep)
		if err != nil {
			rep.Notes = append(rep.Notes, "desktop memory not measured: "+err.Error())
			log.Print(rep.Notes[len(rep.Notes)-1])
		}
		rep.DesktopMem = dm
	}
	if *desktopOnly {
		rep.DurationS, rep.WarmupS, rep.Load1End = 0, 0, loadAvg()
		return writeReport(rep)
	}

	np, err := startNetPulse(ctx, bin, filepath.Join(work, "netpulse"), rep)
	if err != nil {
		return err
	}
	defer np.stop()
	if *plans > 0 || *notifiers > 0 || *scrape > 0 {
		if rep.Features, err = addFeatures(ctx, np.addr, rep.Interfaces); err != nil {
			return err
		}
	}
	vn, err := startVnStat(filepath.Join(work, "vnstat"), rep)
	if err != nil {
		return err
	}
	defer vn.stop()
	rep.NetPulse, rep.VnStat = np, vn
	daemons := []*Result{np, vn}
	if *desktopBin != "" {
		dt, err := startDesktop(ctx, bin, *desktopBin, filepath.Join(work, "desktop"), rep)
		if err != nil {
			rep.Notes = append(rep.Notes, "desktop app not measured: "+err.Error())
			log.Print(rep.Notes[len(rep.Notes)-1])
		} else {
			defer dt.stop()
			rep.Desktop = dt
			daemons = append(daemons, dt)
		}
	}

	log.Printf("warming up for %s", *warmup)
	if err := sleep(ctx, *warmup); err != nil {
		return err
	}
	log.Printf("measuring for %s", *duration)
	for _, d := range daemons {
		if err := d.sample(true); err != nil {
			return err
		}
	}
	end := time.Now().Add(*duration)
	tick := time.NewTicker(*every)
	defer tick.Stop()
	lastLog := time.Now()
	for time.Now().Before(end) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		for i := 0; i < len(daemons); i++ {
			d := daemons[i]
			err := d.sample(false)
			if err == nil {
				continue
			}
			if d != rep.Desktop {
				return fmt.Errorf("%s stopped during the soak: %w", d.MeasuredCommand, err)
			}
			// The desktop app runs on a virtual display that other work on
			// the machine may take away; the daemons' figures still stand.
			rep.Notes = append(rep.Notes, fmt.Sprintf("desktop app not measured: it stopped %s into the window (see %s.log)",
				time.Since(d.firstAt).Round(time.Second), d.dataDir))
			log.Print(rep.Notes[len(rep.Notes)-1])
			rep.Desktop = nil
			daemons = append(daemons[:i], daemons[i+1:]...)
			i--
		}
		if time.Since(lastLog) >= time.Minute {
			lastLog = time.Now()
			log.Printf("%s left; netpulse %.2fs CPU, vnstatd %.2fs CPU so far", time.Until(end).Round(time.Second),
				float64(np.last.sub(np.first).CPUNanos)/1e9, float64(vn.last.sub(vn.first).CPUNanos)/1e9)
		}
	}
	rep.Load1End = loadAvg()
	for _, d := range daemons {
		d.finish()
	}
	if f := rep.Features; f != nil {
		f.Scrapes = f.scrapes.Load()
	}
	if h := health(np.addr); h != `"ok"` {
		rep.Notes = append(rep.Notes, "netpulse's health at the end of the window was "+h+
			"; its figures may cover less than the whole window (did something step the clock?)")
		log.Print(rep.Notes[len(rep.Notes)-1])
	}

	if *pageScript != "" {
		page, err := measurePage(ctx, "http://"+np.addr+"/")
		if err != nil {
			rep.Notes = append(rep.Notes, "page not measured: "+err.Error())
			log.Print(rep.Notes[len(rep.Notes)-1])
		} else {
			rep.Page = page
		}
	}

	stopTraffic()
	for _, d := range daemons {
		if err := d.stop(); err != nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s did not stop cleanly: %v", d.MeasuredCommand, err))
		}
		d.DBBytes = dirSize(d.dataDir)
	}

	return writeReport(rep)
}

func writeReport(rep *Report) error {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if *out == "" {
		_, err = os.Stdout.Write(data)
		return err
	}
	log.Printf("report written to %s", *out)
	return os.WriteFile(*out, data, 0o644)
}

// workMarker marks a directory as the soak's own, so emptying it at the
// next run can never remove anything else.
const workMarker = ".netpulse-soak"

// resetWorkDir empties dir, which must be missing, empty, or an earlier
// soak's work directory.
func resetWorkDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(dir, workMarker)); err != nil {
			return fmt.Errorf("-work %s: not empty and not an earlier soak's directory; choose another", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, workMarker), nil, 0o644)
}

// sample reads the daemon's usage; first starts the measured window.
func (r *Result) sample(first bool) error {
	var u usage
	var err error
	if r.tree {
		var each map[int]usage
		u, each, err = readTreeUsage(r.measuredPID)
		r.Processes = max(r.Processes, len(each))
		if first {
			r.firstEach = each
		}
		r.lastEach = each
	} else {
		u, err = readUsage(r.measuredPID)
		r.Processes = 1
	}
	if err != nil {
		return err
	}
	now := time.Now()
	if first {
		r.first, r.firstAt = u, now
	}
	r.last, r.lastAt = u, now
	r.rssSamples = append(r.rssSamples, u.RSSKB)
	r.peakDuringWindow = max(r.peakDuringWindow, u.RSSKB)
	r.DBBytesLive = dirSize(r.dataDir)
	return nil
}

// finish turns the samples into the window's figures.
func (r *Result) finish() {
	d := r.last.sub(r.first)
	secs := r.lastAt.Sub(r.firstAt).Seconds()
	r.CPUSeconds = float64(d.CPUTicks) / clockTicks
	r.CPUSecondsSched = float64(d.CPUNanos) / 1e9
	r.CPUSecondsLifetime = float64(r.last.CPUNanos) / 1e9
	r.AgeS = r.lastAt.Sub(r.startedAt).Seconds()
	if secs > 0 {
		r.CPUPercent = 100 * r.CPUSecondsSched / secs
		r.WriteBytesPerH = float64(d.WriteBytes) * 3600 / secs
	}
	r.WriteBytes, r.WChar = d.WriteBytes, d.WChar
	n := len(r.rssSamples)
	r.RSSSteadyKB = median(r.rssSamples[n/2:])
	r.RSSFirstKB = median(r.rssSamples[:max(1, n/4)])
	r.RSSLastKB = median(r.rssSamples[n-max(1, n/4):])
	// A tree's VmHWM is a sum of per-process peaks; the sampled peak is
	// the honest figure there.
	r.RSSPeakKB = r.last.HWMKB
	if r.tree {
		r.RSSPeakKB = r.peakDuringWindow
	}
	r.RSSSamplesKB = r.rssSamples
	r.SampleIntervalS = every.Seconds()
	if r.tree {
		r.CPUByProcess = map[string]float64{}
		for pid, last := range r.lastEach {
			// A process born during the window counts from zero.
			r.CPUByProcess[comm(pid)] += float64(last.CPUNanos-r.firstEach[pid].CPUNanos) / 1e9
		}
	}
}

func median(v []int64) int64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// startNetPulse starts the headless daemon at its defaults (1 s polling,
// flush every 5 minutes) and makes it monitor the three veth interfaces
// through the API, as a user would.
func startNetPulse(ctx context.Context, bin, dir string, rep *Report) (*Result, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := []string{"--headless", "--data-dir", dir, "--listen", addr}
	rep.NetPulseArgs = args
	cmd, err := startLogged(bin, args, dir+".log", cleanEnv())
	if err != nil {
		return nil, err
	}
	r := &Result{MeasuredCommand: "netpulse " + strings.Join(args, " "), measuredPID: cmd.Process.Pid, dataDir: dir, addr: addr,
		stop: stopper(cmd, cmd.Process.Pid, false), startedAt: time.Now()}
	if v, err := exec.Command(bin, "--version").Output(); err == nil {
		r.Version = strings.TrimSpace(string(v))
	}
	rep.FlushDefault = flushDefault(bin)
	if err := waitHealthy(ctx, addr); err != nil {
		r.stop()
		return nil, err
	}
	if err := setMonitored(addr, rep.Interfaces); err != nil {
		r.stop()
		return nil, err
	}
	log.Printf("netpulse %s (pid %d) monitors %s", addr, cmd.Process.Pid, strings.Join(rep.Interfaces, ", "))
	return r, nil
}

// flushDefault reads the default flush interval from the binary's usage
// text, since the disk-write figures depend on it.
func flushDefault(bin string) string {
	out, _ := exec.Command(bin, "--help").CombinedOutput()
	m := regexp.MustCompile(`flush-interval[^\n]*\n[^\n]*\(default "([^"]+)"\)`).FindSubmatch(out)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// vnstatConfigs are the two ways the soak runs vnstatd: at its own
// defaults, as a user runs it (counters read every 20 s, saved every 5
// minutes), and at its finest intervals (read and update every 2 s, save
// every minute, the shortest it accepts). Everything else is the Debian
// default; logging is off and only the soak's interfaces are watched.
var vnstatConfigs = map[string]string{
	"defaults": `DatabaseDir "%s"
UseLogging 0
AlwaysAddNewInterfaces 0
`,
	"finest": `DatabaseDir "%s"
UpdateInterval 2
PollInterval 2
SaveInterval 1
OfflineSaveInterval 1
UseLogging 0
AlwaysAddNewInterfaces 0
`,
}

func startVnStat(dir string, rep *Report) (*Result, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	cfg := dir + ".conf"
	conf, ok := vnstatConfigs[*vnstatMode]
	if !ok {
		return nil, fmt.Errorf("-vnstat %q: want defaults or finest", *vnstatMode)
	}
	rep.VnStatConfig = fmt.Sprintf(conf, dir)
	rep.VnStatMode = *vnstatMode
	if err := os.WriteFile(cfg, []byte(rep.VnStatConfig), 0o644); err != nil {
		return nil, err
	}
	if out, err := exec.Command("vnstatd", "--initdb", "--config", cfg).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("vnstatd --initdb: %v: %s", err, out)
	}
	for _, name := range rep.Interfaces {
		if out, err := exec.Command("vnstat", "--config", cfg, "--add", "-i", name).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("vnstat --add -i %s: %v: %s", name, err, out)
		}
	}
	cmd, err := startLogged("vnstatd", []string{"-n", "--noadd", "--config", cfg}, dir+".log", os.Environ())
	if err != nil {
		return nil, err
	}
	r := &Result{MeasuredCommand: "vnstatd", measuredPID: cmd.Process.Pid, dataDir: dir, startedAt: time.Now(),
		stop: stopper(cmd, cmd.Process.Pid, false)}
	if v, err := exec.Command("vnstatd", "--version").Output(); err == nil {
		r.Version = strings.TrimSpace(string(v))
	}
	log.Printf("vnstatd (pid %d) monitors %s", cmd.Process.Pid, strings.Join(rep.Interfaces, ", "))
	return r, nil
}

// startDesktop starts the desktop app hidden under a virtual display and a
// private session bus. Its data folder is prepared by the headless binary,
// so it monitors the same three interfaces.
func startDesktop(ctx context.Context, headless, bin, dir string, rep *Report) (*Result, error) {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(bin); err != nil {
		return nil, err
	}
	for _, tool := range []string{"xvfb-run", "dbus-run-session"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s not found", tool)
		}
	}
	// Choose the interfaces with a short headless run on the same folder.
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	prep, err := startLogged(headless, []string{"--headless", "--data-dir", dir, "--listen", addr}, dir+"-prepare.log", cleanEnv())
	if err != nil {
		return nil, err
	}
	err = waitHealthy(ctx, addr)
	if err == nil {
		err = setMonitored(addr, rep.Interfaces)
	}
	if serr := stopper(prep, prep.Process.Pid, false)(); err == nil {
		err = serr
	}
	if err != nil {
		return nil, fmt.Errorf("prepare the desktop's data folder: %w", err)
	}

	// trayhost plays the desktop's tray: without one the app keeps its
	// window on screen despite --hidden, and that is not what is measured.
	host, err := exec.LookPath(filepath.Join(filepath.Dir(os.Args[0]), "trayhost"))
	if err != nil {
		return nil, fmt.Errorf("trayhost (built beside soak): %w", err)
	}
	cmd := exec.Command("xvfb-run", "-a", "dbus-run-session", "--", host, bin, "--hidden", "--data-dir", dir)
	// Markers tell when the window has drawn; the private channel lives in
	// the data folder, where showWindow finds it.
	cmd.Env = append(cleanEnv(), "NETPULSE_TEST_MARKERS=1", "XDG_RUNTIME_DIR=", "NO_AT_BRIDGE=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	logf, err := os.Create(dir + ".log")
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() { cmd.Wait(); logf.Close() }()
	stop := stopper(cmd, cmd.Process.Pid, true)
	// The app runs below xvfb-run and dbus-run-session; find it by its
	// executable.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, p := range descendants(cmd.Process.Pid) {
			if exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", p)); exe == bin {
				log.Printf("desktop app (pid %d) runs hidden under Xvfb", p)
				return &Result{MeasuredCommand: filepath.Base(bin) + " --hidden", measuredPID: p, tree: true,
					dataDir: dir, stop: stop, Version: "(desktop build)", startedAt: time.Now()}, nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	stop()
	return nil, fmt.Errorf("the desktop app did not start (see %s.log)", dir)
}

// measurePage runs the page script against the running daemon and returns
// its JSON.
func measurePage(ctx context.Context, url string) (json.RawMessage, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return nil, errors.New("node not found")
	}
	log.Printf("measuring the dashboard's first chart (%d cold loads)", *pageRuns)
	cctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, "node", *pageScript, "--url", url, "--runs", fmt.Sprint(*pageRuns), "--dist", *distDir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	if !json.Valid(data) {
		return nil, fmt.Errorf("page script printed no JSON: %.200s", data)
	}
	return json.RawMessage(bytes.TrimSpace(data)), nil
}

func startLogged(bin string, args []string, logPath string, env []string) (*exec.Cmd, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() { cmd.Wait(); logf.Close() }()
	return cmd, nil
}

// stopper ends what it started: SIGTERM (to the process group when group
// is set), then SIGKILL after 20 s.
func stopper(cmd *exec.Cmd, pid int, group bool) func() error {
	done := false
	return func() error {
		if done {
			return nil
		}
		done = true
		target := pid
		if group {
			target = -pid
		}
		if err := syscall.Kill(target, syscall.SIGTERM); err != nil {
			return err
		}
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			if cmd.ProcessState != nil || syscall.Kill(pid, 0) != nil {
				return nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		syscall.Kill(target, syscall.SIGKILL)
		return errors.New("killed after 20 s")
	}
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(netpulseEnv, k) {
			env = append(env, kv)
		}
	}
	return env
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitHealthy(ctx context.Context, addr string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/api/health")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
	return fmt.Errorf("netpulse on %s did not become healthy", addr)
}

// health returns the status field of /api/health, JSON-quoted, or the error.
func health(addr string) string {
	resp, err := http.Get("http://" + addr + "/api/health")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var h struct {
		Status json.RawMessage `json:"status"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		return err.Error()
	}
	return string(h.Status)
}

func setMonitored(addr string, names []string) error {
	body, _ := json.Marshal(map[string][]string{"interfaces": names})
	resp, err := http.Post("http://"+addr+"/api/config/monitored_interfaces", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("set monitored interfaces: %s: %s", resp.Status, msg)
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
