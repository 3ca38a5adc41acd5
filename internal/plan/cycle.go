// Package plan owns the calendar arithmetic of data plans: which billing
// cycle holds a moment, in the plan's own time zone.
package plan

import (
	"fmt"
	"time"
)

// Periods a plan's cycle can have.
const (
	Month = "month"
	Week  = "week"
	Day   = "day"
)

// Rule says when a plan's cycles start: on ResetDay of each month (1–31; a
// day past the month's end means its last day) or each week (1–7, Monday =
// 1), or every day, at ResetHour:00 local time in Loc.
//
// A cycle starts at the first instant whose local time is at or past the
// reset hour on the reset day: when the clocks skip that hour (DST starts),
// at the moment they skip; when it happens twice (DST ends), the first time.
type Rule struct {
	Period    string
	ResetDay  int
	ResetHour int
	Loc       *time.Location
}

// Check reports the first field of r that is out of range.
func (r Rule) Check() error {
	switch r.Period {
	case Month:
		if r.ResetDay < 1 || r.ResetDay > 31 {
			return fmt.Errorf("reset_day: %d is not a day of the month (1 to 31)", r.ResetDay)
		}
	case Week:
		if r.ResetDay < 1 || r.ResetDay > 7 {
			return fmt.Errorf("reset_day: %d is not a weekday (1 to 7, Monday = 1)", r.ResetDay)
		}
	case Day:
	default:
		return fmt.Errorf("period: %q is not one of month, week, day", r.Period)
	}
	if r.ResetHour < 0 || r.ResetHour > 23 {
		return fmt.Errorf("reset_hour: %d is not an hour (0 to 23)", r.ResetHour)
	}
	if r.Loc == nil {
		return fmt.Errorf("tz: no time zone")
	}
	return nil
}

// Cycle returns the cycle holding t: it runs from start (included) to end
// (excluded). r must pass Check.
func (r Rule) Cycle(t time.Time) (start, end time.Time) {
	lt := t.In(r.Loc)
	y, m, d := lt.Date()
	switch r.Period {
	case Month:
		start = r.monthStart(y, m)
		if t.Before(start) {
			start, end = r.monthStart(y, m-1), start
		} else {
			end = r.monthStart(y, m+1)
		}
	case Week:
		iso := (int(lt.Weekday())+6)%7 + 1
		d -= (iso - r.ResetDay + 7) % 7
		start = r.at(y, m, d)
		if t.Before(start) {
			d -= 7
			start, end = r.at(y, m, d), start
		} else {
			end = r.at(y, m, d+7)
		}
	default:
		start = r.at(y, m, d)
		if t.Before(start) {
			start, end = r.at(y, m, d-1), start
		} else {
			end = r.at(y, m, d+1)
		}
	}
	return start, end
}

// Previous returns the cycle before the one starting at start.
func (r Rule) Previous(start time.Time) (time.Time, time.Time) {
	return r.Cycle(start.Add(-time.Nanosecond))
}

// monthStart is the start of the cycle beginning in month m of year y (m
// may be out of range: time.Date normalises it).
func (r Rule) monthStart(y int, m time.Month) time.Time {
	first := time.Date(y, m, 1, 12, 0, 0, 0, time.UTC)
	y, m = first.Year(), first.Month()
	last := time.Date(y, m+1, 0, 12, 0, 0, 0, time.UTC).Day()
	return r.at(y, m, min(r.ResetDay, last))
}

// at is the first instant at or past ResetHour:00 local time on the given
// date (d may be out of range: it is normalised).
func (r Rule) at(y int, m time.Month, d int) time.Time {
	want := time.Date(y, m, d, r.ResetHour, 0, 0, 0, time.UTC)
	t := time.Date(y, m, d, r.ResetHour, 0, 0, 0, r.Loc)
	switch wall := wallClock(t); {
	case wall.Before(want):
		// The hour was skipped and time.Date answered with the wall
		// time before the jump: the cycle starts at the jump.
		_, jump := t.ZoneBounds()
		return jump
	case wall.After(want):
		// Skipped, answered after the jump: the jump is where t's
		// offset began.
		jump, _ := t.ZoneBounds()
		return jump
	}
	// The hour may happen twice; take its first time.
	for _, back := range []time.Duration{3 * time.Hour, 2 * time.Hour, time.Hour, 30 * time.Minute, 15 * time.Minute} {
		if e := t.Add(-back); wallClock(e).Equal(want) {
			return e
		}
	}
	return t
}

// wallClock is t's local date and time, as if it were UTC.
func wallClock(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}
