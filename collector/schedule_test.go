package collector

import (
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
