package app

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/storage"
)

// scrape returns the service's metrics as sample lines ("name{labels}" →
// value).
func scrape(t *testing.T, svc *Service) map[string]float64 {
	t.Helper()
	body, err := svc.Metrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad sample line %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

func TestMetrics(t *testing.T) {
	svc := newService(t, t.TempDir(), Config{})
	now := time.Now()
	svc.store.Add(storage.Record{Interface: "np16m", Time: now.Add(-2 * time.Hour), RxBytes: 1 << 40, TxBytes: 7, RxPackets: 3, TxPackets: 1})
	if err := svc.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc.store.Add(storage.Record{Interface: "np16m", Time: now, RxBytes: 5, TxBytes: 11, RxPackets: 1, TxPackets: 2,
		RxErrors: 1, TxErrors: 2, RxDrops: 3, TxDrops: 4})
	m := scrape(t, svc)
	for _, tc := range []struct {
		sample string
		want   float64
	}{
		{`netpulse_interface_receive_bytes_total{interface="np16m"}`, 1<<40 + 5},
		{`netpulse_interface_transmit_bytes_total{interface="np16m"}`, 18},
		{`netpulse_interface_receive_packets_total{interface="np16m"}`, 4},
		{`netpulse_interface_transmit_packets_total{interface="np16m"}`, 3},
		{`netpulse_interface_receive_errors_total{interface="np16m"}`, 1},
		{`netpulse_interface_transmit_errors_total{interface="np16m"}`, 2},
		{`netpulse_interface_receive_drops_total{interface="np16m"}`, 3},
		{`netpulse_interface_transmit_drops_total{interface="np16m"}`, 4},
		{`netpulse_build_info{goversion="` + runtime.Version() + `",version="test"}`, 1},
	} {
		if got, ok := m[tc.sample]; !ok || got != tc.want {
			t.Errorf("%s = %v (present %v), want %v", tc.sample, got, ok, tc.want)
		}
	}
	for _, name := range []string{"netpulse_poll_duration_seconds_count", "netpulse_flush_duration_seconds_count",
		"netpulse_poll_errors_total", "netpulse_flush_errors_total", "netpulse_pending_records",
		"go_goroutines", "go_sched_gomaxprocs_threads", "process_resident_memory_bytes"} {
		if _, ok := m[name]; !ok {
			t.Errorf("%s missing", name)
		}
	}
	if m["netpulse_pending_records"] < 1 {
		t.Errorf("netpulse_pending_records = %v, want the pending record counted", m["netpulse_pending_records"])
	}
	// An alias is a label of the interface's info series.
	if _, err := svc.SetAliases(context.Background(), map[string]string{"np16m": `Fibre "1"`}); err != nil {
		t.Fatal(err)
	}
	m = scrape(t, svc)
	if got := m[`netpulse_interface_info{interface="np16m",alias="Fibre \"1\""}`]; got != 1 {
		t.Errorf("netpulse_interface_info with the alias = %v, want 1", got)
	}

	// A plan's gauges are its live usage; two plans of one name stay apart
	// by id, and a name that needs escaping is escaped.
	ctx := context.Background()
	var plans []Plan
	for _, name := range []string{`Home "fibre"`, `Home "fibre"`} {
		p, err := svc.CreatePlan(ctx, Plan{Name: name, Interfaces: []string{"np16m"}, Direction: "both",
			CapBytes: 1 << 41, Period: "day", TZ: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, p)
	}
	svc.store.Add(storage.Record{Interface: "np16m", Time: time.Now(), RxBytes: 100, TxBytes: 1})
	m = scrape(t, svc)
	listed, err := svc.Plans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range plans {
		u := listed[i].Usage
		labels := fmt.Sprintf(`{id="%d",plan="Home \"fibre\""}`, p.ID)
		for _, tc := range []struct {
			name string
			want float64
		}{
			{"netpulse_plan_used_bytes", float64(u.UsedBytes)},
			{"netpulse_plan_cap_bytes", 1 << 41},
			{"netpulse_plan_cycle_start_timestamp_seconds", float64(u.CycleStart)},
			{"netpulse_plan_cycle_end_timestamp_seconds", float64(u.CycleEnd)},
		} {
			if got, ok := m[tc.name+labels]; !ok || got != tc.want {
				t.Errorf("%s%s = %v (present %v), want %v", tc.name, labels, got, ok, tc.want)
			}
		}
		if u.UsedBytes < 106 {
			t.Errorf("plan %d used %d bytes, want today's 106 at least", p.ID, u.UsedBytes)
		}
	}

	// The poll job is measured: within a few seconds it has run.
	deadline := time.Now().Add(5 * time.Second)
	for m["netpulse_poll_duration_seconds_count"] == 0 && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		m = scrape(t, svc)
	}
	if m["netpulse_poll_duration_seconds_count"] == 0 {
		t.Error("no poll was measured")
	}
}

// TestBackup: the snapshot holds the settings and every record, the one
// still pending included.
func TestBackup(t *testing.T) {
	svc := newService(t, t.TempDir(), Config{})
	ctx := context.Background()
	if _, err := svc.UpdateSettings(ctx, map[string]string{"theme": "dark"}); err != nil {
		t.Fatal(err)
	}
	svc.store.Add(storage.Record{Interface: "np16b", Time: time.Now(), RxBytes: 1234, TxBytes: 56})
	path, _, err := svc.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer storage.RemoveBackup(path)
	c, err := storage.Open(ctx, path)
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer c.Close()
	if v, _, _ := c.Setting(ctx, "theme"); v != "dark" {
		t.Errorf("backup's theme %q, want dark", v)
	}
	totals, err := c.AllTimeTotals(ctx)
	if err != nil || totals["np16b"].RxBytes != 1234 || totals["np16b"].TxBytes != 56 {
		t.Errorf("backup's totals %v %v, want the record that was pending", totals, err)
	}
}

// TestMetricsContainerSeries: a container's counters are in /metrics while
// the scans find it and for an hour after, then leave, so containers that
// come and go (every `docker run` without --name is a new name) do not pile
// up as series; a host interface stays whatever happens.
func TestMetricsContainerSeries(t *testing.T) {
	svc := newService(t, t.TempDir(), Config{})
	now := time.Now()
	for _, name := range []string{"np16h", "jellyfin/eth0", "stopped/eth0", "long-gone/eth0", "before-restart/eth0"} {
		svc.store.Add(storage.Record{Interface: name, Time: now.Add(-3 * time.Hour), RxBytes: 1000, TxBytes: 10})
	}
	if err := svc.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc.mu.Lock()
	svc.containersSeen = map[string]time.Time{
		"jellyfin/eth0":  now,
		"stopped/eth0":   now.Add(-50 * time.Minute),
		"long-gone/eth0": now.Add(-61 * time.Minute),
	}
	svc.mu.Unlock()
	m := scrape(t, svc)
	for _, tc := range []struct {
		iface string
		shown bool
	}{
		{"np16h", true},
		{"jellyfin/eth0", true},
		{"stopped/eth0", true},
		{"long-gone/eth0", false},
		{"before-restart/eth0", false},
	} {
		_, ok := m[`netpulse_interface_receive_bytes_total{interface="`+tc.iface+`"}`]
		_, info := m[`netpulse_interface_info{interface="`+tc.iface+`",alias=""}`]
		if ok != tc.shown || info != tc.shown {
			t.Errorf("%s: counter in /metrics %v, info %v; want %v", tc.iface, ok, info, tc.shown)
		}
	}
	// A scan forgets what it has not seen for an hour.
	svc.mu.Lock()
	svc.noteContainersLocked(now)
	_, kept := svc.containersSeen["stopped/eth0"]
	_, forgot := svc.containersSeen["long-gone/eth0"]
	svc.mu.Unlock()
	if !kept || forgot {
		t.Errorf("after a scan: stopped kept %v, long gone kept %v", kept, forgot)
	}
}
