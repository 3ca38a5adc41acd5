// Package integration runs the real netpulse binary against real kernel
// counters on veth pairs it creates, and checks that what Net-Pulse records
// equals what the kernel counted, to the byte.
package integration

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netpulse/netpulse/internal/testnet"
	"github.com/netpulse/netpulse/test/reliability/harness"
)

var binary string

func TestMain(m *testing.M) {
	if err := testnet.Available(); err != nil {
		fmt.Println("integration tests skipped:", err)
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "netpulse-it")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "netpulse")
	build := exec.Command("go", "build", "-o", binary, "../..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Printf("build netpulse: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func needNet(t *testing.T) {
	t.Helper()
	if err := testnet.Available(); err != nil {
		t.Skip(err)
	}
}

// pair creates a quiet veth pair for the test.
func pair(t *testing.T, name string, defaultRoute bool) testnet.Pair {
	t.Helper()
	p := testnet.NewPair(name)
	if err := p.Up(defaultRoute); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Down)
	return p
}

// daemon is a running netpulse process.
type daemon struct {
	t       *testing.T
	cmd     *exec.Cmd
	base    string
	dataDir string
	log     *harness.Log
	done    chan error
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// start runs netpulse on dataDir; with ns set, inside that network
// namespace, listening on host.
func start(t *testing.T, dataDir, ns, host string, extra ...string) *daemon {
	t.Helper()
	if host == "" {
		host = "127.0.0.1"
	}
	addr := net.JoinHostPort(host, fmt.Sprint(freePort(t)))
	args := append([]string{"--headless", "--listen", addr, "--data-dir", dataDir,
		"--interval", "1s", "--flush-interval", "1s"}, extra...)
	var cmd *exec.Cmd
	if ns != "" {
		cmd = exec.Command("ip", append([]string{"netns", "exec", ns, binary}, args...)...)
	} else {
		cmd = exec.Command(binary, args...)
	}
	d := &daemon{t: t, cmd: cmd, base: "http://" + addr, dataDir: dataDir, log: &harness.Log{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = d.log, d.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-d.done
		}
		if t.Failed() {
			t.Logf("netpulse log:\n%s", d.log.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(d.base + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return d
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("netpulse did not become healthy: %v\n%s", err, d.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and checks for a clean exit.
func (d *daemon) stop() {
	d.t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-d.done:
		if err != nil {
			d.t.Fatalf("netpulse exited with %v\n%s", err, d.log.String())
		}
	case <-time.After(15 * time.Second):
		d.t.Fatal("netpulse did not stop within 15s")
	}
}

// kill ends the process with SIGKILL: no flush, no goodbye.
func (d *daemon) kill() {
	d.cmd.Process.Kill()
	<-d.done
}

func (d *daemon) getJSON(path string, v any) int {
	d.t.Helper()
	resp, err := http.Get(d.base + path)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		d.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode
}

func (d *daemon) postJSON(path, body string) (int, string) {
	d.t.Helper()
	resp, err := http.Post(d.base+path, "application/json", strings.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (d *daemon) monitor(names ...string) {
	d.t.Helper()
	b, _ := json.Marshal(map[string][]string{"interfaces": append([]string{}, names...)})
	if code, body := d.postJSON("/api/config/monitored_interfaces", string(b)); code != 200 {
		d.t.Fatalf("select %v: %d %s", names, code, body)
	}
}

// waitPolls returns after n more polls have reported iface, learned from
// the live stream rather than from sleeping.
func (d *daemon) waitPolls(iface string, n int) {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(n)*time.Second+10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", d.base+"/api/live", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	seen := -1 // the first event replays the latest sample
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || !strings.Contains(line, `"interface":"`+iface+`"`) {
			continue
		}
		if seen++; seen >= n {
			return
		}
	}
	d.t.Fatalf("live stream ended after %d of %d polls of %s: %v", seen, n, iface, sc.Err())
}

type traffic struct {
	RxBytes int64 `json:"rx_bytes"`
	TxBytes int64 `json:"tx_bytes"`
	Series  []struct {
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

func (d *daemon) totals(iface string) (rx, tx int64) {
	d.t.Helper()
	var tr traffic
	if code := d.getJSON("/api/traffic?window=2h&group=1m&interface="+iface, &tr); code != 200 {
		d.t.Fatalf("traffic: status %d", code)
	}
	return tr.RxBytes, tr.TxBytes
}

func counters(t *testing.T, p testnet.Pair) (rx, tx int64) {
	t.Helper()
	r, x, err := p.Counters()
	if err != nil {
		t.Fatal(err)
	}
	return int64(r), int64(x)
}

func send(t *testing.T, p testnet.Pair, down, up int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := p.Send(ctx, down, up); err != nil {
		t.Fatal(err)
	}
}
