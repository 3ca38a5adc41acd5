package collector

import (
	"math"
	"time"

	"github.com/netpulse/netpulse/internal/traffic"
)

// Delta is the traffic of one interface between two readings.
type Delta struct {
	Name string
	traffic.Counts
	// Elapsed is the measured time the delta covers, used for rates.
	Elapsed time.Duration
	// Restarted is set when the counters started again from zero (new
	// incarnation of the interface, reboot, driver reset): the delta is then
	// the new reading itself.
	Restarted bool
	// Current is the reading the delta ends at; storage checkpoints it.
	Current Counters
}

// RxRate and TxRate are the delta's rates in bytes per second.
func (d Delta) RxRate() float64 { return rate(d.RxBytes, d.Elapsed) }

// TxRate is the transmit rate in bytes per second.
func (d Delta) TxRate() float64 { return rate(d.TxBytes, d.Elapsed) }

func rate(b uint64, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return float64(b) / elapsed.Seconds()
}

// Plausibility limits for telling a 32-bit wrap from a reset. A wrap is
// only believed when the wrapped delta fits what a 10 Gbit/s link could
// carry in the elapsed time; anything else is a reset, counted as the new
// reading. This is what keeps phantom 4 GiB spikes out (vnStat #40, #69).
const (
	maxBytesPerSecond   = 10e9 / 8
	maxPacketsPerSecond = 15e6
	// maxWrapSpan is the longest gap across which a wrap is believed: over
	// a longer one (a restart after downtime) the counter may have wrapped
	// any number of times, so a drop is counted as a reset.
	maxWrapSpan = 60 * time.Second
	// maxWrap is the largest wrapped delta ever believed, half the 32-bit
	// range: a counter that wrapped was in its upper half, so a drop from
	// the lower half is a reset whatever the interval. Without this cap, a
	// reset at a poll of 4 s or more (or a read after a short restart) was
	// counted as a wrap of nearly 4 GiB.
	maxWrap = 1 << 31
)

// wrapLimit is the largest wrapped delta believed after secs seconds of a
// counter that moves at most perSecond.
func wrapLimit(secs, perSecond float64) uint64 {
	return uint64(math.Min(secs*perSecond, maxWrap))
}

// Checkpoint is the last reading of an interface that was recorded, kept in
// storage so that a restart within the same boot can count the traffic that
// passed while Net-Pulse was not running.
type Checkpoint struct {
	Counters
	Time time.Time
}

type trackState struct {
	last    Counters
	at      time.Time // wall clock with monotonic reading when live
	present bool
	// fromZero: no reading of this incarnation yet; its counters began at
	// zero (created after we looked, or a reboot since the checkpoint).
	fromZero bool
	seen     uint64 // the last Update whose reading had the interface
}

// Tracker turns successive readings of the monitored interfaces into deltas.
// It is not safe for concurrent use: the poll job owns it.
type Tracker struct {
	states  map[string]*trackState
	updates uint64
	out     []Delta // reused by every Update

	// What the last Update started or lost, reused likewise (see Changes).
	baselines []Counters
	gone      []string
}

// Changes are the points of the last Update at which the tracker's memory
// and a stored checkpoint part ways, and which only a prompt write keeps
// exact across a crash:
//   - Baselines: interfaces whose count starts here, with no delta to carry
//     their counters to storage (first reading, a monitored interface not
//     yet present, whose count will start at zero). Until one is stored, a
//     restart would take a later baseline and lose what was counted since.
//   - Gone: monitored interfaces missing for the first time. Their last
//     deltas are the only record of the traffic since the last write: the
//     kernel's counters went with the interface.
type Changes struct {
	Baselines []Counters
	Gone      []string
}

// Changes returns what the last Update started or lost. It is valid until
// the next Update.
func (t *Tracker) Changes() Changes { return Changes{Baselines: t.baselines, Gone: t.gone} }

// NewTracker returns a Tracker with no history: the first reading of each
// interface is its baseline.
func NewTracker() *Tracker {
	return &Tracker{states: make(map[string]*trackState)}
}

// Resume seeds the tracker with the checkpoints of a previous run. When the
// machine has not rebooted since (sameBoot), the next reading counts the
// traffic since each checkpoint. After a reboot every counter restarted at
// zero, so the next reading counts all traffic since boot.
func (t *Tracker) Resume(cps []Checkpoint, sameBoot bool) {
	for _, cp := range cps {
		st := &trackState{last: cp.Counters, at: cp.Time, present: true}
		if !sameBoot {
			// Counters and interface indexes both began anew at boot.
			st.last, st.fromZero = Counters{Name: cp.Name}, true
		}
		t.states[cp.Name] = st
	}
}

// Update takes a reading of the monitored interfaces (names lists them all,
// present or not) taken at now, and returns the deltas since the previous
// reading. Interfaces seen for the first time give no delta. The deltas
// are valid until the next Update: a poll runs every second, so it reuses
// their memory.
func (t *Tracker) Update(now time.Time, reading []Counters, names []string) []Delta {
	return t.UpdateSome(now, reading, names, nil)
}

// UpdateSome is Update for a reading that left out the names in skipped on
// purpose (read less often, see Poller.SetSelection): they keep their
// state as it was, neither gone nor forgotten, and their next reading
// counts everything since their last.
func (t *Tracker) UpdateSome(now time.Time, reading []Counters, names []string, skipped map[string]bool) []Delta {
	t.updates++
	out := t.out[:0]
	t.baselines, t.gone = t.baselines[:0], t.gone[:0]
	for _, cur := range reading {
		st, ok := t.states[cur.Name]
		if !ok {
			t.states[cur.Name] = &trackState{last: cur, at: now, present: true, seen: t.updates}
			t.baselines = append(t.baselines, cur)
			continue
		}
		out = append(out, diff(st, cur, now))
		st.last, st.at, st.present, st.fromZero, st.seen = cur, now, true, false, t.updates
	}
	t.out = out
	// An interface that is gone keeps its state, marked absent: when it comes
	// back, its index (or, without one, its counters) tells whether it is
	// the same device renamed back or a new one whose counters began at
	// zero.
	for _, name := range names {
		if skipped[name] {
			continue
		}
		if st, ok := t.states[name]; !ok {
			t.states[name] = &trackState{at: now, fromZero: true}
			t.baselines = append(t.baselines, Counters{Name: name})
		} else if st.seen != t.updates {
			if st.present {
				t.gone = append(t.gone, name)
			}
			st.present = false
		}
	}
	// Forget interfaces no longer monitored, so churn cannot grow the map.
	if len(t.states) > len(names) {
		keep := make(map[string]bool, len(names))
		for _, n := range names {
			keep[n] = true
		}
		for n := range t.states {
			if !keep[n] {
				delete(t.states, n)
			}
		}
	}
	return out
}

// Absent reports whether name is followed and was missing from the last
// reading that looked for it.
func (t *Tracker) Absent(name string) bool {
	st, ok := t.states[name]
	return ok && !st.present
}

// diff computes the delta from a tracked state to a new reading.
func diff(st *trackState, cur Counters, now time.Time) Delta {
	elapsed := now.Sub(st.at)
	if elapsed <= 0 {
		// The wall clock stepped back across a restart: the time is
		// unknown, so rates use one second rather than a negative span.
		elapsed = time.Second
	}
	d := Delta{Name: cur.Name, Elapsed: elapsed, Current: cur, Restarted: st.fromZero}
	prev := st.last
	if prev.Index != 0 && cur.Index != 0 && prev.Index != cur.Index {
		prev = Counters{}
		d.Restarted = true
	}
	secs := elapsed.Seconds()
	if elapsed > maxWrapSpan {
		secs = 0
	}
	byteLimit := wrapLimit(secs, maxBytesPerSecond)
	pktLimit := wrapLimit(secs, maxPacketsPerSecond)
	var r [8]bool
	d.RxBytes, r[0] = counterDelta(prev.RxBytes, cur.RxBytes, byteLimit)
	d.TxBytes, r[1] = counterDelta(prev.TxBytes, cur.TxBytes, byteLimit)
	d.RxPackets, r[2] = counterDelta(prev.RxPackets, cur.RxPackets, pktLimit)
	d.TxPackets, r[3] = counterDelta(prev.TxPackets, cur.TxPackets, pktLimit)
	d.RxErrors, r[4] = counterDelta(prev.RxErrors, cur.RxErrors, pktLimit)
	d.TxErrors, r[5] = counterDelta(prev.TxErrors, cur.TxErrors, pktLimit)
	d.RxDrops, r[6] = counterDelta(prev.RxDrops, cur.RxDrops, pktLimit)
	d.TxDrops, r[7] = counterDelta(prev.TxDrops, cur.TxDrops, pktLimit)
	for _, reset := range r {
		d.Restarted = d.Restarted || reset
	}
	return d
}

// counterDelta returns how much a counter grew from prev to cur. A counter
// that went down either wrapped at 32 bits (believed only when the wrapped
// amount is at most limit) or restarted from zero, in which case cur is all
// that was counted since. It never returns a negative or wrapped-around
// 64-bit value.
func counterDelta(prev, cur, limit uint64) (delta uint64, reset bool) {
	if cur >= prev {
		return cur - prev, false
	}
	if prev <= math.MaxUint32 {
		if wrapped := (math.MaxUint32 - prev) + cur + 1; wrapped <= limit {
			return wrapped, false
		}
	}
	return cur, true
}
