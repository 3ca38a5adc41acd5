//go:build linux

package main

// The desktop app's memory: the proportional set size (PSS) of its whole
// process tree with the window never opened, and again after the window was
// opened and closed; beside it the headless daemon's, and the time from
// "Open dashboard" to the first chart drawn.

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DesktopMemory is what the desktop measurement found.
type DesktopMemory struct {
	HiddenPSSKB         int64     `json:"hidden_pss_kb"`       // tree, window never opened, 30 s after start
	HiddenProcesses     int       `json:"hidden_processes"`    // processes in that tree
	HeadlessPSSKB       int64     `json:"headless_pss_kb"`     // the headless daemon, 30 s after start
	HiddenCPUPercent    float64   `json:"hidden_cpu_percent"`  // tree, window never opened, over HiddenCPUWindowS
	HiddenCPUWindowS    float64   `json:"hidden_cpu_window_s"` // length of that measurement
	OpenPSSKB           int64     `json:"open_pss_kb"`         // tree with the window open and drawn
	OpenProcesses       int       `json:"open_processes"`
	FirstChartS         []float64 `json:"first_chart_s"`         // "Open dashboard" to the first chart drawn, per opening
	FirstChartCPUS      []float64 `json:"first_chart_cpu_s"`     // CPU time the window's processes used until then
	FirstChartLoad1     []float64 `json:"first_chart_load1"`     // the machine's load average when opening
	AfterClosePSSKB     int64     `json:"after_close_pss_kb"`    // tree 60 s after the window was closed
	AfterCloseProcesses int       `json:"after_close_processes"` // processes in that tree
	WebKitLeft          int       `json:"webkit_processes_left"` // WebKit processes anywhere below the app then
	CloseHow            string    `json:"close_how"`
}

var (
	desktopOnly  = flag.Bool("desktop-only", false, "measure only the desktop app's memory and window (needs -desktop)")
	desktopOpens = flag.Int("desktop-opens", 3, "times the desktop measurement opens and closes the window")
)

var (
	markerWindowStarted = regexp.MustCompile(`netpulse-test: window-started (\d+)`)
	markerChartDrawn    = regexp.MustCompile(`netpulse-test: binding ReportReady chart`)
	markerWindowExit    = regexp.MustCompile(`netpulse-test: window-exit (-?\d+)`)
)

// measureDesktop starts the desktop app hidden and the headless daemon side
// by side on the soak's interfaces and measures them; both are stopped at
// the end.
func measureDesktop(ctx context.Context, headless, bin, work string, rep *Report) (*DesktopMemory, error) {
	dir := filepath.Join(work, "desktop-memory")
	dt, err := startDesktop(ctx, headless, bin, dir, rep)
	if err != nil {
		return nil, err
	}
	defer dt.stop()
	started := time.Now()
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	npDir := filepath.Join(work, "headless-memory")
	np, err := startLogged(headless, []string{"--headless", "--data-dir", npDir, "--listen", addr}, npDir+".log", cleanEnv())
	if err != nil {
		return nil, err
	}
	defer stopper(np, np.Process.Pid, false)()
	if err := waitHealthy(ctx, addr); err != nil {
		return nil, err
	}
	if err := setMonitored(addr, rep.Interfaces); err != nil {
		return nil, err
	}

	m := &DesktopMemory{CloseHow: "SIGTERM to the window process, which quits as on its close button"}
	log.Printf("desktop memory: waiting 30 s with the window never opened")
	if err := sleep(ctx, 30*time.Second-time.Since(started)); err != nil {
		return nil, err
	}
	m.HiddenPSSKB, m.HiddenProcesses = treePSS(dt.measuredPID)
	m.HeadlessPSSKB, _ = treePSS(np.Process.Pid)
	cpu0, _, err := readTreeUsage(dt.measuredPID)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	log.Printf("desktop memory: hidden %d kB PSS in %d processes (headless %d kB); CPU over 60 s", m.HiddenPSSKB, m.HiddenProcesses, m.HeadlessPSSKB)
	if err := sleep(ctx, 60*time.Second); err != nil {
		return nil, err
	}
	cpu1, _, err := readTreeUsage(dt.measuredPID)
	if err != nil {
		return nil, err
	}
	m.HiddenCPUWindowS = time.Since(t0).Seconds()
	m.HiddenCPUPercent = 100 * float64(cpu1.CPUNanos-cpu0.CPUNanos) / 1e9 / m.HiddenCPUWindowS

	logPath := dir + ".log"
	for i := range *desktopOpens {
		from := logSize(logPath)
		m.FirstChartLoad1 = append(m.FirstChartLoad1, loadAvg())
		opened := time.Now()
		if err := showWindow(dir); err != nil {
			return nil, err
		}
		if _, err := waitLog(ctx, logPath, from, markerChartDrawn, 60*time.Second); err != nil {
			return nil, err
		}
		m.FirstChartS = append(m.FirstChartS, time.Since(opened).Seconds())
		sm, err := waitLog(ctx, logPath, from, markerWindowStarted, time.Second)
		if err != nil {
			return nil, err
		}
		// The window's processes are all new: their CPU time is what
		// opening it cost, whatever else the machine was doing.
		pid, _ := strconv.Atoi(sm[1])
		u, _, err := readTreeUsage(pid)
		if err != nil {
			return nil, err
		}
		m.FirstChartCPUS = append(m.FirstChartCPUS, float64(u.CPUNanos)/1e9)
		log.Printf("desktop memory: opening %d drew the chart in %.3f s, using %.3f s of CPU (load %.2f)",
			i+1, m.FirstChartS[i], m.FirstChartCPUS[i], m.FirstChartLoad1[i])
		if i == 0 {
			time.Sleep(2 * time.Second) // let the page settle
			m.OpenPSSKB, m.OpenProcesses = treePSS(dt.measuredPID)
		}
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
			return nil, err
		}
		if _, err := waitLog(ctx, logPath, from, markerWindowExit, 30*time.Second); err != nil {
			return nil, err
		}
	}
	log.Printf("desktop memory: window closed; waiting 60 s")
	if err := sleep(ctx, 60*time.Second); err != nil {
		return nil, err
	}
	m.AfterClosePSSKB, m.AfterCloseProcesses = treePSS(dt.measuredPID)
	for _, p := range descendants(dt.measuredPID) {
		if strings.Contains(comm(p), "WebKit") {
			m.WebKitLeft++
		}
	}
	log.Printf("desktop memory: after close %d kB PSS in %d processes", m.AfterClosePSSKB, m.AfterCloseProcesses)
	return m, nil
}

// treePSS sums Pss over pid and its descendants (smaps_rollup).
func treePSS(pid int) (kb int64, n int) {
	for _, p := range append([]int{pid}, descendants(pid)...) {
		kv, err := keyValues(fmt.Sprintf("/proc/%d/smaps_rollup", p))
		if err != nil {
			continue // it just exited
		}
		kb += kv["Pss"]
		n++
	}
	return kb, n
}

// showWindow does what a second launch of the app does: it asks the running
// one, over its private channel, to show the window.
func showWindow(dataDir string) error {
	token, err := os.ReadFile(filepath.Join(dataDir, "run", "desktop.token"))
	if err != nil {
		return err
	}
	sock := filepath.Join(dataDir, "run", "desktop.sock")
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	}}
	req, _ := http.NewRequest(http.MethodPost, "http://localhost/window/show", nil)
	req.Header.Set("X-Netpulse-Token", strings.TrimSpace(string(token)))
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("show the window: %s", resp.Status)
	}
	return nil
}

func logSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// waitLog waits for a line matching re in the log after offset from.
func waitLog(ctx context.Context, path string, from int64, re *regexp.Regexp, timeout time.Duration) ([]string, error) {
	deadline := time.Now().Add(timeout)
	for {
		if f, err := os.Open(path); err == nil {
			f.Seek(from, 0)
			s := bufio.NewScanner(f)
			for s.Scan() {
				if m := re.FindStringSubmatch(s.Text()); m != nil {
					f.Close()
					return m, nil
				}
			}
			f.Close()
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no line matching %q in %s within %s", re, path, timeout)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		time.Sleep(10 * time.Millisecond)
	}
}
