package collector

import (
	"context"
	"testing"
	"time"
)

func TestMidSlot(t *testing.T) {
	for _, tc := range []struct {
		now      string
		interval time.Duration
		want     string
	}{
		{"2026-01-01T10:00:00.200Z", time.Second, "2026-01-01T10:00:00.500Z"},
		{"2026-01-01T10:00:00.500Z", time.Second, "2026-01-01T10:00:01.500Z"},
		{"2026-01-01T10:00:00.900Z", time.Second, "2026-01-01T10:00:01.500Z"},
		{"2026-01-01T10:00:03Z", 5 * time.Second, "2026-01-01T10:00:07.500Z"},
		{"2026-01-01T10:00:01Z", 5 * time.Second, "2026-01-01T10:00:02.500Z"},
		{"2026-01-01T10:00:40Z", time.Minute, "2026-01-01T10:01:30Z"},
	} {
		now, _ := time.Parse(time.RFC3339Nano, tc.now)
		want, _ := time.Parse(time.RFC3339Nano, tc.want)
		if got := midSlot(now, tc.interval); !got.Equal(want) {
			t.Errorf("midSlot(%s, %s) = %s, want %s", tc.now, tc.interval, got.UTC().Format(time.RFC3339Nano), tc.want)
		}
	}
}

func TestSteadyClockAdvancesWithMonotonicTime(t *testing.T) {
	c := newSteadyClock()
	// The base keeps Go's monotonic reading, so Now advances with it alone.
	a := c.Now()
	time.Sleep(20 * time.Millisecond)
	b := c.Now()
	if d := b.Round(0).Sub(a.Round(0)); d < 20*time.Millisecond || d > time.Second {
		t.Errorf("steady clock advanced %v over a 20ms sleep", d)
	}
}

func TestUntilMidSlot(t *testing.T) {
	for _, tc := range []struct {
		name, now string
		interval  time.Duration
		want      time.Duration
	}{
		{"start of a slot", "2026-01-01T10:00:00Z", time.Second, 500 * time.Millisecond},
		{"just past the middle", "2026-01-01T10:00:00.501Z", time.Second, 999 * time.Millisecond},
		{"a hair before the middle: that slot ran", "2026-01-01T10:00:00.4999Z", time.Second, 1000*time.Millisecond + 100*time.Microsecond},
		{"a run that overran", "2026-01-01T10:00:01.800Z", time.Second, 700 * time.Millisecond},
		{"five seconds", "2026-01-01T10:00:03Z", 5 * time.Second, 4500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now, _ := time.Parse(time.RFC3339Nano, tc.now)
			if got := nextMidSlot(now, tc.interval).Sub(now); got != tc.want {
				t.Errorf("nextMidSlot(%s, %s) is %s away, want %s", tc.now, tc.interval, got, tc.want)
			}
		})
	}
}

// TestScheduleRunsMidSlot runs a 100 ms poll job and a gocron job side by
// side: polls land in the middle of their slots, one per slot, and Stop
// waits for both.
func TestScheduleRunsMidSlot(t *testing.T) {
	s, err := NewSchedule()
	if err != nil {
		t.Fatal(err)
	}
	interval := 100 * time.Millisecond
	polls := make(chan time.Time, 100)
	flushes := make(chan struct{}, 100)
	if err := s.Every("poll", interval, MidSlot, func(context.Context) { polls <- time.Now() }); err != nil {
		t.Fatal(err)
	}
	if err := s.Every("flush", 250*time.Millisecond, AfterInterval, func(context.Context) { flushes <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	runFor(t, s, time.Second)
	close(polls)
	slots := map[int64]bool{}
	// A busy machine (or the race detector) can wake a poll late now and
	// then; a timer that aimed anywhere but mid-slot would miss every time.
	var late []time.Duration
	for at := range polls {
		off := time.Duration(at.UnixNano() % int64(interval))
		if off < 30*time.Millisecond || off > 90*time.Millisecond {
			late = append(late, off)
		}
		slot := at.UnixNano() / int64(interval)
		if slots[slot] {
			late = append(late, off) // a late poll ran into the next slot
		}
		slots[slot] = true
	}
	if len(late) > len(slots)/3 {
		t.Errorf("%d of %d polls away from the middle of their slot (want about 50ms, one per slot): %v", len(late), len(slots), late)
	}
	if len(slots) < 7 || len(flushes) < 2 {
		t.Errorf("in 1s: %d polls (want about 10), %d flushes (want about 4)", len(slots), len(flushes))
	}
}

// TestAfterPollRidesOnThePoll: an AfterPoll job runs on the poll job's
// goroutine right after a poll, about once per its interval, never before
// one interval has passed; without a poll job it runs on its own timer.
func TestAfterPollRidesOnThePoll(t *testing.T) {
	t.Run("with a poll job", func(t *testing.T) {
		s, err := NewSchedule()
		if err != nil {
			t.Fatal(err)
		}
		var events []string // appended by one goroutine only, read after Stop
		var start time.Time
		var first time.Duration
		if err := s.Every("poll", 100*time.Millisecond, MidSlot, func(context.Context) { events = append(events, "poll") }); err != nil {
			t.Fatal(err)
		}
		if err := s.Every("rider", 300*time.Millisecond, AfterPoll, func(context.Context) {
			if first == 0 {
				first = time.Since(start)
			}
			events = append(events, "rider")
		}); err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		runFor(t, s, 1300*time.Millisecond)
		riders := 0
		for i, e := range events {
			if e != "rider" {
				continue
			}
			riders++
			if i == 0 || events[i-1] != "poll" {
				t.Errorf("a rider run not right after a poll: %v", events)
			}
		}
		if riders < 2 || riders > 5 {
			t.Errorf("%d rider runs in 1.3 s at a 300 ms interval (want about 4): %v", riders, events)
		}
		if first < 250*time.Millisecond {
			t.Errorf("first rider run %v after Start, before its interval", first)
		}
	})
	t.Run("without a poll job", func(t *testing.T) {
		s, err := NewSchedule()
		if err != nil {
			t.Fatal(err)
		}
		runs := make(chan struct{}, 100)
		if err := s.Every("rider", 200*time.Millisecond, AfterPoll, func(context.Context) { runs <- struct{}{} }); err != nil {
			t.Fatal(err)
		}
		runFor(t, s, time.Second)
		if n := len(runs); n < 3 {
			t.Errorf("%d runs in 1 s at a 200 ms interval without a poll job (want about 5)", n)
		}
	})
}

// runFor starts s, lets it run for d, and stops it.
func runFor(t *testing.T, s *Schedule, d time.Duration) {
	t.Helper()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(d)
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
}
