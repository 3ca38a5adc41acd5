package vnstat

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestReadConfig(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       Config
	}{
		{"Debian's file: every setting commented out", ";MonthRotate 1\n;MonthRotateAffectsYears 0\n;UseUTC 0\n", Config{MonthRotate: 1}},
		{"months on the 15th", "# billing\nMonthRotate 15\n", Config{MonthRotate: 15}},
		{"a comment after the value", "MonthRotate 15 # the ISP's billing day\n", Config{MonthRotate: 15}},
		{"years too, keys in any case, tabs and =", "monthrotate\t20\nMonthRotateAffectsYears = 1\n", Config{MonthRotate: 20, RotateYears: true}},
		{"quoted values and UTC", "MonthRotate \"7\"\nUseUTC 1\n", Config{MonthRotate: 7, UseUTC: true}},
		{"out of range is the default, as in vnStat", "MonthRotate 31\nMonthRotateAffectsYears 2\n", Config{MonthRotate: 1}},
		{"the first line of a key counts", "MonthRotate 5\nMonthRotate 9\n", Config{MonthRotate: 5}},
		{"a longer key is another key", "MonthRotateVisible 2\nMonthRotateHour 3\n", Config{MonthRotate: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "vnstat.conf")
			if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			tc.want.Path = path
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	dir := t.TempDir()
	if c, err := FindConfig([]string{filepath.Join(dir, "none.conf")}); err != nil || c != DefaultConfig() {
		t.Errorf("no file: %+v, %v; want the defaults", c, err)
	}
	if _, err := ReadConfig(filepath.Join(dir, "none.conf")); err == nil {
		t.Error("a configuration file named but missing was taken")
	}
}

// TestRotatedPeriods: vnStat dates a month by the first of the calendar
// month it begins in; with MonthRotate 15 it runs from the 15th to the
// next 15th, and with MonthRotateAffectsYears a year from 15 January.
func TestRotatedPeriods(t *testing.T) {
	db, loc := openSchema(t)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	for _, tc := range []struct {
		name                 string
		c                    Config
		month, year, dayWant [2]time.Time
	}{
		{"calendar", DefaultConfig(),
			[2]time.Time{day(2025, 10, 1), day(2025, 11, 1)}, [2]time.Time{day(2025, 1, 1), day(2026, 1, 1)}, [2]time.Time{day(2025, 10, 25), day(2025, 10, 26)}},
		{"months on the 15th", Config{MonthRotate: 15},
			[2]time.Time{day(2025, 10, 15), day(2025, 11, 15)}, [2]time.Time{day(2025, 1, 1), day(2026, 1, 1)}, [2]time.Time{day(2025, 10, 25), day(2025, 10, 26)}},
		{"months and years on the 15th", Config{MonthRotate: 15, RotateYears: true},
			[2]time.Time{day(2025, 10, 15), day(2025, 11, 15)}, [2]time.Time{day(2025, 1, 15), day(2026, 1, 15)}, [2]time.Time{day(2025, 10, 25), day(2025, 10, 26)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ifaces, err := db.Interfaces(context.Background(), tc.c, loc)
			if err != nil {
				t.Fatal(err)
			}
			p := ifaces[0].Periods
			for _, c := range []struct {
				level string
				got   Period
				want  [2]time.Time
			}{
				{"month", p[Month][0], tc.month},
				{"year", p[Year][0], tc.year},
				{"day", p[Day][0], tc.dayWant},
			} {
				if !c.got.Start.Equal(c.want[0]) || !c.got.End.Equal(c.want[1]) {
					t.Errorf("%s: %s to %s, want %s to %s", c.level, c.got.Start, c.got.End, c.want[0], c.want[1])
				}
			}
		})
	}
	utc, err := db.Interfaces(context.Background(), Config{MonthRotate: 1, UseUTC: true}, loc)
	if err != nil {
		t.Fatal(err)
	}
	if got := utc[0].Periods[Day][0].Start; !got.Equal(time.Date(2025, 10, 25, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("UseUTC: a day starts at %s, want UTC midnight", got)
	}
}
