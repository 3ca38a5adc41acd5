package collector

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Sample is the outcome of one poll: the deltas of the monitored interfaces
// present, with the wall-clock time of the reading.
type Sample struct {
	Time   time.Time
	Deltas []Delta
	// Changes are the interfaces whose count started or ended with this
	// poll; a sink stores them at once (see Changes).
	Changes
}

// Poller reads the monitored interfaces' counters on each Poll and hands the
// deltas to a sink. Polls run one at a time: the scheduled job's, and any
// taken at once when the selection changes.
type Poller struct {
	src     Source
	tracker *Tracker
	sink    func(context.Context, Sample)
	now     func() time.Time

	polling sync.Mutex // held by a poll: the tracker and the sink are not shared

	mu        sync.Mutex // guards the fields below
	monitored []string
	keep      func(name string) bool
	lastPoll  time.Time
	lastErr   error
}

// NewPoller returns a Poller reading src and handing each sample to sink.
// sink runs on the poll job and must not block, nor keep the sample's
// Deltas or Changes, whose memory the next poll reuses. The one write it may
// wait for is storing Changes, which are rare.
func NewPoller(src Source, sink func(context.Context, Sample)) *Poller {
	return &Poller{src: src, tracker: NewTracker(), sink: sink, now: time.Now, keep: func(string) bool { return false }}
}

// SetMonitored replaces the set of monitored interfaces.
func (p *Poller) SetMonitored(names []string) {
	keep := make(map[string]bool, len(names))
	for _, n := range names {
		keep[n] = true
	}
	p.mu.Lock()
	p.monitored, p.keep = slices.Clone(names), func(n string) bool { return keep[n] }
	p.mu.Unlock()
}

// Resume seeds the delta tracker from stored checkpoints; call before the
// first Poll.
func (p *Poller) Resume(cps []Checkpoint, sameBoot bool) { p.tracker.Resume(cps, sameBoot) }

// Poll takes one reading and emits its sample. A failed read is remembered
// for health reporting; the next successful read covers the gap, because
// deltas are taken between readings, not per interval.
func (p *Poller) Poll(ctx context.Context) {
	p.polling.Lock()
	defer p.polling.Unlock()
	p.mu.Lock()
	names, keep := p.monitored, p.keep
	p.mu.Unlock()
	reading, err := p.src.Read(ctx, keep)
	now := p.now()
	p.mu.Lock()
	p.lastErr = err
	if err == nil {
		p.lastPoll = now
	}
	p.mu.Unlock()
	if err != nil {
		return
	}
	deltas := p.tracker.Update(now, reading, names)
	p.sink(ctx, Sample{Time: now, Deltas: deltas, Changes: p.tracker.Changes()})
}

// Status returns the time of the last successful poll and the last error.
func (p *Poller) Status() (time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastPoll, p.lastErr
}

// Expect makes the next reading of each of names count from zero: they
// were born after the last look (a container started between two scans),
// so everything their counters show is new traffic, where a first reading
// would otherwise only be a baseline.
func (p *Poller) Expect(names []string) {
	if len(names) == 0 {
		return
	}
	p.polling.Lock()
	defer p.polling.Unlock()
	now := p.now()
	cps := make([]Checkpoint, len(names))
	for i, n := range names {
		cps[i] = Checkpoint{Counters: Counters{Name: n}, Time: now}
	}
	p.tracker.Resume(cps, false)
}
