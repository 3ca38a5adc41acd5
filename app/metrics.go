package app

import (
	"context"
	goruntime "runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/netpulse/netpulse/collector"
	"github.com/netpulse/netpulse/internal/promtext"
	"github.com/netpulse/netpulse/storage"
)

// stats is what GET /metrics serves: the interfaces' recorded totals, the
// plans' usage, how polls and flushes go, and a few runtime and process
// figures. Everything is read at scrape time, except the job timings.
type stats struct {
	version string
	store   *storage.Storage
	plans   func(context.Context) ([]Plan, error)
	aliases func() map[string]string // read-only
	shown   func(string) bool        // which entries get series
	started time.Time
	proc    *procSelf

	pollSeconds  *promtext.Histogram
	flushSeconds *promtext.Histogram
	pollErrors   atomic.Uint64
	flushErrors  atomic.Uint64
	size         atomic.Int64 // of the last exposition
}

func newStats(version string, store *storage.Storage, plans func(context.Context) ([]Plan, error),
	aliases func() map[string]string, shown func(string) bool) *stats {
	return &stats{
		version: version, store: store, plans: plans, aliases: aliases, shown: shown, started: time.Now(), proc: newProcSelf(),
		pollSeconds: promtext.NewHistogram("netpulse_poll_duration_seconds",
			"Time taken to read the monitored interfaces' counters and queue them for storage.",
			[]float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1}),
		flushSeconds: promtext.NewHistogram("netpulse_flush_duration_seconds",
			"Time taken to write the queued polls into the database.",
			[]float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}),
	}
}

// Metrics returns the Prometheus text exposition of the interfaces'
// recorded totals, the plans' usage, the poll and flush jobs and the
// process, read now. It is all or nothing: half an exposition would look
// like counters that vanished.
func (s *Service) Metrics(ctx context.Context) ([]byte, error) {
	var b promtext.Buffer
	b.Grow(int(s.stats.size.Load()) + 1024)
	if err := s.stats.write(ctx, &b); err != nil {
		return nil, err
	}
	s.stats.size.Store(int64(len(b.Bytes())))
	return b.Bytes(), nil
}

// write writes every family into b.
func (m *stats) write(ctx context.Context, b *promtext.Buffer) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	totals, err := m.store.AllTimeTotals(ctx)
	if err != nil {
		return err
	}
	plans, err := m.plans(ctx)
	if err != nil {
		return err
	}
	writeInterfaces(b, totals, m.aliases(), m.shown)
	writePlans(b, plans)

	m.pollSeconds.Write(b)
	m.flushSeconds.Write(b)
	b.Family("netpulse_poll_errors_total", "Polls that could not read the interfaces' counters.", "counter")
	b.Uint("netpulse_poll_errors_total", m.pollErrors.Load())
	b.Family("netpulse_flush_errors_total", "Flushes that could not write to the database (the polls stay queued and are retried).", "counter")
	b.Uint("netpulse_flush_errors_total", m.flushErrors.Load())
	b.Family("netpulse_pending_records", "Polls recorded in memory and not yet written to the database.", "gauge")
	b.Uint("netpulse_pending_records", uint64(m.store.Pending()))
	b.Family("netpulse_build_info", "Always 1; the labels tell the Net-Pulse version and the Go version it was built with.", "gauge")
	b.Sample("netpulse_build_info", 1, "goversion", goruntime.Version(), "version", m.version)
	writeRuntime(b)
	m.proc.write(b, m.started)
	return nil
}

// The per-interface counters are the recorded history, not the kernel's:
// they never go down across restarts, kernel counter resets and re-created
// interfaces, so increase() over any calendar range is that range's
// recorded traffic.
var interfaceFamilies = []struct {
	name, help string
	value      func(storage.Totals) uint64
}{
	{"receive_bytes_total", "Bytes received", func(t storage.Totals) uint64 { return t.RxBytes }},
	{"transmit_bytes_total", "Bytes sent", func(t storage.Totals) uint64 { return t.TxBytes }},
	{"receive_packets_total", "Packets received", func(t storage.Totals) uint64 { return t.RxPackets }},
	{"transmit_packets_total", "Packets sent", func(t storage.Totals) uint64 { return t.TxPackets }},
	{"receive_errors_total", "Receive errors", func(t storage.Totals) uint64 { return t.RxErrors }},
	{"transmit_errors_total", "Transmit errors", func(t storage.Totals) uint64 { return t.TxErrors }},
	{"receive_drops_total", "Received packets dropped", func(t storage.Totals) uint64 { return t.RxDrops }},
	{"transmit_drops_total", "Packets to send that were dropped", func(t storage.Totals) uint64 { return t.TxDrops }},
}

// The alias is on an info series of its own, not on the counters: an alias
// changed or removed would otherwise start new counter series and break
// increase() across the change. Join it where a panel wants the alias:
// ... * on(instance, interface) group_left(alias) netpulse_interface_info.
func writeInterfaces(b *promtext.Buffer, totals map[string]storage.Totals, aliases map[string]string, shown func(string) bool) {
	names := make([]string, 0, len(totals))
	for name := range totals {
		if shown(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	b.Family("netpulse_interface_info", "Always 1; alias is the display name set in Net-Pulse, empty when none.", "gauge")
	for _, iface := range names {
		b.Sample("netpulse_interface_info", 1, "interface", iface, "alias", aliases[iface])
	}
	for _, f := range interfaceFamilies {
		name := "netpulse_interface_" + f.name
		b.Family(name, f.help+", all recorded since the interface's history began.", "counter")
		for _, iface := range names {
			b.Uint(name, f.value(totals[iface]), "interface", iface)
		}
	}
}

// writePlans writes each plan's current cycle. Plan names need not be
// unique, so the id label keeps the series apart.
func writePlans(b *promtext.Buffer, plans []Plan) {
	for _, f := range []struct {
		name, help string
		value      func(Plan, *PlanUsage) float64
	}{
		{"netpulse_plan_used_bytes", "Bytes counted against the plan in its current cycle.",
			func(_ Plan, u *PlanUsage) float64 { return float64(u.UsedBytes) }},
		{"netpulse_plan_cap_bytes", "The plan's cap in bytes; 0 when it has none.",
			func(p Plan, _ *PlanUsage) float64 { return float64(p.CapBytes) }},
		{"netpulse_plan_projected_bytes", "Bytes the current cycle reaches at its average rate so far.",
			func(_ Plan, u *PlanUsage) float64 { return float64(u.ProjectedBytes) }},
		{"netpulse_plan_cycle_start_timestamp_seconds", "When the plan's current cycle began (Unix time).",
			func(_ Plan, u *PlanUsage) float64 { return float64(u.CycleStart) }},
		{"netpulse_plan_cycle_end_timestamp_seconds", "When the plan's current cycle ends (Unix time).",
			func(_ Plan, u *PlanUsage) float64 { return float64(u.CycleEnd) }},
	} {
		b.Family(f.name, f.help, "gauge")
		for _, p := range plans {
			if p.Usage != nil {
				b.Sample(f.name, f.value(p, p.Usage), "id", strconv.FormatInt(p.ID, 10), "plan", p.Name)
			}
		}
	}
}

// runtimeSamples are the Go runtime's figures served as go_*.
var runtimeSamples = []struct {
	key, name, help, typ string
}{
	{"/sched/goroutines:goroutines", "go_goroutines", "Goroutines that currently exist.", "gauge"},
	{"/memory/classes/heap/objects:bytes", "go_memstats_heap_alloc_bytes", "Bytes of allocated heap objects.", "gauge"},
	{"/memory/classes/total:bytes", "go_memstats_sys_bytes", "Bytes of memory obtained from the OS.", "gauge"},
	{"/gc/cycles/total:gc-cycles", "go_gc_cycles_total", "Completed garbage collection cycles.", "counter"},
	{"/sched/gomaxprocs:threads", "go_sched_gomaxprocs_threads", "The current runtime.GOMAXPROCS setting: 1 unless GOMAXPROCS is set in the environment.", "gauge"},
}

func writeRuntime(b *promtext.Buffer) {
	s := make([]metrics.Sample, len(runtimeSamples))
	for i, r := range runtimeSamples {
		s[i].Name = r.key
	}
	metrics.Read(s)
	for i, r := range runtimeSamples {
		if s[i].Value.Kind() != metrics.KindUint64 {
			continue
		}
		b.Family(r.name, r.help, r.typ)
		b.Uint(r.name, s[i].Value.Uint64())
	}
}

// timedPoll is the poll job, measured: its duration, and a failed read
// counted.
func (m *stats) timedPoll(p *collector.Poller) func(context.Context) {
	return func(ctx context.Context) {
		start := time.Now()
		p.Poll(ctx)
		m.pollSeconds.Observe(time.Since(start).Seconds())
		if _, err := p.Status(); err != nil {
			m.pollErrors.Add(1)
		}
	}
}

// timedFlush is the flush job, measured likewise.
func (m *stats) timedFlush(flush func(context.Context) error) func(context.Context) {
	return func(ctx context.Context) {
		start := time.Now()
		err := flush(ctx)
		m.flushSeconds.Observe(time.Since(start).Seconds())
		if err != nil {
			m.flushErrors.Add(1)
		}
	}
}
