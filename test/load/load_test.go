//go:build linux

// Package load puts the real netpulse binary under concurrent HTTP load:
// 100 clients querying /api/traffic over a database with two years of
// history, and 500 live-view clients connecting and disconnecting (plus a
// few that never read) while the collector polls. It runs only when
// NETPULSE_LOAD is set: "ci" for a short run (about a minute in all),
// "full" for the one RELIABILITY.md reports (60 s and 120 s).
package load

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/netpulse/netpulse/storage"
	"github.com/netpulse/netpulse/test/harness"
)

var bin string

func TestMain(m *testing.M) {
	if os.Getenv("NETPULSE_LOAD") == "" {
		fmt.Println("load tests skipped: set NETPULSE_LOAD=ci (short) or NETPULSE_LOAD=full (make soak)")
		os.Exit(m.Run())
	}
	os.Exit(harness.Main(m, &bin))
}

// durations returns how long each test runs for the NETPULSE_LOAD size.
func durations(t *testing.T) (traffic, live time.Duration) {
	switch os.Getenv("NETPULSE_LOAD") {
	case "":
		t.Skip("skipped: set NETPULSE_LOAD=ci or full")
	case "ci":
		return 25 * time.Second, 25 * time.Second
	case "full":
		return 60 * time.Second, 120 * time.Second
	}
	t.Fatalf("NETPULSE_LOAD=%q: want ci or full", os.Getenv("NETPULSE_LOAD"))
	return 0, 0
}

// report prints a result line and appends it to $NETPULSE_LOAD_REPORT.
func report(t *testing.T, format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	t.Log(line)
	if path := os.Getenv("NETPULSE_LOAD_REPORT"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%s %s: %s\n", time.Now().UTC().Format(time.RFC3339), t.Name(), line)
			f.Close()
		}
	}
}

func TestTrafficQueries(t *testing.T) {
	length, _ := durations(t)
	const clients = 100
	dir := t.TempDir()
	s := harness.Start(t, bin, harness.Options{DataDir: dir})
	s.Monitor("lo")
	if code := s.Stop(); code != 0 {
		t.Fatalf("stop: %d", code)
	}
	rows := seedHistory(t, s.DB(), "lo")
	s = s.Restart()
	queries := []string{
		"window=1h&group=1m",   // the dashboard's default
		"window=1h&group=1s",   // 3600 raw buckets
		"window=24h&group=15m", // a day
		"window=7d&group=1h",
		"window=30d&group=1d&tz=Europe/Berlin", // calendar days
		"window=365d&group=1d",
		"window=730d&group=7d",
		"window=48h&group=5m",
	}
	poll := watchPolls(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), length)
	defer cancel()
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	cl := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	perQuery := map[string][]time.Duration{}
	var errs []string
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			mineQ := map[string][]time.Duration{}
			for n := i; ctx.Err() == nil; n++ {
				q := queries[n%len(queries)]
				t0 := time.Now()
				err := get(cl, s.URL+"/api/traffic?"+q)
				d := time.Since(t0)
				if ctx.Err() != nil && err != nil {
					break // the run ended mid-request
				}
				mine = append(mine, d)
				mineQ[q] = append(mineQ[q], d)
				if err != nil {
					mu.Lock()
					errs = append(errs, q+": "+err.Error())
					mu.Unlock()
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			for q, l := range mineQ {
				perQuery[q] = append(perQuery[q], l...)
			}
			mu.Unlock()
		}()
	}
	rss := sampleRSS(ctx, s.Pid)
	wg.Wait()
	elapsed := time.Since(start)
	gaps := poll()
	slices.Sort(lat)
	report(t, "%d clients, %s: %d requests (%.0f/s), %d errors; latency p50 %s p90 %s p99 %s max %s; server RSS peak %d MiB; history %d buckets; poll gaps %s",
		clients, elapsed.Round(time.Second), len(lat), float64(len(lat))/elapsed.Seconds(), len(errs),
		pct(lat, 50), pct(lat, 90), pct(lat, 99), lat[len(lat)-1].Round(time.Microsecond), rss()>>10, rows, gaps)
	for _, q := range queries {
		l := perQuery[q]
		slices.Sort(l)
		report(t, "  %-38s %5d requests, p50 %s p99 %s", q, len(l), pct(l, 50), pct(l, 99))
	}
	if len(errs) > 0 {
		t.Errorf("%d errors, first: %s", len(errs), errs[0])
	}
	if gaps.missed > 0 {
		t.Errorf("polls missed under query load: %s", gaps)
	}
}

func get(cl *http.Client, url string) error {
	resp, err := cl.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var v struct {
		Series []json.RawMessage `json:"series"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || len(v.Series) != 1 {
		return fmt.Errorf("status %d, %d series", resp.StatusCode, len(v.Series))
	}
	return nil
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100].Round(time.Microsecond)
}

// seedHistory fills every tier with a steady history for iface within each
// tier's retention: a day of seconds, 29 days of minutes, a year of quarter
// hours, two years of hours.
func seedHistory(t *testing.T, path, iface string) int {
	t.Helper()
	rows := seedSeconds(t, path, iface, 23*3600)
	db, err := harness.OpenDB(path, "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var id int64
	now := time.Now().Unix()
	if err := tx.QueryRow(`INSERT INTO interfaces (name, first_seen) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET name = name RETURNING id`, iface, now-2*366*86400).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, tier := range []struct {
		table       string
		bucket, age int64
	}{
		{"traffic_1m", 60, 29 * 86400},
		{"traffic_15m", 900, 365 * 86400},
		{"traffic_1h", 3600, 730 * 86400},
	} {
		stmt, err := tx.Prepare(`INSERT OR IGNORE INTO ` + tier.table + ` (t, iface, rx, tx, rx_pkts, tx_pkts, rx_peak, tx_peak) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`)
		if err != nil {
			t.Fatal(err)
		}
		end := now - now%tier.bucket - tier.bucket
		for b := end - tier.age; b < end; b += tier.bucket {
			v := 1000 * tier.bucket
			if _, err := stmt.Exec(b, id, v, v/4, v/1000, v/4000, 2000, 500); err != nil {
				t.Fatal(err)
			}
			rows++
		}
		stmt.Close()
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// seedSeconds records the last age seconds of iface through the storage
// API, as polls would, since the raw tier packs its seconds into rows; the
// coarser tiers get these seconds' sums too. It returns the seconds added.
func seedSeconds(t *testing.T, path, iface string, age int64) int {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A flush stores its last record's counters as the interface's
	// checkpoint: keep the one the stopped daemon left, or none.
	cps, err := st.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var cp storage.Checkpoint
	var kept []string
	for _, c := range cps {
		kept = append(kept, c.Interface)
		if c.Interface == iface {
			cp = c
		}
	}
	now := time.Now().Unix()
	if cp.Interface != "" {
		now = cp.Time.Unix()
	}
	for b := now - 1 - age; b < now-1; b++ {
		st.Add(storage.Record{Interface: iface, Time: time.Unix(b, 0), RxBytes: 1000, TxBytes: 250,
			RxPackets: 1, TxPackets: 0, RxPeak: 2000, TxPeak: 500, Counters: cp.Counters, BootID: cp.BootID})
	}
	if err := st.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.KeepCheckpoints(ctx, kept); err != nil {
		t.Fatal(err)
	}
	return int(age)
}

// pollGaps describes the spacing of polls as the live stream reported them.
type pollGaps struct {
	n              int
	maxLate, worst time.Duration // most behind the 1 s beat; largest gap
	missed         int           // gaps over 1.5 s
}

func (g pollGaps) String() string {
	return fmt.Sprintf("%d polls, largest gap %s, most late %s, %d missed", g.n, g.worst, g.maxLate, g.missed)
}

// watchPolls records the time of every poll from a well-behaved live
// client; the returned function stops it and describes the gaps. The times
// are the poll's own, taken by the collector, so a slow client or a busy
// HTTP server shows here only if it delayed the poll itself.
func watchPolls(t *testing.T, s *harness.Server) func() pollGaps {
	ctx, cancel := context.WithCancel(context.Background())
	var ts []int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Live(ctx, func(ev harness.LiveSample, fresh bool) bool {
			if fresh {
				ts = append(ts, ev.T)
			}
			return true
		})
	}()
	return func() pollGaps {
		cancel()
		<-done
		g := pollGaps{n: len(ts)}
		for i := 1; i < len(ts); i++ {
			gap := time.Duration(ts[i]-ts[i-1]) * time.Millisecond
			g.worst = max(g.worst, gap)
			g.maxLate = max(g.maxLate, gap-time.Second)
			if gap > 1500*time.Millisecond {
				g.missed++
			}
		}
		return g
	}
}

// sampleRSS samples the process's resident memory every 200 ms until ctx
// ends; the returned function gives the peak in kB.
func sampleRSS(ctx context.Context, pid int) func() int64 {
	var peak atomic.Int64
	go func() {
		for ctx.Err() == nil {
			peak.Store(max(peak.Load(), harness.ProcStatus(pid, "VmRSS")))
			time.Sleep(200 * time.Millisecond)
		}
	}()
	return func() int64 { return peak.Load() }
}

func TestLiveClients(t *testing.T) {
	_, length := durations(t)
	const clients, stalled = 500, 20
	s := harness.Start(t, bin, harness.Options{DataDir: t.TempDir()})
	// Many monitored interfaces make each event a few kB, so a client that
	// stops reading fills its socket buffers within seconds and the server
	// really has to deal with a blocked writer.
	names := []string{"lo"}
	if os.Geteuid() == 0 {
		names = append(names, idleLinks(t, 60)...)
		capSendBuffers(t)
	}
	s.Monitor(names...)
	s.WaitPolls(1)
	before := gapsFor(t, s, 5*time.Second)
	fds0, threads0, rss0 := harness.OpenFDs(s.Pid), s.ProcStatus("Threads"), s.ProcStatus("VmRSS")

	poll := watchPolls(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), length)
	defer cancel()
	rss := sampleRSS(ctx, s.Pid)
	var connects, events, refused, failures atomic.Int64
	var peakFDs atomic.Int64
	go func() {
		for ctx.Err() == nil {
			peakFDs.Store(max(peakFDs.Load(), int64(harness.OpenFDs(s.Pid))))
			time.Sleep(200 * time.Millisecond)
		}
	}()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n, err := churnClient(ctx, s.URL, rand.IntN(4), time.Duration(rand.IntN(2500))*time.Millisecond)
				connects.Add(1)
				events.Add(int64(n))
				switch {
				case err == errRefused:
					refused.Add(1)
				case err != nil && ctx.Err() == nil:
					failures.Add(1)
				}
			}
		}()
	}
	stalls := make([]net.Conn, 0, stalled)
	for range stalled {
		if c, err := stallClient(s.URL); err == nil {
			stalls = append(stalls, c)
		} else {
			t.Errorf("stalled client: %v", err)
		}
	}
	wg.Wait()
	gaps := poll()
	cut := 0
	for _, c := range stalls {
		if serverClosed(c) {
			cut++
		}
		c.Close()
	}
	// Every connection is gone on the client side; the server's sockets and
	// goroutines must follow.
	deadline := time.Now().Add(20 * time.Second)
	fds1 := harness.OpenFDs(s.Pid)
	for fds1 > fds0+2 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		fds1 = harness.OpenFDs(s.Pid)
	}
	threads1, rss1 := s.ProcStatus("Threads"), s.ProcStatus("VmRSS")
	report(t, "%d churning + %d stalled live clients, %s: %d connections, %d events, %d refused, %d failed; %d of %d stalled clients cut off by the server; "+
		"poll gaps before %s, under load %s; server fds %d -> peak %d -> %d, threads %d -> %d, RSS %d -> peak %d -> %d MiB",
		clients, stalled, length, connects.Load(), events.Load(), refused.Load(), failures.Load(), cut, len(stalls),
		before, gaps, fds0, peakFDs.Load(), fds1, threads0, threads1, rss0>>10, rss()>>10, rss1>>10)
	if gaps.missed > 0 {
		t.Errorf("polls missed while live clients churned: %s", gaps)
	}
	if fds1 > fds0+2 {
		t.Errorf("server still holds %d descriptors, %d before the clients: streams not cleaned up", fds1, fds0)
	}
	if os.Geteuid() == 0 && cut < len(stalls) {
		t.Errorf("only %d of %d clients that never read were cut off by the server", cut, len(stalls))
	}
	if failures.Load() > 0 || refused.Load() > 0 {
		t.Errorf("%d live connections failed and %d were refused", failures.Load(), refused.Load())
	}
	if peak := rss() >> 10; peak > 256 {
		t.Errorf("server RSS peaked at %d MiB", peak)
	}
	if h, code := s.Health(); code != 200 {
		t.Errorf("health after the load: %d %+v", code, h)
	}
}

func gapsFor(t *testing.T, s *harness.Server, d time.Duration) pollGaps {
	stop := watchPolls(t, s)
	time.Sleep(d)
	return stop()
}

var errRefused = fmt.Errorf("refused")

// churnClient opens a live stream, reads up to n events or until hold
// passes, and hangs up.
func churnClient(ctx context.Context, base string, n int, hold time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, hold)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/live", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil
		}
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusServiceUnavailable {
		return 0, errRefused
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	got := 0
	for got < n && sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data: ") {
			got++
		}
	}
	return got, nil
}

// stallClient opens a live stream with a tiny receive buffer and never
// reads from it.
func stallClient(base string) (net.Conn, error) {
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024) })
		return serr
	}}
	c, err := d.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		return nil, err
	}
	_, err = fmt.Fprintf(c, "GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	return c, err
}

// serverClosed drains c and reports whether the server closed it.
func serverClosed(c net.Conn) bool {
	buf := make([]byte, 64<<10)
	for {
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if _, err := c.Read(buf); err != nil {
			ne, ok := err.(net.Error)
			return !(ok && ne.Timeout())
		}
	}
}

// capSendBuffers caps the kernel's TCP send-buffer autotuning at 16 KiB for
// the test. Left alone it grows a socket's buffer to megabytes, and a
// client that never reads would need minutes of live events to block the
// server's writes; capped, it blocks within seconds, which is the case the
// server must handle (its write deadline ends such streams). The setting
// applies to sockets created after it and is put back at cleanup.
func capSendBuffers(t *testing.T) {
	const key = "/proc/sys/net/ipv4/tcp_wmem"
	old, err := os.ReadFile(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, []byte("4096 16384 16384"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.WriteFile(key, old, 0); err != nil {
			t.Errorf("restore %s to %q: %v", key, old, err)
		}
	})
}

// idleLinks creates n/2 veth pairs (n interfaces, down, no addresses, no
// traffic) and removes them at the end.
func idleLinks(t *testing.T, n int) []string {
	var names []string
	var b, del strings.Builder
	for i := range n / 2 {
		names = append(names, fmt.Sprintf("npld%02da", i), fmt.Sprintf("npld%02db", i))
		fmt.Fprintf(&b, "link add npld%02da type veth peer name npld%02db\n", i, i)
		fmt.Fprintf(&del, "link del npld%02da\n", i)
	}
	run := func(script string) error {
		cmd := exec.Command("ip", "-force", "-batch", "-")
		cmd.Stdin = strings.NewReader(script)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	}
	run(del.String())
	if err := run(b.String()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run(del.String()) })
	return names
}
