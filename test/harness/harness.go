// Package harness runs the real netpulse binary for the end-to-end suites
// (integration, reliability, security, load): it builds it, starts it on a data folder, talks
// to its HTTP API, reads its live stream and inspects its database after it
// stopped. It holds no test of its own.
package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
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

	"github.com/netpulse/netpulse/internal/testnet"
)

// Build compiles netpulse (the module's main package) into dir and returns
// the binary's path.
func Build(dir string) (string, error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "netpulse")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// Main is a TestMain body: it builds netpulse into a temporary folder, sets
// *bin to it, runs the tests and removes the folder, returning the exit
// code: os.Exit(harness.Main(m, &bin)).
func Main(m *testing.M, bin *string) int {
	dir, err := os.MkdirTemp("", "netpulse-test")
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer os.RemoveAll(dir)
	if *bin, err = Build(dir); err != nil {
		fmt.Println(err)
		return 1
	}
	return m.Run()
}

// ModuleRoot is the folder of the netpulse module's go.mod.
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the netpulse module")
	}
	return filepath.Dir(mod), nil
}

// NeedSystem skips t unless it may change this machine (veth pairs,
// network namespaces, mounts, clock steps): as root, with
// NETPULSE_SYSTEM_TESTS=1, as the make targets and CI run it.
func NeedSystem(t testing.TB) {
	t.Helper()
	if !testnet.SystemTests() {
		t.Skip("skipped: changes this machine (veth pairs, namespaces, mounts, the clock); set " + testnet.SystemTestsVar + "=1 to run it")
	}
	if os.Geteuid() != 0 {
		t.Skip("skipped: needs root (veth pairs, network namespaces, mounts); CI runs it as root")
	}
}

// Options says how to start netpulse.
type Options struct {
	DataDir  string
	Interval string // default 1s
	Flush    string // default 1s
	// Defaults runs netpulse with its own poll and flush intervals, as a
	// user does (Interval and Flush are then ignored): writes come every
	// five minutes, so what a crash can lose between them shows.
	Defaults bool
	Password string
	Listen   string // default 127.0.0.1:0, the address is read from the log
	Extra    []string
	Env      []string
	// Traced runs the process under ptrace so that KillAtWrite can end it
	// in the middle of a database write.
	Traced bool
	// Netns runs the process inside that network namespace; Listen must
	// then be an address of the namespace that the host can reach.
	Netns string
}

// Server is a running netpulse process.
type Server struct {
	t    testing.TB
	Bin  string
	Opts Options
	URL  string // http://127.0.0.1:PORT
	Pid  int
	log  *Log

	mu     sync.Mutex
	done   chan struct{}
	status syscall.WaitStatus
	proc   *os.Process
	trace  *tracee
}

// Log collects a process's output, safe for concurrent use.
type Log struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var servingRE = regexp.MustCompile(`msg=serving url=(http://\S+)`)

// Start runs netpulse with opts and waits until it serves HTTP. The process
// is killed at the end of the test if still running, and its log is shown
// when the test failed.
func Start(t testing.TB, bin string, opts Options) *Server {
	t.Helper()
	s, err := start(t, bin, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Attach wraps a server that runs inside the test process (the real
// handler and service on httptest), so the same helpers drive it. It has no
// process: Stop, Kill and Restart do not apply.
func Attach(t testing.TB, url, dataDir string) *Server {
	return &Server{t: t, URL: url, Opts: Options{DataDir: dataDir}, log: &Log{}, done: make(chan struct{}), Pid: os.Getpid()}
}

func start(t testing.TB, bin string, opts Options) (*Server, error) {
	if opts.Interval == "" {
		opts.Interval = "1s"
	}
	if opts.Flush == "" {
		opts.Flush = "1s"
	}
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	args := []string{"--headless", "--listen", opts.Listen, "--data-dir", opts.DataDir}
	if !opts.Defaults {
		args = append(args, "--interval", opts.Interval, "--flush-interval", opts.Flush)
	}
	args = append(args, opts.Extra...)
	cmd := exec.Command(bin, args...)
	if opts.Netns != "" {
		// ip execs the binary in place: the process is netpulse itself.
		cmd = exec.Command("ip", append([]string{"netns", "exec", opts.Netns, bin}, args...)...)
	}
	cmd.Env = append(os.Environ(), opts.Env...)
	if opts.Password != "" {
		cmd.Env = append(cmd.Env, "NETPULSE_PASSWORD="+opts.Password)
	}
	// The output goes through a pipe this package reads, never through
	// exec's copying goroutines: a traced process is reaped by the tracer,
	// not by cmd.Wait.
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	s := &Server{t: t, Bin: bin, Opts: opts, log: &Log{}, done: make(chan struct{})}
	urlc := make(chan string, 1)
	go s.readLog(pr, urlc)
	if opts.Traced {
		tr, err := startTraced(cmd)
		pw.Close()
		if err != nil {
			pr.Close()
			return nil, err
		}
		s.trace, s.proc, s.Pid = tr, cmd.Process, cmd.Process.Pid
		go func() {
			<-tr.done
			s.finish(tr.status)
		}()
	} else {
		err := cmd.Start()
		pw.Close()
		if err != nil {
			pr.Close()
			return nil, err
		}
		s.proc, s.Pid = cmd.Process, cmd.Process.Pid
		go func() {
			st, _ := cmd.Process.Wait()
			var ws syscall.WaitStatus
			if st != nil {
				ws = st.Sys().(syscall.WaitStatus)
			}
			s.finish(ws)
		}()
	}
	t.Cleanup(func() {
		if s.Running() {
			s.proc.Signal(syscall.SIGKILL)
			<-s.done
		}
		if t.Failed() {
			t.Logf("netpulse (pid %d) log:\n%s", s.Pid, tail(s.log.String(), 80))
		}
	})
	select {
	case u := <-urlc:
		s.URL = u
	case <-s.done:
		return nil, fmt.Errorf("netpulse exited at start (%s):\n%s", s.ExitString(), s.log.String())
	case <-time.After(20 * time.Second):
		return nil, fmt.Errorf("netpulse did not start serving within 20s:\n%s", s.log.String())
	}
	return s, nil
}

func (s *Server) readLog(r io.ReadCloser, urlc chan<- string) {
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	sent := false
	for sc.Scan() {
		line := sc.Text()
		s.log.Write([]byte(line + "\n"))
		if m := servingRE.FindStringSubmatch(line); m != nil && !sent {
			urlc <- m[1]
			sent = true
		}
	}
}

func (s *Server) finish(ws syscall.WaitStatus) {
	s.mu.Lock()
	s.status = ws
	s.mu.Unlock()
	close(s.done)
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = append([]string{"..."}, parts[len(parts)-lines:]...)
	}
	return strings.Join(parts, "\n")
}

// Log returns everything the process wrote to stdout and stderr.
func (s *Server) Log() string { return s.log.String() }

// Running reports whether the process is still alive.
func (s *Server) Running() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// Done is closed when the process has ended.
func (s *Server) Done() <-chan struct{} { return s.done }

// Status is the wait status of an ended process.
func (s *Server) Status() syscall.WaitStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// ExitString describes how the process ended.
func (s *Server) ExitString() string {
	ws := s.Status()
	switch {
	case ws.Signaled():
		return "killed by " + ws.Signal().String()
	case ws.Exited():
		return "exit status " + strconv.Itoa(ws.ExitStatus())
	}
	return "running"
}

// Stop sends SIGTERM and waits for the exit; it returns the exit status.
func (s *Server) Stop() int {
	s.t.Helper()
	s.proc.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.t.Fatalf("netpulse did not stop within 30s of SIGTERM")
	}
	ws := s.Status()
	if !ws.Exited() {
		s.t.Fatalf("netpulse did not exit normally after SIGTERM: %s", s.ExitString())
	}
	return ws.ExitStatus()
}

// Kill ends the process with SIGKILL: no flush, no goodbye.
func (s *Server) Kill() {
	s.proc.Signal(syscall.SIGKILL)
	<-s.done
}

// Restart starts the same binary with the same options again.
func (s *Server) Restart() *Server {
	s.t.Helper()
	return Start(s.t, s.Bin, s.Opts)
}

// DB is the path of the database file.
func (s *Server) DB() string { return filepath.Join(s.Opts.DataDir, "netpulse.db") }

// Request sends a request with the server's password (if any) and returns
// the status and body.
func (s *Server) Request(method, path, contentType string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if s.Opts.Password != "" {
		req.SetBasicAuth("netpulse", s.Opts.Password)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

var client = &http.Client{Timeout: 30 * time.Second}

// GetJSON decodes a GET's JSON answer into v and returns the status.
func (s *Server) GetJSON(path string, v any) int {
	s.t.Helper()
	code, b, err := s.Request("GET", path, "", nil)
	if err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		s.t.Fatalf("GET %s: status %d, body %q: %v", path, code, b, err)
	}
	return code
}

// PostJSON posts body as JSON and returns the status and answer.
func (s *Server) PostJSON(path string, body any) (int, string) {
	s.t.Helper()
	b, _ := json.Marshal(body)
	code, out, err := s.Request("POST", path, "application/json", b)
	if err != nil {
		s.t.Fatalf("POST %s: %v", path, err)
	}
	return code, string(out)
}

// Monitor selects the monitored interfaces.
func (s *Server) Monitor(names ...string) {
	s.t.Helper()
	code, body := s.PostJSON("/api/config/monitored_interfaces", map[string][]string{"interfaces": names})
	if code != http.StatusOK {
		s.t.Fatalf("select %v: %d %s", names, code, body)
	}
}

// Health is /api/health's answer.
type Health struct {
	Status         string   `json:"status"`
	LastPoll       int64    `json:"last_poll"`
	LastFlush      int64    `json:"last_flush"`
	PendingSamples int      `json:"pending_samples"`
	Errors         []string `json:"errors"`
	Warnings       []string `json:"warnings"`
}

// Health returns the health answer and its status code.
func (s *Server) Health() (Health, int) {
	s.t.Helper()
	var h Health
	code := s.GetJSON("/api/health", &h)
	return h, code
}

// WaitHealth polls /api/health until ok says the answer is the one wanted,
// and returns it; the test fails after timeout.
func (s *Server) WaitHealth(timeout time.Duration, what string, ok func(Health, int) bool) Health {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		h, code := s.Health()
		if ok(h, code) {
			return h
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waited %s for health to be %s; last: %d %+v", timeout, what, code, h)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Totals returns the recorded rx and tx bytes of iface over the last hour
// (ending at end when set), as /api/traffic answers them: flushed and
// pending samples alike.
func (s *Server) Totals(iface string) (rx, tx uint64) {
	s.t.Helper()
	return s.TotalsQuery("window=1h&group=1m&interface=" + url.QueryEscape(iface))
}

// TotalsQuery is Totals for any /api/traffic query string.
func (s *Server) TotalsQuery(query string) (rx, tx uint64) {
	s.t.Helper()
	var tr Traffic
	if code := s.GetJSON("/api/traffic?"+query, &tr); code != http.StatusOK {
		s.t.Fatalf("traffic?%s: status %d", query, code)
	}
	var prx, ptx int64
	for _, sr := range tr.Series {
		for _, p := range sr.Points {
			prx += p.RxBytes
			ptx += p.TxBytes
		}
	}
	if prx != tr.RxBytes || ptx != tr.TxBytes {
		s.t.Fatalf("traffic?%s: totals rx %d tx %d are not the sums of the points (%d, %d)", query, tr.RxBytes, tr.TxBytes, prx, ptx)
	}
	return uint64(tr.RxBytes), uint64(tr.TxBytes)
}

// Traffic is /api/traffic's answer.
type Traffic struct {
	Start        int64 `json:"start"`
	End          int64 `json:"end"`
	GroupSeconds int64 `json:"group_seconds"`
	RxBytes      int64 `json:"rx_bytes"`
	TxBytes      int64 `json:"tx_bytes"`
	Series       []struct {
		Interface string `json:"interface"`
		RxBytes   int64  `json:"rx_bytes"`
		TxBytes   int64  `json:"tx_bytes"`
		Points    []struct {
			T       int64 `json:"t"`
			RxBytes int64 `json:"rx_bytes"`
			TxBytes int64 `json:"tx_bytes"`
			RxPeak  int64 `json:"rx_peak_bps"`
			TxPeak  int64 `json:"tx_peak_bps"`
		} `json:"points"`
	} `json:"series"`
}

// LiveSample is one "rates" event of /api/live.
type LiveSample struct {
	T          int64 `json:"t"`
	Interfaces []struct {
		Interface string `json:"interface"`
		RxBps     int64  `json:"rx_bps"`
		TxBps     int64  `json:"tx_bps"`
		RxBytes   int64  `json:"rx_bytes"`
		TxBytes   int64  `json:"tx_bytes"`
	} `json:"interfaces"`
}

// Live opens /api/live and sends every rates event to fn until fn returns
// false, ctx ends or the stream breaks. The first event replays the latest
// sample; fresh reports whether an event came from a poll after the stream
// opened.
func (s *Server) Live(ctx context.Context, fn func(ev LiveSample, fresh bool) bool) error {
	req, err := http.NewRequestWithContext(ctx, "GET", s.URL+"/api/live", nil)
	if err != nil {
		return err
	}
	if s.Opts.Password != "" {
		req.SetBasicAuth("netpulse", s.Opts.Password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("live: status %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var ev LiveSample
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			return fmt.Errorf("live: bad event %q: %w", data, err)
		}
		n++
		if !fn(ev, n > 1) {
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return io.ErrUnexpectedEOF
}

// WaitPolls returns after n polls that began after the call: it skips the
// replayed sample and one more, whose reading may predate the call.
func (s *Server) WaitPolls(n int) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(n+1)*time.Second+20*time.Second)
	defer cancel()
	seen := 0
	err := s.Live(ctx, func(_ LiveSample, fresh bool) bool {
		if fresh {
			seen++
		}
		return seen < n+1
	})
	if err != nil {
		s.t.Fatalf("waiting for %d polls: saw %d: %v", n, seen, err)
	}
}

// ProcStatus returns fields of /proc/PID/status, such as VmRSS (in kB)
// and Threads.
func (s *Server) ProcStatus(field string) int64 {
	return ProcStatus(s.Pid, field)
}

// ProcStatus returns a number from /proc/pid/status (kB for memory).
func ProcStatus(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return n
		}
	}
	return -1
}

// OpenFDs counts the process's open file descriptors (sockets included).
func OpenFDs(pid int) int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return -1
	}
	return len(ents)
}
