package metrics

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/test/harness"
)

// prometheus is a real Prometheus server the test started on loopback.
type prometheus struct {
	t   *testing.T
	url string
}

// target is a Net-Pulse server for Prometheus to scrape.
type target struct {
	name string // the job name, which tells the servers apart in queries
	srv  *harness.Server
}

// startPrometheus runs Prometheus scraping the targets every second, with
// deploy/'s recording rules, and waits until every target is up.
func startPrometheus(t *testing.T, targets ...target) *prometheus {
	t.Helper()
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Fatal("prometheus is not installed (make deps installs Debian's package)")
	}
	dir := t.TempDir()
	rules, err := os.ReadFile(deployFile(t, "prometheus/netpulse-rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	// The rules as shipped, evaluated every second instead of every 15 s.
	rules = []byte(strings.ReplaceAll(strings.ReplaceAll(string(rules), "interval: 15s", "interval: 1s"), "offset 15s", "offset 1s"))
	write(t, filepath.Join(dir, "rules.yml"), string(rules))
	cfg := "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: [rules.yml]\nscrape_configs:\n"
	for _, tg := range targets {
		u, _ := url.Parse(tg.srv.URL)
		cfg += fmt.Sprintf("  - job_name: %s\n    static_configs: [{targets: [%q]}]\n", tg.name, u.Host)
		if tg.srv.Opts.Password != "" {
			write(t, filepath.Join(dir, tg.name+".password"), tg.srv.Opts.Password)
			cfg += fmt.Sprintf("    basic_auth: {username: prometheus, password_file: %s.password}\n", tg.name)
		}
	}
	write(t, filepath.Join(dir, "prometheus.yml"), cfg)
	addr := harness.FreeAddr(t)
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr, "--log.level=warn")
	log := &harness.Log{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("prometheus log:\n%s", log.String())
		}
	})
	p := &prometheus{t: t, url: "http://" + addr}
	p.waitFor("every target up", 30*time.Second, func() bool {
		up, ok := p.tryQuery("sum(up)")
		return ok && len(up) == 1 && up[0].value == float64(len(targets))
	})
	return p
}

// sample is one series of an instant query's answer.
type sample struct {
	labels map[string]string
	value  float64
}

// query runs an instant PromQL query now.
func (p *prometheus) query(q string) []sample {
	p.t.Helper()
	out, ok := p.tryQuery(q)
	if !ok {
		p.t.Fatalf("query %s failed", q)
	}
	return out
}

func (p *prometheus) tryQuery(q string) ([]sample, bool) {
	resp, err := http.Get(p.url + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Status != "success" {
		p.t.Logf("query %s: %v %s", q, err, body.Error)
		return nil, false
	}
	var out []sample
	for _, r := range body.Data.Result {
		s, _ := r.Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, false
		}
		out = append(out, sample{labels: r.Metric, value: v})
	}
	return out, true
}

// value is the single value of q's answer, or false when there is none.
func (p *prometheus) value(q string) (float64, bool) {
	p.t.Helper()
	out := p.query(q)
	if len(out) != 1 {
		return 0, false
	}
	return out[0].value, true
}

func (p *prometheus) waitFor(what string, timeout time.Duration, ok func() bool) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			p.t.Fatalf("waited %s for %s", timeout, what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// deployFile is the path of a file under deploy/.
func deployFile(t *testing.T, name string) string {
	t.Helper()
	root, err := harness.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "deploy", name)
}
