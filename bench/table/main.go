// Command table combines the Go benchmarks' output and the soak's JSON
// report into one Markdown table, with each figure's budget and whether it
// was met.
//
//	go run ./bench/table -go bench.txt -soak soak.json [-md table.md]
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	goFile := flag.String("go", "", "output of go test -bench")
	soakFile := flag.String("soak", "", "JSON report of bench/soak")
	mdFile := flag.String("md", "", "also write the table here")
	flag.Parse()
	var b benchmarks
	var err error
	if *goFile != "" {
		if b, err = readBenchmarks(*goFile); err != nil {
			fail(err)
		}
	}
	var s soak
	if *soakFile != "" {
		data, err := os.ReadFile(*soakFile)
		if err != nil {
			fail(err)
		}
		if err := json.Unmarshal(data, &s); err != nil {
			fail(fmt.Errorf("%s: %w", *soakFile, err))
		}
	}
	var sb strings.Builder
	render(&sb, b, &s)
	fmt.Print(sb.String())
	if *mdFile != "" {
		if err := os.WriteFile(*mdFile, []byte(sb.String()), 0o644); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "table:", err)
	os.Exit(1)
}

// benchmarks maps a benchmark's name (without the -GOMAXPROCS suffix) to
// its metrics, each the median over -count runs.
type benchmarks map[string]map[string]float64

func (b benchmarks) get(name, unit string) (float64, bool) {
	v, ok := b[name][unit]
	return v, ok
}

func readBenchmarks(path string) (benchmarks, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	runs := map[string]map[string][]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(fields[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		if runs[name] == nil {
			runs[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				break
			}
			runs[name][fields[i+1]] = append(runs[name][fields[i+1]], v)
		}
	}
	out := benchmarks{}
	for name, units := range runs {
		out[name] = map[string]float64{}
		for unit, vs := range units {
			slices.Sort(vs)
			out[name][unit] = vs[len(vs)/2]
		}
	}
	return out, sc.Err()
}

// soak is the part of bench/soak's report the table uses.
type soak struct {
	Date       string      `json:"date"`
	CPUs       int         `json:"cpus"`
	CPUModel   string      `json:"cpu_model"`
	Kernel     string      `json:"kernel"`
	DurationS  float64     `json:"duration_s"`
	Interfaces []string    `json:"interfaces"`
	RateBps    int64       `json:"traffic_bytes_per_second_each_way"`
	Load1Start float64     `json:"load1_start"`
	Load1End   float64     `json:"load1_end"`
	NetPulse   *daemon     `json:"netpulse"`
	VnStat     *daemon     `json:"vnstatd"`
	Desktop    *daemon     `json:"desktop"`
	DesktopMem *desktopMem `json:"desktop_memory"`
	Page       *page       `json:"page"`
	Notes      []string    `json:"notes"`
	Flush      string      `json:"netpulse_flush_interval"`
	VnStatMode string      `json:"vnstat_mode"`
	Features   *struct {
		Plans       int     `json:"plans"`
		Notifiers   int     `json:"notifiers"`
		ScrapeEvery float64 `json:"scrape_every_s"`
	} `json:"netpulse_features"`
}

// desktopMem is bench/soak's DesktopMemory.
type desktopMem struct {
	HiddenPSSKB         int64     `json:"hidden_pss_kb"`
	HiddenProcesses     int       `json:"hidden_processes"`
	HeadlessPSSKB       int64     `json:"headless_pss_kb"`
	HiddenCPUPercent    float64   `json:"hidden_cpu_percent"`
	FirstChartS         []float64 `json:"first_chart_s"`
	FirstChartCPUS      []float64 `json:"first_chart_cpu_s"`
	AfterClosePSSKB     int64     `json:"after_close_pss_kb"`
	AfterCloseProcesses int       `json:"after_close_processes"`
	WebKitLeft          int       `json:"webkit_processes_left"`
}

type daemon struct {
	Version         string             `json:"version"`
	CPUSeconds      float64            `json:"cpu_seconds"`
	CPUSecondsSched float64            `json:"cpu_seconds_precise"`
	CPUPercent      float64            `json:"cpu_percent_of_core"`
	CPULifetime     float64            `json:"cpu_seconds_since_start"`
	AgeS            float64            `json:"age_s"`
	RSSSteadyKB     int64              `json:"rss_steady_kb"`
	RSSPeakKB       int64              `json:"rss_peak_kb"`
	RSSFirstKB      int64              `json:"rss_first_kb"`
	RSSLastKB       int64              `json:"rss_last_kb"`
	WriteBytes      int64              `json:"write_bytes"`
	WriteBytesPerH  float64            `json:"write_bytes_per_hour"`
	WChar           float64            `json:"wchar"`
	DBBytesLive     int64              `json:"db_bytes_live"`
	DBBytes         int64              `json:"db_bytes"`
	Processes       int                `json:"processes"`
	CPUByProcess    map[string]float64 `json:"cpu_seconds_by_process"`
}

type page struct {
	Runs          int     `json:"runs"`
	Chromium      string  `json:"chromium"`
	FirstChartMed float64 `json:"first_chart_ms_median"`
	FirstChartMax float64 `json:"first_chart_ms_max"`
	JSBytes       int64   `json:"js_bytes"`
	JSGzipBytes   int64   `json:"js_gzip_bytes"`
}

// Budgets (issue 7), at 1 s polling and 3 interfaces.
const (
	budgetCPURatio   = 1.0
	budgetRSS        = 20e6
	budgetWritesPerH = 2e6
	budgetDBPerYear  = 10e6
	budgetPollRatio  = 3.0
	budgetP95ms      = 10.0
	budgetJSGzip     = 150e3
	budgetFirstChart = 1000.0
	budgetDesktopCPU = 0.5
	budgetDesktopPSS = 40e6
	budgetOpenChart  = 1.5 // seconds
	pollInterval     = 1.0 // seconds; the default the budgets are set at
)

type row struct{ figure, netpulse, vnstat, budget, verdict string }

func render(w io.Writer, b benchmarks, s *soak) {
	var rows []row
	add := func(r row) { rows = append(rows, r) }

	// Polling.
	floor, hasFloor := b.get("ReadNetDevBare", "ns/op")
	if hasFloor {
		add(row{"/proc/net/dev read + parse (the floor)", fmt.Sprintf("%s, %s", dur(floor), allocs(b, "ReadNetDevBare")), "", "", ""})
	}
	if v, ok := b.get("GopsutilIOCounters", "ns/op"); ok {
		add(row{"same through gopsutil net.IOCounters", fmt.Sprintf("%s (%s floor), %s", dur(v), times(v, floor), allocs(b, "GopsutilIOCounters")), "", "", ""})
	}
	if v, ok := b.get("PollCollector", "ns/op"); ok {
		add(row{"one poll, collector only (3 interfaces)", fmt.Sprintf("%s (%s floor), %s", dur(v), times(v, floor), allocs(b, "PollCollector")), "", "", ""})
	}
	if v, ok := b.get("Poll", "ns/op"); ok {
		add(row{"one poll: read, deltas, live fan-out, queue", fmt.Sprintf("%s = %s floor, %s", dur(v), times(v, floor), allocs(b, "Poll")), "",
			fmt.Sprintf("≤ %.0f× floor", budgetPollRatio), verdict(hasFloor, v/floor <= budgetPollRatio)})
	}
	if v, ok := b.get("FlushMinute3", "ns/op"); ok {
		wchar, _ := b.get("FlushMinute3", "wchar-B/op")
		add(row{"one flush: 60 s × 3 interfaces, all tiers", fmt.Sprintf("%s, %s to write(2)", dur(v), bytesDec(wchar)), "", "", ""})
	}
	if v, ok := b.get("FlushPoll3", "ns/op"); ok {
		disk, _ := b.get("FlushPoll3", "disk-B/op")
		add(row{"without batching: a transaction per poll", fmt.Sprintf("%s per poll, %s/h written", dur(v), bytesDec(disk*3600)), "", "", ""})
	}
	for _, tc := range []string{"24h@1m", "7d@1h", "365d@1d"} {
		name := "Traffic/" + tc
		p95, ok := b.get(name, "p95-ms")
		if !ok {
			continue
		}
		p50, _ := b.get(name, "p50-ms")
		kb, _ := b.get(name, "resp-KB")
		add(row{fmt.Sprintf("/api/traffic %s, a year × 3 interfaces", tc),
			fmt.Sprintf("p50 %.1f ms, p95 %.1f ms (%.0f kB)", p50, p95, kb*1.024), "",
			fmt.Sprintf("p95 ≤ %.0f ms", budgetP95ms), verdict(true, p95 <= budgetP95ms)})
	}
	if year, growth, detail, ok := dbPerInterfaceYear(b); ok {
		add(row{"database per interface, first year (tier sizes)", fmt.Sprintf("%s, then +%s/year (%s)", bytesDec(year), bytesDec(growth), detail), "",
			fmt.Sprintf("≤ %s", bytesDec(budgetDBPerYear)), verdict(true, year <= budgetDBPerYear)})
	}

	// The soak, side by side.
	np, vn := s.NetPulse, s.VnStat
	if np != nil && vn != nil {
		mins := s.DurationS / 60
		ratio := np.CPUSecondsSched / vn.CPUSecondsSched
		add(row{fmt.Sprintf("daemon CPU over %.0f min (utime+stime; precise)", mins),
			fmt.Sprintf("%.2f s; %.3f s (%.3f %% of a core)", np.CPUSeconds, np.CPUSecondsSched, np.CPUPercent),
			fmt.Sprintf("%.2f s; %.3f s (%.3f %%)", vn.CPUSeconds, vn.CPUSecondsSched, vn.CPUPercent),
			fmt.Sprintf("ratio ≤ %.1f (is %.2f)", budgetCPURatio, ratio), verdict(vn.CPUSecondsSched > 0, ratio <= budgetCPURatio)})
		// What top's TIME+ shows: from each process's start, start-up and
		// warm-up included.
		if np.AgeS > 0 && vn.AgeS > 0 && vn.CPULifetime > 0 {
			lr := (np.CPULifetime / np.AgeS) / (vn.CPULifetime / vn.AgeS)
			add(row{"daemon CPU since start, as top shows it (per second of age)",
				fmt.Sprintf("%.3f s in %.0f s (%.0f µs/s)", np.CPULifetime, np.AgeS, 1e6*np.CPULifetime/np.AgeS),
				fmt.Sprintf("%.3f s in %.0f s (%.0f µs/s)", vn.CPULifetime, vn.AgeS, 1e6*vn.CPULifetime/vn.AgeS),
				fmt.Sprintf("ratio ≤ %.1f (is %.2f)", budgetCPURatio, lr), verdict(true, lr <= budgetCPURatio)})
		}
		add(row{"daemon RSS, steady (peak)",
			fmt.Sprintf("%s (%s)", kib(np.RSSSteadyKB), kib(np.RSSPeakKB)),
			fmt.Sprintf("%s (%s)", kib(vn.RSSSteadyKB), kib(vn.RSSPeakKB)),
			fmt.Sprintf("≤ %s", bytesDec(budgetRSS)), verdict(true, float64(np.RSSSteadyKB)*1024 <= budgetRSS)})
		wcharPerH := func(d *daemon) float64 { return d.WChar * 3600 / s.DurationS }
		add(row{fmt.Sprintf("disk writes over %.0f min (write_bytes, per hour)", mins),
			fmt.Sprintf("%s/h (wchar %s/h)", bytesDec(np.WriteBytesPerH), bytesDec(wcharPerH(np))),
			fmt.Sprintf("%s/h (wchar %s/h)", bytesDec(vn.WriteBytesPerH), bytesDec(wcharPerH(vn))),
			fmt.Sprintf("ratio %.2f", np.WriteBytesPerH/vn.WriteBytesPerH), ""})
		add(row{fmt.Sprintf("database files after %.0f min (3 interfaces)", mins),
			bytesDec(float64(np.DBBytes)), bytesDec(float64(vn.DBBytes)), fmt.Sprintf("ratio %.2f", float64(np.DBBytes)/float64(vn.DBBytes)), ""})
	}
	if r, ok := writeHour(b, s.Flush); ok {
		add(r)
	}
	if p := s.Page; p != nil {
		add(row{"front-end JavaScript, gzip -9", fmt.Sprintf("%s (%s raw)", bytesDec(float64(p.JSGzipBytes)), bytesDec(float64(p.JSBytes))), "",
			fmt.Sprintf("≤ %s", bytesDec(budgetJSGzip)), verdict(true, float64(p.JSGzipBytes) <= budgetJSGzip)})
		add(row{fmt.Sprintf("navigation → first chart drawn, median of %d cold loads (max)", p.Runs),
			fmt.Sprintf("%.0f ms (%.0f ms)", p.FirstChartMed, p.FirstChartMax), "",
			fmt.Sprintf("≤ %.0f ms", budgetFirstChart), verdict(true, p.FirstChartMed <= budgetFirstChart)})
	}
	if d := s.Desktop; d != nil {
		add(row{fmt.Sprintf("desktop app, window hidden: CPU (%d processes)", d.Processes), fmt.Sprintf("%.3f %% of a core%s", d.CPUPercent, byProcess(d.CPUByProcess)), "",
			fmt.Sprintf("≤ %.1f %%", budgetDesktopCPU), verdict(true, d.CPUPercent <= budgetDesktopCPU)})
		growth := float64(d.RSSLastKB-d.RSSFirstKB) / float64(d.RSSFirstKB)
		add(row{"desktop app, window hidden: RSS first → last quarter", fmt.Sprintf("%s → %s (%+.1f %%)", kib(d.RSSFirstKB), kib(d.RSSLastKB), 100*growth), "",
			"flat (within 5 %)", verdict(true, growth <= 0.05)})
	}
	if m := s.DesktopMem; m != nil {
		add(row{fmt.Sprintf("desktop app, window never opened: PSS of the tree 30 s after start (%d processes)", m.HiddenProcesses),
			fmt.Sprintf("%s (headless daemon %s)", kib(m.HiddenPSSKB), kib(m.HeadlessPSSKB)), "",
			fmt.Sprintf("≤ %s", bytesDec(budgetDesktopPSS)), verdict(true, float64(m.HiddenPSSKB)*1024 <= budgetDesktopPSS)})
		add(row{fmt.Sprintf("desktop app, 60 s after the window was opened and closed: PSS (%d processes, %d WebKit)", m.AfterCloseProcesses, m.WebKitLeft),
			kib(m.AfterClosePSSKB), "",
			fmt.Sprintf("≤ %s", bytesDec(budgetDesktopPSS)), verdict(true, float64(m.AfterClosePSSKB)*1024 <= budgetDesktopPSS && m.WebKitLeft == 0)})
		add(row{"desktop app, window never opened: CPU over 60 s", fmt.Sprintf("%.3f %% of a core", m.HiddenCPUPercent), "",
			fmt.Sprintf("≤ %.1f %%", budgetDesktopCPU), verdict(true, m.HiddenCPUPercent <= budgetDesktopCPU)})
		if n := len(m.FirstChartS); n > 0 {
			sorted := slices.Clone(m.FirstChartS)
			slices.Sort(sorted)
			cpu := slices.Clone(m.FirstChartCPUS)
			slices.Sort(cpu)
			cpuNote := ""
			if len(cpu) > 0 {
				cpuNote = fmt.Sprintf("; the window's processes used %.2f s of CPU by then (median)", cpu[len(cpu)/2])
			}
			add(row{fmt.Sprintf("desktop app: Open dashboard → first chart drawn, median of %d (max)", n),
				fmt.Sprintf("%.2f s (%.2f s)%s", sorted[n/2], sorted[n-1], cpuNote), "",
				fmt.Sprintf("≤ %.1f s", budgetOpenChart), verdict(true, sorted[n/2] <= budgetOpenChart)})
		}
	}

	if s.Date != "" {
		fmt.Fprintf(w, "Net-Pulse benchmarks, %s: %d × %s, Linux %s; soak %s at 1 s polling, vnstatd at its %s intervals, %d veth interfaces at %s/s each way; load average %.2f → %.2f\n\n",
			s.Date, s.CPUs, s.CPUModel, s.Kernel, minutes(s.DurationS), cmp.Or(s.VnStatMode, "finest"), len(s.Interfaces), bytesDec(float64(s.RateBps)), s.Load1Start, s.Load1End)
	}
	if f := s.Features; f != nil {
		scraped := "not scraped"
		if f.ScrapeEvery > 0 {
			scraped = fmt.Sprintf("/metrics scraped every %g s", f.ScrapeEvery)
		}
		fmt.Fprintf(w, "Net-Pulse with %d plans and %d notifiers, %s.\n\n", f.Plans, f.Notifiers, scraped)
	}
	fmt.Fprintln(w, "| Figure | Net-Pulse | vnstatd | Budget | |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r.figure, r.netpulse, r.vnstat, r.budget, r.verdict)
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "\nNote: %s\n", n)
	}
}

// writeHour is the steady-state disk-write row: a simulated hour of
// flushes, retention and checkpoints (storage's BenchmarkWriteHour), judged
// at the daemon's default flush interval.
func writeHour(b benchmarks, flush string) (row, bool) {
	var parts []string
	var atDefault float64
	found := false
	for _, every := range []string{"1m", "2m", "5m", "10m"} {
		v, ok := b.get("WriteHour/flush="+every, "disk-B/h")
		if !ok {
			continue
		}
		wchar, _ := b.get("WriteHour/flush="+every, "wchar-B/h")
		mark := ""
		if every == flush {
			atDefault, found, mark = v, true, " (default)"
		}
		parts = append(parts, fmt.Sprintf("flush %s%s: %s/h (wchar %s)", every, mark, bytesDec(v), bytesDec(wchar)))
	}
	if len(parts) == 0 {
		return row{}, false
	}
	// write_bytes is the measure; wchar is shown beside it because
	// the kernel accounts a whole page-cache folio, which on ext4 can be far
	// larger than the bytes written (PERFORMANCE.md).
	return row{"disk writes, steady state: an hour of flushes, retention and checkpoints (write_bytes)",
		strings.Join(parts, "; "), "", fmt.Sprintf("≤ %s/h", bytesDec(budgetWritesPerH)),
		verdict(found, atDefault <= budgetWritesPerH)}, true
}

// dbPerInterfaceYear works out one interface's database after a year at 1 s
// polling from the measured bytes per row of each tier and its retention:
// the size after the first year, and how much each further year adds.
func dbPerInterfaceYear(b benchmarks) (year, growth float64, detail string, ok bool) {
	const days = 365.25
	var parts []string
	for _, t := range []string{"traffic_raw", "traffic_1m", "traffic_15m", "traffic_1h"} {
		name := "TierSize/" + t
		perRow, ok1 := b.get(name, "B/bucket")
		bucket, ok2 := b.get(name, "bucket-s")
		keep, ok3 := b.get(name, "keep-days")
		if !ok1 || !ok2 || !ok3 {
			return 0, 0, "", false
		}
		perDay := 86400 / max(bucket, pollInterval) * perRow
		kept := days
		if keep > 0 {
			kept = min(keep, days)
		}
		year += perDay * kept
		if keep == 0 || keep > days {
			growth += perDay * days
		}
		label := "forever"
		if keep > 0 {
			label = fmt.Sprintf("%g d", keep)
		}
		parts = append(parts, fmt.Sprintf("%s %.0f B/bucket, %s", strings.TrimPrefix(t, "traffic_"), perRow, label))
	}
	return year, growth, strings.Join(parts, "; "), true
}

// byProcess lists where a process tree's CPU went, largest first.
func byProcess(m map[string]float64) string {
	if len(m) == 0 {
		return ""
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		switch {
		case m[a] > m[b]:
			return -1
		case m[a] < m[b]:
			return 1
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %.1f s", n, m[n])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func allocs(b benchmarks, name string) string {
	bytes, _ := b.get(name, "B/op")
	n, _ := b.get(name, "allocs/op")
	return fmt.Sprintf("%.0f allocs, %s", n, bytesDec(bytes))
}

func verdict(known, met bool) string {
	switch {
	case !known:
		return "?"
	case met:
		return "met"
	}
	return "**missed**"
}

func dur(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func times(v, floor float64) string {
	if floor <= 0 {
		return "?×"
	}
	return fmt.Sprintf("%.2f×", v/floor)
}

// bytesDec prints decimal units: budgets are in MB and kB.
func bytesDec(n float64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.2f MB", n/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", n/1e3)
	}
	return fmt.Sprintf("%.0f B", n)
}

// kib prints a /proc figure (KiB) in decimal units.
func kib(k int64) string { return bytesDec(float64(k) * 1024) }

func minutes(s float64) string {
	if s >= 60 {
		return fmt.Sprintf("%.0f min", s/60)
	}
	return fmt.Sprintf("%.0f s", s)
}
