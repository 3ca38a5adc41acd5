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
	closed  bool       // by Close; guarded by polling

	mu        sync.Mutex // guards the fields below
	monitored []string   // every name the tracker follows
	keep      func(name string) bool
	lastPoll  time.Time
	lastErr   error
	// Names read only at the last poll of each period of the wall clock
	// (see SetSelection), and what a poll that leaves them out reads.
	occasional     map[string]bool
	often          func(name string) bool
	period, step   time.Duration
	lastOccasional time.Time
}

// NewPoller returns a Poller reading src and handing each sample to sink.
// sink runs on the poll job and must not block, nor keep the sample's
// Deltas or Changes, whose memory the next poll reuses. The one write it may
// wait for is storing Changes, which are rare.
func NewPoller(src Source, sink func(context.Context, Sample)) *Poller {
	return &Poller{src: src, tracker: NewTracker(), sink: sink, now: time.Now, keep: func(string) bool { return false }}
}

// SetMonitored replaces the set of monitored interfaces, each read at
// every poll.
func (p *Poller) SetMonitored(names []string) { p.SetSelection(names, nil, 0, 0) }

// SetSelection replaces the set of interfaces read: names at every poll,
// occasional ones only at the last poll of each period of the wall clock
// (polls are step apart), so that what one reading of them counts falls
// in the same minutes as the polls of the others would. Their counts stay
// exact; only how finely they are placed in time changes. A name may move
// between the two sets without losing what was counted in between.
func (p *Poller) SetSelection(names, occasional []string, period, step time.Duration) {
	all := slices.Concat(names, occasional)
	keep := make(map[string]bool, len(all))
	for _, n := range all {
		keep[n] = true
	}
	var rare map[string]bool
	often := func(n string) bool { return keep[n] }
	if len(occasional) > 0 && period > step {
		rare = make(map[string]bool, len(occasional))
		for _, n := range occasional {
			rare[n] = true
		}
		often = func(n string) bool { return keep[n] && !rare[n] }
	}
	p.mu.Lock()
	p.monitored, p.keep, p.often = all, func(n string) bool { return keep[n] }, often
	p.occasional, p.period, p.step = rare, period, step
	p.mu.Unlock()
}

// selectionLocked returns what a poll at now reads, and the names it
// leaves out on purpose. p.mu is held.
func (p *Poller) selectionLocked(now time.Time) (names []string, keep func(string) bool, skipped map[string]bool) {
	if len(p.occasional) == 0 {
		return p.monitored, p.keep, nil
	}
	last := now.Add(p.step).Truncate(p.period) != now.Truncate(p.period)
	if last || now.Sub(p.lastOccasional) > p.period+p.step {
		p.lastOccasional = now
		return p.monitored, p.keep, nil
	}
	return p.monitored, p.often, p.occasional
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
	if p.closed {
		return
	}
	p.mu.Lock()
	names, keep, skipped := p.selectionLocked(p.now())
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
	deltas := p.tracker.UpdateSome(now, reading, names, skipped)
	p.sink(ctx, Sample{Time: now, Deltas: deltas, Changes: p.tracker.Changes()})
}

// Close waits for a running poll, closes the source's files and sockets,
// and makes later polls do nothing.
func (p *Poller) Close() error {
	p.polling.Lock()
	defer p.polling.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	return closeSource(p.src)
}

// Absent returns those of names that the last poll looking for them did
// not find. A name no poll has looked for yet is not among them.
func (p *Poller) Absent(names []string) map[string]bool {
	p.polling.Lock()
	defer p.polling.Unlock()
	out := map[string]bool{}
	for _, n := range names {
		if p.tracker.Absent(n) {
			out[n] = true
		}
	}
	return out
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
