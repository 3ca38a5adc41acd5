package app

import (
	"context"
	"net/http"
	"runtime"
	"time"

	"github.com/netpulse/netpulse/collector"
	"github.com/netpulse/netpulse/storage"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is what GET /metrics serves, on a registry of its own: nothing
// registered elsewhere in the process leaks into it.
type metrics struct {
	reg          *prometheus.Registry
	pollSeconds  prometheus.Histogram
	flushSeconds prometheus.Histogram
	pollErrors   prometheus.Counter
	flushErrors  prometheus.Counter
}

func newMetrics(version string, store *storage.Storage) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		pollSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "netpulse_poll_duration_seconds",
			Help:    "Time taken to read the monitored interfaces' counters and queue them for storage.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}),
		flushSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "netpulse_flush_duration_seconds",
			Help:    "Time taken to write the queued polls into the database.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}),
		pollErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "netpulse_poll_errors_total",
			Help: "Polls that could not read the interfaces' counters.",
		}),
		flushErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "netpulse_flush_errors_total",
			Help: "Flushes that could not write to the database (the polls stay queued and are retried).",
		}),
	}
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "netpulse_build_info",
		Help:        "Always 1; the labels tell the Net-Pulse version and the Go version it was built with.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	buildInfo.Set(1)
	pending := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "netpulse_pending_records",
		Help: "Polls recorded in memory and not yet written to the database.",
	}, func() float64 { return float64(store.Pending()) })
	// Plan gauges (netpulse_plan_used_bytes{plan}, netpulse_plan_cap_bytes
	// and the cycle's start and end) join this list as a collector that
	// reads the plans' live usage at scrape time.
	m.reg.MustRegister(
		newInterfaceCollector(store),
		m.pollSeconds, m.flushSeconds, m.pollErrors, m.flushErrors,
		buildInfo, pending,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// handler serves the registry in Prometheus' text format, uncompressed:
// gzip tripled a scrape's CPU time and kept compressor state of about a
// megabyte per writer in memory, to save some 10 kB per scrape on a
// network that is usually local (PERFORMANCE.md).
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{MaxRequestsInFlight: 4, DisableCompression: true})
}

// timedPoll is the poll job, measured: its duration, and a failed read
// counted.
func (m *metrics) timedPoll(p *collector.Poller) func(context.Context) {
	return func(ctx context.Context) {
		start := time.Now()
		p.Poll(ctx)
		m.pollSeconds.Observe(time.Since(start).Seconds())
		if _, err := p.Status(); err != nil {
			m.pollErrors.Inc()
		}
	}
}

// timedFlush is the flush job, measured likewise.
func (m *metrics) timedFlush(flush func(context.Context) error) func(context.Context) {
	return func(ctx context.Context) {
		start := time.Now()
		err := flush(ctx)
		m.flushSeconds.Observe(time.Since(start).Seconds())
		if err != nil {
			m.flushErrors.Inc()
		}
	}
}

// interfaceCollector exposes every interface's all-time totals as
// counters. They come from the recorded history, not the kernel: they
// never go down across restarts, kernel counter resets and re-created
// interfaces, so increase() over any calendar range is that range's
// recorded traffic.
type interfaceCollector struct {
	store                            *storage.Storage
	rxBytes, txBytes, rxPkts, txPkts *prometheus.Desc
	rxErrs, txErrs, rxDrops, txDrops *prometheus.Desc
}

func newInterfaceCollector(store *storage.Storage) *interfaceCollector {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("netpulse_interface_"+name, help, []string{"interface"}, nil)
	}
	return &interfaceCollector{
		store:   store,
		rxBytes: desc("receive_bytes_total", "Bytes received, all recorded since the interface's history began."),
		txBytes: desc("transmit_bytes_total", "Bytes sent, all recorded since the interface's history began."),
		rxPkts:  desc("receive_packets_total", "Packets received, all recorded since the interface's history began."),
		txPkts:  desc("transmit_packets_total", "Packets sent, all recorded since the interface's history began."),
		rxErrs:  desc("receive_errors_total", "Receive errors, all recorded since the interface's history began."),
		txErrs:  desc("transmit_errors_total", "Transmit errors, all recorded since the interface's history began."),
		rxDrops: desc("receive_drops_total", "Received packets dropped, all recorded since the interface's history began."),
		txDrops: desc("transmit_drops_total", "Packets to send that were dropped, all recorded since the interface's history began."),
	}
}

func (c *interfaceCollector) descs() []*prometheus.Desc {
	return []*prometheus.Desc{c.rxBytes, c.txBytes, c.rxPkts, c.txPkts, c.rxErrs, c.txErrs, c.rxDrops, c.txDrops}
}

func (c *interfaceCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs() {
		ch <- d
	}
}

func (c *interfaceCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	totals, err := c.store.AllTimeTotals(ctx)
	if err != nil {
		for _, d := range c.descs() {
			ch <- prometheus.NewInvalidMetric(d, err)
		}
		return
	}
	for name, t := range totals {
		for _, v := range []struct {
			d *prometheus.Desc
			n uint64
		}{
			{c.rxBytes, t.RxBytes}, {c.txBytes, t.TxBytes}, {c.rxPkts, t.RxPackets}, {c.txPkts, t.TxPackets},
			{c.rxErrs, t.RxErrors}, {c.txErrs, t.TxErrors}, {c.rxDrops, t.RxDrops}, {c.txDrops, t.TxDrops},
		} {
			ch <- prometheus.MustNewConstMetric(v.d, prometheus.CounterValue, float64(v.n), name)
		}
	}
}
