//go:build linux

package desktop

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// markerWindowStarted is the resident starting a window process.
var (
	markerWindowStarted = regexp.MustCompile(`^netpulse-test: window-started (\d+)`)
	markerWindowExit    = regexp.MustCompile(`^netpulse-test: window-exit (-?\d+)`)
)

// proc is a process seen in /proc.
type proc struct {
	pid  int
	exe  string
	ppid int
}

// procs lists every process with its parent and executable.
func procs() []proc {
	entries, _ := os.ReadDir("/proc")
	var out []proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := strings.LastIndexByte(string(stat), ')')
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 2 || f[0] == "Z" {
			continue // zombies hold nothing
		}
		ppid, _ := strconv.Atoi(f[1])
		exe, _ := os.Readlink("/proc/" + e.Name() + "/exe")
		out = append(out, proc{pid: pid, exe: exe, ppid: ppid})
	}
	return out
}

// tree is pid and every process below it.
func tree(pid int) []proc {
	all := procs()
	in := map[int]bool{pid: true}
	var out []proc
	for changed := true; changed; {
		changed = false
		for _, p := range all {
			if !in[p.pid] && (in[p.ppid] || p.pid == pid) {
				in[p.pid], changed = true, true
			}
		}
	}
	for _, p := range all {
		if in[p.pid] {
			out = append(out, p)
		}
	}
	return out
}

// webKit is the WebKit helper processes among ps.
func webKit(ps []proc) []proc {
	var out []proc
	for _, p := range ps {
		if strings.Contains(filepath.Base(p.exe), "WebKit") {
			out = append(out, p)
		}
	}
	return out
}

// alive reports which of ps still run as the same program.
func alive(ps []proc) []proc {
	var out []proc
	for _, p := range ps {
		if exe, err := os.Readlink("/proc/" + strconv.Itoa(p.pid) + "/exe"); err == nil && exe == p.exe {
			if stat, err := os.ReadFile("/proc/" + strconv.Itoa(p.pid) + "/stat"); err == nil {
				i := strings.LastIndexByte(string(stat), ')')
				if f := strings.Fields(string(stat[i+1:])); len(f) > 0 && f[0] != "Z" {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// waitGone waits until none of ps runs any more.
func waitGone(t *testing.T, ps []proc, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		left := alive(ps)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still running after %s: %+v", timeout, left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// windowTree waits for the next window process the resident starts after
// line from, and its WebKit helpers; it returns the process's PID and the
// whole tree.
func windowTree(t *testing.T, a *app, from int) (win int, all []proc) {
	t.Helper()
	m := a.waitLineAfter(&from, markerWindowStarted, 10*time.Second)
	win, _ = strconv.Atoi(m[1])
	deadline := time.Now().Add(30 * time.Second)
	for {
		all = tree(win)
		if len(webKit(all)) >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(webKit(all)) == 0 {
		t.Fatalf("the window process %d has no WebKit helpers", win)
	}
	return win, all
}

// privGet asks the app's private channel in dataDir; token "" sends none.
// It returns the status and the body.
func privGet(t *testing.T, dataDir, token, path string) (int, []byte) {
	t.Helper()
	sock := filepath.Join(dataDir, "run", "desktop.sock")
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	}}
	req, _ := http.NewRequest(http.MethodGet, "http://localhost"+path, nil)
	if token != "" {
		req.Header.Set("X-Netpulse-Token", token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// lastPoll is the resident's last poll, read over the private channel.
func lastPoll(t *testing.T, dataDir, token string) int64 {
	t.Helper()
	code, body := privGet(t, dataDir, token, "/api/health")
	var h struct {
		LastPoll int64 `json:"last_poll"`
	}
	if err := json.Unmarshal(body, &h); code != http.StatusOK || err != nil {
		t.Fatalf("health: %d %s", code, body)
	}
	return h.LastPoll
}

func privToken(t *testing.T, dataDir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "run", "desktop.token"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func kill9(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
}
