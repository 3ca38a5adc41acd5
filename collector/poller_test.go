package collector

import (
	"context"
	"slices"
	"testing"
	"time"
)

// growingSource is a machine whose interfaces each carry a steady 1000
// bytes a second, read at the poller's clock, honouring keep as the real
// sources do.
type growingSource struct {
	now     *time.Time
	start   time.Time
	present map[string]bool
	reads   map[string][]time.Time // when each name was read
}

func (s *growingSource) Read(_ context.Context, keep func(string) bool) ([]Counters, error) {
	var out []Counters
	for _, n := range []string{"eth0", "web/eth0"} {
		if s.present[n] && keep(n) {
			s.reads[n] = append(s.reads[n], *s.now)
			out = append(out, Counters{Name: n, Index: 3, RxBytes: 1000 * uint64(s.now.Sub(s.start)/time.Second)})
		}
	}
	return out, nil
}

func TestPollerOccasional(t *testing.T) {
	start := time.Date(2026, 12, 5, 12, 0, 0, 500e6, time.UTC) // polls run mid-second
	tests := []struct {
		name string
		// at this poll (from 0), web/eth0 becomes monitored (-1: never) or
		// stops (-1: never)
		monitorAt, stopAt int
		wantReads         int // of web/eth0 over the 120 polls
	}{
		{"recorded only: read at the last poll of every 10 s", -1, -1, 1 + 12},
		{"monitored from poll 45: read every poll from then", 45, -1, 1 + 4 + 75},
		{"stops at poll 33: gone at the next reading", -1, 33, 1 + 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := start
			src := &growingSource{now: &now, start: start.Add(-time.Hour), present: map[string]bool{"eth0": true, "web/eth0": true},
				reads: map[string][]time.Time{}}
			var rx uint64
			var goneAt []int
			poll := 0
			p := NewPoller(src, func(_ context.Context, s Sample) {
				for _, d := range s.Deltas {
					if d.Name != "web/eth0" {
						continue
					}
					rx += d.RxBytes
					// What one reading counts lies in one minute, as a
					// poll every second would place it (give or take the
					// half second before the poll).
					from := s.Time.Add(-d.Elapsed + time.Second)
					if from.Truncate(time.Minute) != s.Time.Truncate(time.Minute) {
						t.Errorf("poll %d: a reading spans %s to %s, across a minute", poll, from, s.Time)
					}
				}
				if slices.Contains(s.Gone, "web/eth0") {
					goneAt = append(goneAt, poll)
				}
			})
			p.now = func() time.Time { return now }
			p.SetSelection([]string{"eth0"}, []string{"web/eth0"}, 10*time.Second, time.Second)
			var lastRead time.Time
			for poll = 0; poll < 120; poll++ {
				now = start.Add(time.Duration(poll) * time.Second)
				if poll == tt.monitorAt {
					p.SetSelection([]string{"eth0", "web/eth0"}, nil, 10*time.Second, time.Second)
				}
				if poll == tt.stopAt {
					src.present["web/eth0"] = false
				}
				p.Poll(context.Background())
				if r := src.reads["web/eth0"]; len(r) > 0 {
					lastRead = r[len(r)-1]
				}
			}
			if got := len(src.reads["web/eth0"]); got != tt.wantReads {
				t.Errorf("web/eth0 read %d times, want %d: %v", got, tt.wantReads, src.reads["web/eth0"])
			}
			if got := len(src.reads["eth0"]); got != 120 {
				t.Errorf("eth0 read %d times, want every poll", got)
			}
			// Exact: the deltas add up to the counters' growth between the
			// first reading and the last.
			first := src.reads["web/eth0"][0]
			if want := 1000 * uint64(lastRead.Sub(first)/time.Second); rx != want {
				t.Errorf("web/eth0 counted %d bytes, want %d", rx, want)
			}
			if absent := p.Absent([]string{"eth0", "web/eth0"}); absent["eth0"] || absent["web/eth0"] != (tt.stopAt >= 0) {
				t.Errorf("Absent = %v after the polls", absent)
			}
			switch {
			case tt.stopAt < 0 && len(goneAt) > 0:
				t.Errorf("web/eth0 reported gone at polls %v while it was only left unread", goneAt)
			case tt.stopAt >= 0 && (len(goneAt) != 1 || goneAt[0] != 39):
				t.Errorf("web/eth0 reported gone at polls %v, want once at 39 (its next reading)", goneAt)
			}
		})
	}
}
