// Package metrics checks Net-Pulse's Prometheus endpoint with a real
// Prometheus scraping real netpulse processes that record traffic on veth
// pairs, the files in deploy/ with promtool, and the backup endpoint with
// a server started on what it returned. Most tests need root.
package metrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/internal/testnet"
	"github.com/netpulse/netpulse/test/harness"
)

var bin string

func TestMain(m *testing.M) { os.Exit(harness.Main(m, &bin)) }

// counterNames are the per-interface counters /metrics serves.
var counterNames = []string{
	"netpulse_interface_receive_bytes_total", "netpulse_interface_transmit_bytes_total",
	"netpulse_interface_receive_packets_total", "netpulse_interface_transmit_packets_total",
	"netpulse_interface_receive_errors_total", "netpulse_interface_transmit_errors_total",
	"netpulse_interface_receive_drops_total", "netpulse_interface_transmit_drops_total",
}

func TestPrometheusScrapesExactMonotonicCounters(t *testing.T) {
	harness.NeedSystem(t)
	pa, pb := harness.QuietPair(t, "np16a"), harness.QuietPair(t, "np16b")
	// a has a password and flushes often, so its counters are mostly the
	// stored sums; b has none and never flushes during the test, so its
	// counters are all unflushed polls.
	a := harness.Start(t, bin, harness.Options{DataDir: t.TempDir(), Password: "np16 secret", Flush: "2s", Listen: harness.FreeAddr(t)})
	b := harness.Start(t, bin, harness.Options{DataDir: t.TempDir(), Flush: "1h"})
	harness.Baseline(t, a, pa)
	harness.Baseline(t, b, pb)
	// Both run as users start them: on one P unless GOMAXPROCS is set.
	if os.Getenv("GOMAXPROCS") == "" {
		if _, body, err := b.Request("GET", "/metrics", "", nil); err != nil || !strings.Contains(string(body), "\ngo_sched_gomaxprocs_threads 1\n") {
			t.Errorf("the daemon at its defaults does not run on one P (err %v):\n%s", err, body)
		}
	}
	// A data plan on a, so that its gauges are served and scraped.
	if code, body := a.PostJSON("/api/plans", map[string]any{"name": "np16 plan", "interfaces": []string{pa.Host},
		"period": "day", "tz": "UTC", "cap_bytes": 1 << 30}); code != 201 {
		t.Fatalf("POST /api/plans: %d %s", code, body)
	}
	prom := startPrometheus(t, target{"np16a", a}, target{"np16b", b})
	day := prom.query("netpulse:calendar_day")

	harness.Send(t, pa, 3<<20, 1<<20)
	harness.Send(t, pb, 2<<20, 5<<19)
	expectScraped(t, prom, "after traffic", "np16a", a, pa)
	expectScraped(t, prom, "after traffic", "np16b", b, pb)
	if reflect.DeepEqual(day, prom.query("netpulse:calendar_day")) {
		expectToday(t, prom, "np16a", pa)
	}

	// kill -9 loses a's unflushed polls from memory; the restart counts
	// them again from its last checkpoint.
	harness.Send(t, pa, 1<<20, 1<<20)
	a.Kill()
	a = a.Restart()
	harness.Send(t, pa, 2<<20, 1<<19)
	// A re-created interface starts its kernel counters from zero.
	if err := pb.Recreate(); err != nil {
		t.Fatal(err)
	}
	harness.PinNeighbours(t, pb, pb.Host)
	harness.Send(t, pb, 1<<20, 3<<20)
	expectScraped(t, prom, "after kill -9 and restart", "np16a", a, pa)
	expectScraped(t, prom, "after re-creating the interface", "np16b", b, pb)
	for _, name := range counterNames {
		for _, s := range prom.query(fmt.Sprintf("resets(%s[10m])", name)) {
			if s.value != 0 {
				t.Errorf("%s%v went down %v times", name, s.labels, s.value)
			}
		}
		if n := len(prom.query(name + `{interface=~"np16.*"}`)); n != 2 {
			t.Errorf("%s: %d series of the test's interfaces, want one per instance", name, n)
		}
	}

	expectPlanScraped(t, prom, a)

	served := servedNames(t, a, b)
	for _, name := range usedNames(t) {
		if !served[name] {
			t.Errorf("deploy/ uses %s, which /metrics does not serve", name)
		}
	}
	checkMetricsLint(t, a)
}

// expectScraped waits until pair p is quiet and srv has recorded it, then
// until Prometheus has scraped srv since, and requires the scraped counters
// to equal srv's recorded totals to the byte.
func expectScraped(t *testing.T, prom *prometheus, what, job string, srv *harness.Server, p testnet.Pair) {
	t.Helper()
	harness.Settle(t, srv, p)
	rx, tx := srv.TotalsQuery("window=2h&group=1m&interface=" + url.QueryEscape(p.Host))
	sel := fmt.Sprintf(`{job=%q, interface=%q}`, job, p.Host)
	var gotRx, gotTx float64
	deadline := time.Now().Add(15 * time.Second)
	for {
		gotRx, _ = prom.value("netpulse_interface_receive_bytes_total" + sel)
		gotTx, _ = prom.value("netpulse_interface_transmit_bytes_total" + sel)
		if gotRx == float64(rx) && gotTx == float64(tx) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s: Prometheus has rx %.0f tx %.0f, the server recorded rx %d tx %d", what, job, gotRx, gotTx, rx, tx)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("%s: %s: Prometheus and the server agree: rx %d tx %d", what, job, rx, tx)
}

// expectPlanScraped requires the plan gauges Prometheus holds for srv to be
// the plan's usage as the API gives it. srv's traffic has settled.
func expectPlanScraped(t *testing.T, prom *prometheus, srv *harness.Server) {
	t.Helper()
	var plans []struct {
		ID       int64 `json:"id"`
		CapBytes int64 `json:"cap_bytes"`
		Usage    struct {
			CycleEnd  int64 `json:"cycle_end"`
			UsedBytes int64 `json:"used_bytes"`
		} `json:"usage"`
	}
	if code := srv.GetJSON("/api/plans", &plans); code != 200 || len(plans) != 1 {
		t.Fatalf("GET /api/plans: %d, %d plans", code, len(plans))
	}
	p := plans[0]
	if p.Usage.UsedBytes == 0 {
		t.Fatal("the plan counted none of the traffic")
	}
	sel := fmt.Sprintf(`{job="np16a", id="%d", plan="np16 plan"}`, p.ID)
	prom.waitFor("the plan's gauges", 15*time.Second, func() bool {
		used, ok1 := prom.value("netpulse_plan_used_bytes" + sel)
		capb, ok2 := prom.value("netpulse_plan_cap_bytes" + sel)
		end, ok3 := prom.value("netpulse_plan_cycle_end_timestamp_seconds" + sel)
		return ok1 && ok2 && ok3 && used == float64(p.Usage.UsedBytes) && capb == float64(p.CapBytes) && end == float64(p.Usage.CycleEnd)
	})
	t.Logf("Prometheus has the plan's usage: %d bytes", p.Usage.UsedBytes)
}

// expectToday checks the recording rules: today's total is what the counter
// grew by since Prometheus first saw it today.
func expectToday(t *testing.T, prom *prometheus, job string, p testnet.Pair) {
	t.Helper()
	sel := fmt.Sprintf(`{job=%q, interface=%q}`, job, p.Host)
	want := fmt.Sprintf("netpulse_interface_receive_bytes_total%s - min_over_time(netpulse_interface_receive_bytes_total%s[1h])", sel, sel)
	prom.waitFor("today's total from the recording rules", 10*time.Second, func() bool {
		got, ok1 := prom.value("interface:netpulse_receive_bytes:today" + sel)
		w, ok2 := prom.value(want)
		return ok1 && ok2 && got == w && got > 0
	})
}

var sampleName = regexp.MustCompile(`(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)`)

// servedNames returns the metric names the servers' /metrics serve.
func servedNames(t *testing.T, servers ...*harness.Server) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	for _, s := range servers {
		code, body, err := s.Request("GET", "/metrics", "", nil)
		if err != nil || code != 200 {
			t.Fatalf("GET /metrics: %d %v", code, err)
		}
		for _, m := range sampleName.FindAllStringSubmatch(string(body), -1) {
			names[m[1]] = true
		}
	}
	return names
}

var identifier = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)

// usedNames returns the Net-Pulse metric names that the recording rules
// and the Grafana dashboard read; recorded names a panel uses must come
// from a rule.
func usedNames(t *testing.T) []string {
	t.Helper()
	rules, err := os.ReadFile(deployFile(t, "prometheus/netpulse-rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]bool{}
	var exprs []string
	var inExpr bool
	for _, line := range strings.Split(string(rules), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "#"):
		case strings.HasPrefix(trimmed, "- record:"):
			recorded[strings.TrimSpace(strings.TrimPrefix(trimmed, "- record:"))] = true
			inExpr = false
		case strings.HasPrefix(trimmed, "expr:"):
			exprs = append(exprs, strings.TrimPrefix(trimmed, "expr:"))
			inExpr = true
		case inExpr && trimmed != "":
			exprs = append(exprs, trimmed)
		}
	}
	dash, err := os.ReadFile(deployFile(t, "grafana/dashboards/netpulse.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
		Templating struct{ List []struct{ Definition string } }
	}
	if err := json.Unmarshal(dash, &d); err != nil {
		t.Fatal(err)
	}
	panelExprs := 0
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
			panelExprs++
		}
	}
	for _, v := range d.Templating.List {
		exprs = append(exprs, v.Definition)
	}
	if len(recorded) < 10 || panelExprs < 10 {
		t.Fatalf("read %d recording rules and %d panel queries; the files' shape changed", len(recorded), panelExprs)
	}
	var used []string
	for _, e := range exprs {
		for _, id := range identifier.FindAllString(e, -1) {
			switch {
			case strings.Contains(id, ":") && !recorded[id]:
				t.Errorf("%s is used but no rule records it", id)
			case strings.HasPrefix(id, "netpulse_") && !slices.Contains(used, id):
				used = append(used, id)
			}
		}
	}
	return used
}

// checkMetricsLint runs promtool check metrics on a scrape.
func checkMetricsLint(t *testing.T, s *harness.Server) {
	t.Helper()
	_, body, err := s.Request("GET", "/metrics", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("promtool", "check", "metrics")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestDeployFilesPassPromtool(t *testing.T) {
	if _, err := exec.LookPath("promtool"); err != nil {
		t.Fatal("promtool is not installed (make deps installs Debian's prometheus package)")
	}
	// The config reads its password from a file the user creates beside it.
	dir := t.TempDir()
	for _, f := range []string{"prometheus.yml", "netpulse-rules.yml"} {
		b, err := os.ReadFile(deployFile(t, "prometheus/"+f))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, f), string(b))
	}
	write(t, filepath.Join(dir, "password"), "secret")
	for _, args := range [][]string{
		{"check", "config", filepath.Join(dir, "prometheus.yml")},
		{"check", "rules", deployFile(t, "prometheus/netpulse-rules.yml")},
	} {
		if out, err := exec.Command("promtool", args...).CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestHostTotalsLeaveOutContainers runs the shipped rules with promtool: a
// host's totals are its own interfaces', without the entries of its
// containers, whose traffic crosses those interfaces too.
func TestHostTotalsLeaveOutContainers(t *testing.T) {
	if _, err := exec.LookPath("promtool"); err != nil {
		t.Fatal("promtool is not installed (make deps installs Debian's prometheus package)")
	}
	dir := t.TempDir()
	rules, err := os.ReadFile(deployFile(t, "prometheus/netpulse-rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "netpulse-rules.yml"), string(rules))
	// eth0 gets 1000 bytes each 15 s, 900 of them for the container.
	var b strings.Builder
	b.WriteString("rule_files: [netpulse-rules.yml]\nevaluation_interval: 15s\ntests:\n  - interval: 15s\n    input_series:\n")
	for _, dir := range []string{"receive", "transmit"} {
		fmt.Fprintf(&b, "      - series: 'netpulse_interface_%s_bytes_total{job=\"netpulse\",instance=\"a:8080\",interface=\"eth0\"}'\n        values: '0+1000x100'\n", dir)
		fmt.Fprintf(&b, "      - series: 'netpulse_interface_%s_bytes_total{job=\"netpulse\",instance=\"a:8080\",interface=\"jellyfin/eth0\"}'\n        values: '0+900x100'\n", dir)
	}
	b.WriteString("    promql_expr_test:\n")
	for _, dir := range []string{"receive", "transmit"} {
		for _, period := range []string{"today", "this_month"} {
			// 40 steps of 1000 bytes after the first evaluation at 0.
			fmt.Fprintf(&b, "      - expr: host:netpulse_%[1]s_bytes:%[2]s\n        eval_time: 10m\n        exp_samples:\n          - labels: 'host:netpulse_%[1]s_bytes:%[2]s{job=\"netpulse\",instance=\"a:8080\"}'\n            value: 40000\n", dir, period)
		}
	}
	write(t, filepath.Join(dir, "test.yml"), b.String())
	if out, err := exec.Command("promtool", "test", "rules", filepath.Join(dir, "test.yml")).CombinedOutput(); err != nil {
		t.Errorf("promtool test rules: %v\n%s", err, out)
	}
}
