package collector

import (
	"context"
	"fmt"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
)

// Schedule runs the periodic jobs (poll, flush, retention) on gocron. Every
// job runs in singleton mode: a run that would overlap a slow previous one
// is skipped, never queued, so a stalled disk cannot pile up polls.
type Schedule struct {
	s gocron.Scheduler
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
)

// Every adds a job that runs fn every interval, starting as when says.
func (s *Schedule) Every(name string, interval time.Duration, when When, fn func(ctx context.Context)) error {
	opts := []gocron.JobOption{
		gocron.WithName(name),
		gocron.WithSingletonMode(gocron.LimitModeReschedule),
	}
	switch when {
	case Now:
		opts = append(opts, gocron.WithStartAt(gocron.WithStartImmediately()))
	case MidSlot:
		opts = append(opts, gocron.WithStartAt(gocron.WithStartDateTime(midSlot(time.Now(), interval))))
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

// Start starts running the jobs.
func (s *Schedule) Start() { s.s.Start() }

// Stop stops the jobs and waits for running ones to finish.
func (s *Schedule) Stop() error {
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
