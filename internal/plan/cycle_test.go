package plan

import (
	"slices"
	"testing"
	"time"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// walk moves a fake clock from from to to in steps of step and returns the
// cycle starts seen, checking on the way that every cycle holds the clock,
// that cycles follow each other without gap or overlap, and that asking at
// a cycle's start or just before it (a restart exactly at a boundary)
// gives that cycle or the one before.
func walk(t *testing.T, r Rule, from, to time.Time, step time.Duration) []time.Time {
	t.Helper()
	var starts []time.Time
	var prevEnd time.Time
	for now := from; now.Before(to); now = now.Add(step) {
		s, e := r.Cycle(now)
		if now.Before(s) || !now.Before(e) {
			t.Fatalf("at %s: cycle [%s, %s) does not hold it", now, s, e)
		}
		if len(starts) > 0 && s.Equal(starts[len(starts)-1]) {
			continue
		}
		if !prevEnd.IsZero() && !s.Equal(prevEnd) {
			t.Fatalf("at %s: cycle starts %s, the one before ended %s", now, s.UTC(), prevEnd.UTC())
		}
		if s2, e2 := r.Cycle(s); !s2.Equal(s) || !e2.Equal(e) {
			t.Fatalf("at its own start %s: cycle [%s, %s), want [%s, %s)", s, s2, e2, s, e)
		}
		if _, e0 := r.Cycle(s.Add(-time.Nanosecond)); !e0.Equal(s) {
			t.Fatalf("just before %s: the cycle ends %s", s, e0)
		}
		if ps, pe := r.Previous(s); !pe.Equal(s) || !ps.Before(pe) {
			t.Fatalf("previous of %s: [%s, %s)", s, ps, pe)
		}
		starts = append(starts, s)
		prevEnd = e
	}
	return starts
}

func TestCycleBoundaries(t *testing.T) {
	berlin, newYork := zone(t, "Europe/Berlin"), zone(t, "America/New_York")
	kathmandu, eucla := zone(t, "Asia/Kathmandu"), zone(t, "Australia/Eucla")
	for _, tc := range []struct {
		name     string
		rule     Rule
		from, to string
		step     time.Duration
		want     []string // every cycle start seen, in UTC
	}{
		{
			name: "day 31 through a leap February and April, UTC",
			rule: Rule{Period: Month, ResetDay: 31, Loc: time.UTC},
			from: "2023-12-15T00:00:00Z", to: "2025-03-31T00:00:00Z", step: time.Hour,
			want: []string{"2023-11-30T00:00:00Z", "2023-12-31T00:00:00Z", "2024-01-31T00:00:00Z", "2024-02-29T00:00:00Z",
				"2024-03-31T00:00:00Z", "2024-04-30T00:00:00Z", "2024-05-31T00:00:00Z", "2024-06-30T00:00:00Z",
				"2024-07-31T00:00:00Z", "2024-08-31T00:00:00Z", "2024-09-30T00:00:00Z", "2024-10-31T00:00:00Z",
				"2024-11-30T00:00:00Z", "2024-12-31T00:00:00Z", "2025-01-31T00:00:00Z", "2025-02-28T00:00:00Z"},
		},
		{
			name: "day 30 at 02:00 in Berlin, DST starting in the reset hour",
			rule: Rule{Period: Month, ResetDay: 30, ResetHour: 2, Loc: berlin},
			from: "2024-12-01T00:00:00Z", to: "2026-03-31T00:00:00Z", step: time.Hour,
			want: []string{"2024-11-30T01:00:00Z", "2024-12-30T01:00:00Z", "2025-01-30T01:00:00Z", "2025-02-28T01:00:00Z",
				// 02:00 does not exist on 30 March: the cycle starts at the jump, 03:00 CEST.
				"2025-03-30T01:00:00Z", "2025-04-30T00:00:00Z", "2025-05-30T00:00:00Z", "2025-06-30T00:00:00Z",
				"2025-07-30T00:00:00Z", "2025-08-30T00:00:00Z", "2025-09-30T00:00:00Z", "2025-10-30T01:00:00Z",
				"2025-11-30T01:00:00Z", "2025-12-30T01:00:00Z", "2026-01-30T01:00:00Z", "2026-02-28T01:00:00Z",
				"2026-03-30T00:00:00Z"},
		},
		{
			name: "day 26 at 02:00 in Berlin, DST ending in the reset hour",
			rule: Rule{Period: Month, ResetDay: 26, ResetHour: 2, Loc: berlin},
			from: "2025-09-01T00:00:00Z", to: "2025-11-30T00:00:00Z", step: 15 * time.Minute,
			// 02:00 happens twice on 26 October: the first, in CEST.
			want: []string{"2025-08-26T00:00:00Z", "2025-09-26T00:00:00Z", "2025-10-26T00:00:00Z", "2025-11-26T01:00:00Z"},
		},
		{
			name: "New York at 02:00 and 01:00 on the DST days",
			rule: Rule{Period: Month, ResetDay: 9, ResetHour: 2, Loc: newYork},
			from: "2025-02-10T00:00:00Z", to: "2025-04-10T00:00:00Z", step: 30 * time.Minute,
			// 02:00 EST jumps to 03:00 EDT at 07:00Z.
			want: []string{"2025-02-09T07:00:00Z", "2025-03-09T07:00:00Z", "2025-04-09T06:00:00Z"},
		},
		{
			name: "New York day period at 01:00 across the DST end",
			rule: Rule{Period: Day, ResetHour: 1, Loc: newYork},
			from: "2025-11-01T12:00:00Z", to: "2025-11-04T00:00:00Z", step: 10 * time.Minute,
			// 01:00 EDT (05:00Z) comes first on 2 November, then 01:00 EST.
			want: []string{"2025-11-01T05:00:00Z", "2025-11-02T05:00:00Z", "2025-11-03T06:00:00Z"},
		},
		{
			name: "Kathmandu (+05:45), first of the month at midnight",
			rule: Rule{Period: Month, ResetDay: 1, Loc: kathmandu},
			from: "2024-11-15T00:00:00Z", to: "2025-03-15T00:00:00Z", step: 15 * time.Minute,
			want: []string{"2024-10-31T18:15:00Z", "2024-11-30T18:15:00Z", "2024-12-31T18:15:00Z",
				"2025-01-31T18:15:00Z", "2025-02-28T18:15:00Z"},
		},
		{
			name: "Eucla (+08:45), weeks from Monday at 00:00",
			rule: Rule{Period: Week, ResetDay: 1, Loc: eucla},
			from: "2025-01-01T00:00:00Z", to: "2025-01-20T00:00:00Z", step: 15 * time.Minute,
			want: []string{"2024-12-29T15:15:00Z", "2025-01-05T15:15:00Z", "2025-01-12T15:15:00Z", "2025-01-19T15:15:00Z"},
		},
		{
			name: "weeks from Sunday at 23:00 in Berlin across DST",
			rule: Rule{Period: Week, ResetDay: 7, ResetHour: 23, Loc: berlin},
			from: "2025-03-20T00:00:00Z", to: "2025-04-07T00:00:00Z", step: time.Hour,
			want: []string{"2025-03-16T22:00:00Z", "2025-03-23T22:00:00Z", "2025-03-30T21:00:00Z", "2025-04-06T21:00:00Z"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := walk(t, tc.rule, utc(tc.from), utc(tc.to), tc.step)
			var gotS []string
			for _, s := range got {
				gotS = append(gotS, s.UTC().Format(time.RFC3339))
			}
			if !slices.Equal(gotS, tc.want) {
				t.Errorf("cycle starts\n got %v\nwant %v", gotS, tc.want)
			}
		})
	}
}

// TestCycleFourteenMonths walks every period in several zones
// (every 3 hours) over more than 14 months, leap day included, checking the invariants of
// walk and that each cycle starts at the reset hour on the reset day.
func TestCycleFourteenMonths(t *testing.T) {
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Australia/Eucla", "Australia/Lord_Howe", "Pacific/Chatham"}
	for _, name := range zones {
		loc := zone(t, name)
		for _, r := range []Rule{
			{Period: Month, ResetDay: 31, ResetHour: 0, Loc: loc},
			{Period: Month, ResetDay: 29, ResetHour: 2, Loc: loc},
			{Period: Week, ResetDay: 7, ResetHour: 3, Loc: loc},
			{Period: Day, ResetHour: 2, Loc: loc},
		} {
			starts := walk(t, r, utc("2023-12-20T00:00:00Z"), utc("2025-03-05T00:00:00Z"), 3*time.Hour)
			if r.Period == Month && len(starts) < 15 {
				t.Errorf("%s %+v: %d cycles in 14.5 months", name, r, len(starts))
			}
			for _, s := range starts {
				l := s.In(loc)
				// A skipped reset hour starts the cycle at the jump, which
				// reads later than the reset hour.
				if l.Hour() < r.ResetHour {
					t.Errorf("%s %+v: cycle starts %s, before the reset hour", name, r, l)
				}
				if r.Period == Month {
					last := time.Date(l.Year(), l.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
					if want := min(r.ResetDay, last); l.Day() != want {
						t.Errorf("%s %+v: cycle starts %s, want day %d", name, r, l, want)
					}
				}
				if r.Period == Week && l.Weekday() != time.Sunday {
					t.Errorf("%s %+v: cycle starts %s, not a Sunday", name, r, l)
				}
			}
		}
	}
}

// TestCycleRuleChangedMidCycle: a plan whose reset day or zone changes
// counts from the cycle the new rule gives for the same moment.
func TestCycleRuleChangedMidCycle(t *testing.T) {
	now := utc("2025-03-20T12:00:00Z")
	tokyo := zone(t, "Asia/Tokyo")
	for _, tc := range []struct {
		name       string
		rule       Rule
		start, end string
	}{
		{"before: day 15 UTC", Rule{Period: Month, ResetDay: 15, Loc: time.UTC}, "2025-03-15T00:00:00Z", "2025-04-15T00:00:00Z"},
		{"reset day moved past now", Rule{Period: Month, ResetDay: 25, Loc: time.UTC}, "2025-02-25T00:00:00Z", "2025-03-25T00:00:00Z"},
		{"reset day moved to today, later hour", Rule{Period: Month, ResetDay: 20, ResetHour: 13, Loc: time.UTC}, "2025-02-20T13:00:00Z", "2025-03-20T13:00:00Z"},
		{"zone moved east", Rule{Period: Month, ResetDay: 15, Loc: tokyo}, "2025-03-14T15:00:00Z", "2025-04-14T15:00:00Z"},
		{"period moved to weeks", Rule{Period: Week, ResetDay: 1, Loc: time.UTC}, "2025-03-17T00:00:00Z", "2025-03-24T00:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, e := tc.rule.Cycle(now)
			if !s.Equal(utc(tc.start)) || !e.Equal(utc(tc.end)) {
				t.Errorf("got [%s, %s), want [%s, %s)", s.UTC(), e.UTC(), tc.start, tc.end)
			}
		})
	}
}

func TestRuleCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rule  Rule
		field string
	}{
		{"reset day 0", Rule{Period: Month, ResetDay: 0, Loc: time.UTC}, "reset_day"},
		{"reset day 32", Rule{Period: Month, ResetDay: 32, Loc: time.UTC}, "reset_day"},
		{"weekday 8", Rule{Period: Week, ResetDay: 8, Loc: time.UTC}, "reset_day"},
		{"hour 24", Rule{Period: Day, ResetHour: 24, Loc: time.UTC}, "reset_hour"},
		{"unknown period", Rule{Period: "year", ResetDay: 1, Loc: time.UTC}, "period"},
		{"fine", Rule{Period: Day, ResetDay: 0, Loc: time.UTC}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.rule.Check()
			switch {
			case tc.field == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tc.field != "" && (err == nil || len(err.Error()) < len(tc.field) || err.Error()[:len(tc.field)] != tc.field):
				t.Errorf("error %v, want one naming %s", err, tc.field)
			}
		})
	}
}
