package collector

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
)

// Schedule runs the periodic jobs: flush and retention on gocron, the poll
// on a timer of its own (see Every). No job overlaps itself: a run that
// would overlap a slow previous one is skipped, never queued, so a stalled
// disk cannot pile up polls.
type Schedule struct {
	s      gocron.Scheduler
	slots  []slotJob
	riders []slotJob // AfterPoll jobs, run by the first MidSlot job
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// slotJob is a job run mid-slot on its own timer.
type slotJob struct {
	name     string
	interval time.Duration
	fn       func(ctx context.Context)
}

// NewSchedule returns a stopped schedule.
func NewSchedule() (*Schedule, error) {
	s, err := gocron.NewScheduler(gocron.WithStopTimeout(15*time.Second),
		gocron.WithClock(newSteadyClock()))
	if err != nil {
		return nil, fmt.Errorf("create scheduler: %w", err)
	}
	return &Schedule{s: s}, nil
}

// When says when a job first runs.
type When int

const (
	// Now runs the job at once, then every interval.
	Now When = iota
	// AfterInterval runs the job first one interval from now.
	AfterInterval
	// MidSlot runs the job in the middle of each interval-long slot of
	// Unix time. Polls placed so land one per bucket of the interval's
	// size; polls at slot edges would jitter across them, leaving one
	// bucket empty and the next one double.
	MidSlot
	// AfterPoll runs the job on the MidSlot job's own wake-up, right after
	// it, once interval has passed since its last run (the first run one
	// interval after Start). On a machine where waking a thread costs more
	// than the work (PERFORMANCE.md), a job that need not run at an exact
	// moment is cheapest where a thread is awake anyway. It runs no
	// faster than the MidSlot job, and not at all while that job is stuck:
	// keep anything that must notice a stuck poll on a timer of its own.
	// Without a MidSlot job it runs on gocron, first one interval from now.
	AfterPoll
)

// Every adds a job that runs fn every interval, starting as when says.
//
// MidSlot jobs (the poll) run on a timer of their own rather than on
// gocron: gocron passes every run through four goroutines and their
// channels, which at a run a second cost more CPU than the poll itself
// (PERFORMANCE.md); see slotWaiter for the timer. It follows the wall
// clock's mid-slots, and a clock step never stalls it.
func (s *Schedule) Every(name string, interval time.Duration, when When, fn func(ctx context.Context)) error {
	switch when {
	case MidSlot:
		s.slots = append(s.slots, slotJob{name, interval, fn})
		return nil
	case AfterPoll:
		s.riders = append(s.riders, slotJob{name, interval, fn})
		return nil
	}
	opts := []gocron.JobOption{
		gocron.WithName(name),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
	}
	if when == Now {
		opts = append(opts, gocron.WithStartAt(gocron.WithStartImmediately()))
	}
	if _, err := s.s.NewJob(gocron.DurationJob(interval), gocron.NewTask(fn), opts...); err != nil {
		return fmt.Errorf("schedule %s: %w", name, err)
	}
	return nil
}

// midSlot returns the first middle of an interval-long slot of Unix time
// after now.
func midSlot(now time.Time, interval time.Duration) time.Time {
	p := interval.Milliseconds()
	ms := now.UnixMilli()
	next := ms - ms%p + p/2
	if next <= ms {
		next += p
	}
	return time.UnixMilli(next)
}

// nextMidSlot is the next mid-slot at least a quarter interval after now:
// a timer that fires a hair before the middle of a slot (the wall clock
// slewed) must not run the job twice in that slot.
func nextMidSlot(now time.Time, interval time.Duration) time.Time {
	return midSlot(now.Add(interval/4), interval)
}

// runMidSlot runs fn mid-slot until ctx ends, each rider after it when
// due. Runs are sequential, so a run slower than the interval skips the
// slots it overran.
func runMidSlot(ctx context.Context, w *slotWaiter, j slotJob, riders []slotJob) {
	stop := context.AfterFunc(ctx, w.close)
	defer stop()
	last := make([]time.Time, len(riders))
	for i := range last {
		last[i] = time.Now()
	}
	for w.wait() && ctx.Err() == nil {
		j.fn(ctx)
		for i, r := range riders {
			if now := time.Now(); now.Sub(last[i]) >= r.interval-j.interval/2 && ctx.Err() == nil {
				last[i] = now
				r.fn(ctx)
			}
		}
	}
}

// Start starts running the jobs.
func (s *Schedule) Start() error {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	riders := s.riders
	if len(s.slots) == 0 {
		for _, r := range riders {
			if err := s.Every(r.name, r.interval, AfterInterval, r.fn); err != nil {
				cancel()
				return err
			}
		}
		riders = nil
	}
	for i, j := range s.slots {
		w, err := newSlotWaiter(j.interval)
		if err != nil {
			cancel()
			s.done.Wait()
			return fmt.Errorf("start %s: %w", j.name, err)
		}
		rs := riders
		if i > 0 {
			rs = nil
		}
		s.done.Go(func() { runMidSlot(ctx, w, j, rs) })
	}
	s.s.Start()
	return nil
}

// Stop stops the jobs and waits for running ones to finish.
func (s *Schedule) Stop() error {
	if s.cancel != nil {
		s.cancel()
		s.done.Wait()
	}
	if err := s.s.Shutdown(); err != nil {
		return fmt.Errorf("stop scheduler: %w", err)
	}
	return nil
}

// steadyClock is the real clock whose wall time never jumps: it starts at
// the system time and then advances with the monotonic clock only. gocron
// plans runs in wall-clock time (it drops Go's monotonic reading), so with
// the plain clock a system time stepped back an hour stalls every job for
// that hour. Samples still carry the real wall time; only the plan uses this.
type steadyClock struct {
	clockwork.Clock
	base time.Time
}

func newSteadyClock() steadyClock {
	return steadyClock{Clock: clockwork.NewRealClock(), base: time.Now()}
}

func (c steadyClock) Now() time.Time                  { return c.base.Add(time.Since(c.base)) }
func (c steadyClock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }
func (c steadyClock) Until(t time.Time) time.Duration { return t.Sub(c.Now()) }
