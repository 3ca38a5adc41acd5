// Package app is Net-Pulse's service layer: it wires the collector to
// storage, owns the lifecycle, and offers the operations the dashboard
// needs as exported methods of Service. Its edges, app/web (HTTP) and
// app/desktop (the window's bindings and the tray), call nothing else.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/netpulse/netpulse/collector"
	"github.com/netpulse/netpulse/internal/datalock"
	"github.com/netpulse/netpulse/storage"
)

// Service runs polling, recording and retention, and answers queries. All
// methods are safe for concurrent use.
type Service struct {
	cfg    Config
	log    *slog.Logger
	lock   *datalock.Lock // the data folder's, held until Close
	store  *storage.Storage
	paths  collector.Paths
	poller *collector.Poller
	sched  *collector.Schedule
	hub    *hub
	stats  *stats
	bootID string
	recs   []storage.Record // record's buffer; only the poll job uses it
	plans  *planCache       // see plans.go
	alerts *alerter         // see alerts.go

	containers *collector.Containers // the host's counters plus containers'
	aliasesMu  sync.Mutex            // held by SetAliases: one change at a time

	warnings []string // fixed at start

	mu        sync.Mutex // guards the fields below
	monitored []string
	lastFlush time.Time
	flushErr  error
	events    []string // things health should tell until restart

	recordContainers bool                 // the setting "record every container"
	recordedOnly     map[string]bool      // recorded, not monitored (see recordedOnlySet)
	aliases          map[string]string    // replaced whole on change, never modified
	scanErr          string               // why the last container scan failed
	containersSeen   map[string]time.Time // container entries' last scan that found them

	closeOnce sync.Once
	closeErr  error
}

// New opens the database in cfg.DataDir, resumes from the last checkpoints
// and starts polling.
func New(cfg Config, log *slog.Logger) (*Service, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	// Before the database is opened (or created and migrated): a second
	// daemon on the folder would count every byte again.
	lock, err := datalock.Acquire(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	store, err := storage.Open(ctx, filepath.Join(cfg.DataDir, "netpulse.db"))
	if err != nil {
		lock.Release()
		return nil, err
	}
	s := &Service{cfg: cfg, log: log, lock: lock, store: store, hub: newHub(), plans: newPlanCache()}
	s.stats = newStats(cfg.Version, store, s.Plans, s.aliasMap, s.inMetrics)
	s.alerts = newAlerter(s)
	s.paths = collector.DefaultPaths(cfg.HostProc)
	s.bootID = collector.BootID(s.paths)
	if err := s.start(ctx); err != nil {
		store.Close()
		defer lock.Release()
		if s.poller != nil {
			s.poller.Close()
		}
		s.stats.proc.close()
		return nil, err
	}
	return s, nil
}

func (s *Service) start(ctx context.Context) error {
	if w := collector.ContainerNetworkWarning(s.paths.NetProc, s.paths.Sys); w != "" {
		s.warnings = append(s.warnings, w)
		s.log.Warn(w)
	}
	for _, w := range s.cfg.containerMetadata().Check() {
		s.warnings = append(s.warnings, w)
		s.log.Warn(w)
	}
	monitored, err := s.loadMonitored(ctx)
	if err != nil {
		return err
	}
	s.monitored = monitored
	if err := s.loadContainerSettings(ctx); err != nil {
		return err
	}
	s.containers = collector.NewContainers(collector.NewSource(s.paths), s.paths, s.cfg.containerMetadata())
	s.poller = collector.NewPoller(s.containers, s.record)
	s.scanContainers(ctx)
	if err := s.resume(ctx); err != nil {
		return err
	}
	if s.sched, err = collector.NewSchedule(); err != nil {
		return err
	}
	jobs := []struct {
		name     string
		interval time.Duration
		when     collector.When
		fn       func(context.Context)
	}{
		{"poll", s.cfg.Interval, collector.MidSlot, s.stats.timedPoll(s.poller)},
		{"flush", s.cfg.FlushInterval, collector.AfterInterval, s.stats.timedFlush(s.flush)},
		{"retention", time.Hour, collector.Now, s.prune},
		{"containers", containerScanInterval, collector.AfterPoll, s.scanContainers},
		{"alerts", alertInterval, collector.AfterPoll, s.alerts.onPoll},
	}
	// The first reading is taken now, as the baseline; the schedule then
	// polls mid-slot.
	s.poller.Poll(ctx)
	for _, j := range jobs {
		if err := s.sched.Every(j.name, j.interval, j.when, j.fn); err != nil {
			return err
		}
	}
	if err := s.sched.Start(); err != nil {
		return err
	}
	s.alerts.start()
	s.log.Info("monitoring", "interfaces", monitored, "interval", s.cfg.Interval.String(), "database", s.store.Path())
	return nil
}

// resume seeds the poller with the counters recorded last, so traffic that
// passed while Net-Pulse was stopped is counted.
func (s *Service) resume(ctx context.Context) error {
	cps, err := s.store.Checkpoints(ctx)
	if err != nil {
		return err
	}
	if s.bootID == "" {
		return nil // cannot tell a reboot from a restart: start fresh
	}
	var same, other []collector.Checkpoint
	for _, cp := range cps {
		c := collector.Checkpoint{Counters: collector.Counters{Name: cp.Interface, Index: cp.Counters.Index, Counts: cp.Counters.Counts}, Time: cp.Time}
		if collector.SameBoot(cp.BootID, s.bootID) {
			same = append(same, c)
		} else {
			other = append(other, c)
		}
	}
	s.poller.Resume(same, true)
	s.poller.Resume(other, false)
	return nil
}

// record is the poll job's sink: publish to live subscribers, queue for
// storage. Neither blocks, but for the rare sample whose changes are
// written at once.
func (s *Service) record(ctx context.Context, sample collector.Sample) {
	live := LiveSample{T: sample.Time.UnixMilli(), Interfaces: make([]LiveRate, 0, len(sample.Deltas))}
	recs := s.recs[:0]
	recordedOnly := s.recordedOnlySet()
	for _, d := range sample.Deltas {
		rxRate, txRate := roundRate(d.RxRate()), roundRate(d.TxRate())
		if !recordedOnly[d.Name] { // recorded but not monitored: not in the live view
			live.Interfaces = append(live.Interfaces, LiveRate{
				Interface: d.Name, RxBps: int64(rxRate), TxBps: int64(txRate),
				RxBytes: int64(d.RxBytes), TxBytes: int64(d.TxBytes),
			})
		}
		rec := storage.Record{
			Interface: d.Name, Time: sample.Time,
			Counts: d.Counts, RxPeak: rxRate, TxPeak: txRate,
			Counters: storage.Counters{Index: d.Current.Index, Counts: d.Current.Counts}, BootID: s.bootID, SkipRaw: recordedOnly[d.Name],
		}
		gap := 2 * s.cfg.Interval
		if recordedOnly[d.Name] {
			gap = 2 * max(recordedOnlyPeriod, s.cfg.Interval)
		}
		if d.Elapsed > gap {
			recs = append(recs, spreadGap(rec, d.Elapsed)...)
			s.log.Info("counted traffic from a gap in polling", "interface", d.Name,
				"gap", d.Elapsed.Round(time.Second).String(), "rx", d.RxBytes, "tx", d.TxBytes)
		} else {
			recs = append(recs, rec)
		}
	}
	for _, c := range sample.Baselines {
		recs = append(recs, storage.Record{Interface: c.Name, Time: sample.Time,
			Counters: storage.Counters{Index: c.Index, Counts: c.Counts}, BootID: s.bootID, Baseline: true})
	}
	s.store.Add(recs...)
	s.recs = recs[:0]
	if mustStore(sample) {
		// Written now, not at the next flush: a crash before it would
		// lose what this sample starts or ends (see collector.Changes).
		s.flush(ctx)
	}
	s.hub.publish(live)
}

// mustStore reports whether a sample holds a change that only a prompt
// write keeps across a crash: a count that starts (a baseline), an
// interface gone with its kernel counters, or a new incarnation, whose
// predecessor's last deltas are in memory only.
func mustStore(sample collector.Sample) bool {
	return len(sample.Baselines) > 0 || len(sample.Gone) > 0 ||
		slices.ContainsFunc(sample.Deltas, func(d collector.Delta) bool { return d.Restarted })
}

// spreadGap splits the traffic counted across a gap in polling (Net-Pulse
// stopped, an interface gone for a while) evenly over the gap, one record
// per minute or so. The totals stay exact; a chart shows the average rate
// over the gap instead of everything landing in one second as a spike.
func spreadGap(r storage.Record, gap time.Duration) []storage.Record {
	const maxChunks = 1440
	step := max(time.Minute, (gap+maxChunks-1)/maxChunks)
	n := max(1, int64(gap/step))
	if n == 1 {
		return []storage.Record{r}
	}
	start := r.Time.Add(-gap)
	out := make([]storage.Record, n)
	for i := range out {
		c := r
		c.Time = start.Add(time.Duration(i+1) * gap / time.Duration(n))
		c.RxBytes, c.TxBytes = share(r.RxBytes, n, i), share(r.TxBytes, n, i)
		c.RxPackets, c.TxPackets = share(r.RxPackets, n, i), share(r.TxPackets, n, i)
		c.RxErrors, c.TxErrors = share(r.RxErrors, n, i), share(r.TxErrors, n, i)
		c.RxDrops, c.TxDrops = share(r.RxDrops, n, i), share(r.TxDrops, n, i)
		out[i] = c
	}
	return out
}

// share is part i of v split into n parts; the last takes the remainder.
func share(v uint64, n int64, i int) uint64 {
	part := v / uint64(n)
	if int64(i) == n-1 {
		return v - part*uint64(n-1)
	}
	return part
}

func roundRate(r float64) uint64 {
	if r <= 0 || math.IsNaN(r) {
		return 0
	}
	return uint64(math.Round(r))
}

// Flush writes the pending samples now: for a process that the system may
// end without a signal (a Windows session ending, a macOS logout).
func (s *Service) Flush(ctx context.Context) error { return s.flush(ctx) }

func (s *Service) flush(ctx context.Context) error {
	err := s.store.Flush(ctx)
	if errors.Is(err, storage.ErrRestored) {
		s.log.Error(err.Error(), "database", s.store.Path())
		s.mu.Lock()
		s.events = append(s.events, time.Now().Format(time.RFC3339)+": "+err.Error())
		s.mu.Unlock()
		err = nil
	}
	s.mu.Lock()
	prev := s.flushErr
	s.flushErr = err
	if err == nil {
		s.lastFlush = time.Now()
	}
	s.mu.Unlock()
	// Log changes of state only: a full disk must not fill the log too.
	switch {
	case err != nil && (prev == nil || prev.Error() != err.Error()):
		s.log.Error("cannot write samples; keeping them in memory and retrying", "err", err, "pending", s.store.Pending())
	case err == nil && prev != nil:
		s.log.Info("writing samples again")
	}
	return err
}

func (s *Service) prune(ctx context.Context) {
	n, err := s.store.Prune(ctx, time.Now())
	if err != nil {
		s.log.Error("retention", "err", err)
		return
	}
	if n > 0 {
		s.log.Debug("retention", "deleted_buckets", n)
	}
}

// Subscribe returns live samples, one per poll, starting with the latest.
// Samples are dropped for a subscriber that does not keep up; call the
// returned function to unsubscribe.
func (s *Service) Subscribe() (<-chan LiveSample, func()) { return s.hub.subscribe(16) }

// Health reports whether polling and recording work.
func (s *Service) Health() Health {
	h := Health{Status: "ok", Version: s.cfg.Version, IntervalSeconds: s.cfg.Interval.Seconds(),
		PendingSamples: s.store.Pending()}
	lastPoll, pollErr := s.poller.Status()
	if !lastPoll.IsZero() {
		h.LastPoll = lastPoll.Unix()
	}
	s.mu.Lock()
	lastFlush, flushErr := s.lastFlush, s.flushErr
	h.Warnings = append(slices.Clone(s.warnings), s.events...)
	s.mu.Unlock()
	if !lastFlush.IsZero() {
		h.LastFlush = lastFlush.Unix()
	}
	stall := max(3*s.cfg.Interval, 5*time.Second)
	if pollErr != nil {
		h.Errors = append(h.Errors, "reading counters failed: "+pollErr.Error())
	}
	if !lastPoll.IsZero() && time.Since(lastPoll) > stall {
		h.Errors = append(h.Errors, fmt.Sprintf("the collector has not polled for %s", time.Since(lastPoll).Round(time.Second)))
	}
	if flushErr != nil {
		h.Errors = append(h.Errors, "the database cannot be written: "+flushErr.Error())
	}
	if len(h.Errors) > 0 {
		h.Status = "degraded"
	}
	return h
}

// Close stops polling, writes what is pending and closes the database. It
// is safe to call more than once.
func (s *Service) Close() error {
	s.closeOnce.Do(func() {
		s.alerts.stop()
		var errs []error
		if s.sched != nil {
			errs = append(errs, s.sched.Stop())
		}
		// A poll that a request starts from now on does nothing.
		errs = append(errs, s.poller.Close())
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.flush(ctx); err != nil {
			errs = append(errs, fmt.Errorf("final flush (%d samples not written): %w", s.store.Pending(), err))
		}
		errs = append(errs, s.store.Close())
		errs = append(errs, s.lock.Release())
		s.stats.proc.close()
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}
