package storage

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// history is a made-up vnStat-like history in Berlin: a year, months, days,
// hours and five minutes, each coarser period holding more than the finer
// ones inside it, as when the finer tables have been pruned.
func history(loc *time.Location) [][]ImportPeriod {
	at := func(y int, m time.Month, d, h, mi int) int64 { return time.Date(y, m, d, h, mi, 0, 0, loc).Unix() }
	var five, hours, days, months []ImportPeriod
	for i := range 12 { // 2025-11-10 22:00 to 23:00
		five = append(five, ImportPeriod{Start: at(2025, 11, 10, 22, 5*i), End: at(2025, 11, 10, 22, 5*i+5), Rx: 1000, Tx: 10})
	}
	for h := 12; h < 24; h++ { // the day's last twelve hours
		hours = append(hours, ImportPeriod{Start: at(2025, 11, 10, h, 0), End: at(2025, 11, 10, h+1, 0), Rx: 50000, Tx: 500})
	}
	hours[len(hours)-2].Rx = 12000 // 22:00: its five minutes hold 12,000
	for d := 1; d <= 10; d++ {
		days = append(days, ImportPeriod{Start: at(2025, 11, d, 0, 0), End: at(2025, 11, d+1, 0, 0), Rx: 1e6 + uint64(d), Tx: 7e5})
	}
	for m := time.March; m <= time.November; m++ { // March holds the DST change
		months = append(months, ImportPeriod{Start: at(2025, m, 1, 0, 0), End: at(2025, m+1, 1, 0, 0), Rx: 3e7 + uint64(m), Tx: 2e7})
	}
	years := []ImportPeriod{
		{Start: at(2024, 1, 1, 0, 0), End: at(2025, 1, 1, 0, 0), Rx: 5e9, Tx: 4e9},
		{Start: at(2025, 1, 1, 0, 0), End: at(2026, 1, 1, 0, 0), Rx: 9e8, Tx: 3e8},
	}
	return [][]ImportPeriod{five, hours, days, months, years}
}

func importInto(t *testing.T, path, iface string, levels [][]ImportPeriod) ImportReport {
	t.Helper()
	ctx := context.Background()
	im, err := OpenImporter(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	rep, err := im.Import(ctx, iface, "test", levels)
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Commit(); err != nil {
		t.Fatal(err)
	}
	return rep
}

// dayTotals queries whole local days over [from, to).
func dayTotals(t *testing.T, s *Storage, iface string, from, to time.Time) map[int64]Bucket {
	t.Helper()
	res, err := s.Traffic(context.Background(), Query{Interfaces: []string{iface}, Start: from, End: to, Group: 24 * time.Hour, Location: from.Location()})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]Bucket{}
	for _, b := range res.Series[0].Buckets {
		out[b.T] = b
	}
	return out
}

// TestImportKeepsEveryPeriodsTotal imports the same local history in zones
// whose hours begin on the hour and at :30 or :45, with and without DST:
// every day, month and year of it, and every hour, reads as its period.
func TestImportKeepsEveryPeriodsTotal(t *testing.T) {
	for _, zone := range []string{"Europe/Berlin", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Adelaide", "America/St_Johns"} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			importKeepsEveryPeriodsTotal(t, loc)
		})
	}
}

func importKeepsEveryPeriodsTotal(t *testing.T, loc *time.Location) {
	path := filepath.Join(t.TempDir(), "netpulse.db")
	levels := history(loc)
	rep := importInto(t, path, "np16i", levels)
	if rep.Periods != 12+12+10+9+2 || rep.Excess != 0 || rep.Later != 0 || rep.Repeated != 0 {
		t.Errorf("report %+v", rep)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.AllTimeTotals(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var rx, tx uint64
	for _, y := range levels[4] {
		rx, tx = rx+y.Rx, tx+y.Tx
	}
	if a := all["np16i"]; a.RxBytes != rx || a.TxBytes != tx {
		t.Errorf("all-time totals rx %d tx %d, want the years' %d %d", a.RxBytes, a.TxBytes, rx, tx)
	}
	// Hours are epoch buckets: where a zone's hours begin at :30 or :45,
	// its hours are read as quarters.
	group := time.Hour
	if _, off := time.Unix(levels[1][0].Start, 0).In(loc).Zone(); off%3600 != 0 {
		group = 15 * time.Minute
	}
	res, err := s.Traffic(context.Background(), Query{Interfaces: []string{"np16i"}, Start: time.Unix(levels[1][0].Start, 0), End: time.Unix(levels[1][11].End, 0), Group: group})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range levels[1] {
		var rx, tx uint64
		for _, b := range res.Series[0].Buckets {
			if b.T >= p.Start && b.T < p.End {
				rx, tx = rx+b.Rx, tx+b.Tx
			}
		}
		if rx != p.Rx || tx != p.Tx {
			t.Errorf("hour from %s: rx %d tx %d, want %d %d", time.Unix(p.Start, 0).In(loc), rx, tx, p.Rx, p.Tx)
		}
	}
	days := dayTotals(t, s, "np16i", time.Date(2024, 1, 1, 0, 0, 0, 0, loc), time.Date(2026, 1, 1, 0, 0, 0, 0, loc))
	sum := func(from, to int64) (rx, tx uint64) {
		for d, b := range days {
			if d >= from && d < to {
				rx, tx = rx+b.Rx, tx+b.Tx
			}
		}
		return
	}
	for _, b := range days {
		if !b.Imported || b.RxPeak != 0 || b.RxPkts != 0 {
			t.Errorf("day %d: %+v, want imported without peaks", b.T, b)
		}
	}
	// Every day, month and year equals its period; the hours and five
	// minutes add up inside their day.
	for i, ps := range levels[2:] {
		for _, p := range ps {
			if rx, tx := sum(p.Start, p.End); rx != p.Rx || tx != p.Tx {
				t.Errorf("level %d, period from %s: rx %d tx %d, want %d %d", i+2, time.Unix(p.Start, 0).In(loc), rx, tx, p.Rx, p.Tx)
			}
		}
	}
	// The five minutes are in the 15-minute tier too.
	res, err = s.Traffic(context.Background(), Query{Interfaces: []string{"np16i"}, Start: time.Unix(levels[0][0].Start, 0), End: time.Unix(levels[0][11].End, 0), Group: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if b := res.Series[0].Buckets; len(b) != 4 || b[0].Rx != 3000 || !b[0].Imported {
		t.Errorf("15-minute buckets of the imported hour: %+v", b)
	}

	s.Close()
	again := importInto(t, path, "np16i", levels)
	if again.Periods != 0 || again.Repeated != rep.Periods || len(again.Tiers) != 0 {
		t.Errorf("second import: %+v", again)
	}
	if s, err = Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if after := dayTotals(t, s, "np16i", time.Date(2024, 1, 1, 0, 0, 0, 0, loc), time.Date(2026, 1, 1, 0, 0, 0, 0, loc)); len(after) != len(days) {
		t.Errorf("second import changed the days: %d, before %d", len(after), len(days))
	} else {
		for d, b := range days {
			if after[d] != b {
				t.Errorf("day %d: %+v, before %+v", d, after[d], b)
			}
		}
	}
}

// Recent imported history shows in every grouping of a window, whichever
// tier answers it: the dashboard's 24 hours by 5 minutes read the 1-minute
// tier, its 7 days by 30 minutes the 15-minute one.
func TestImportShowsInEveryGrouping(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	y, m, d := now.In(loc).Date()
	day := func(i int) time.Time { return time.Date(y, m, d-10+i, 0, 0, 0, 0, loc) } // day(10) is today
	var five, hours, days []ImportPeriod
	var want uint64
	for i := range 10 {
		days = append(days, ImportPeriod{Start: day(i).Unix(), End: day(i + 1).Unix(), Rx: 1e6 + uint64(i), Tx: 1})
		want += 1e6 + uint64(i)
	}
	for h := range 48 { // the last two days' hours
		start := day(8).Add(time.Duration(h) * time.Hour)
		hours = append(hours, ImportPeriod{Start: start.Unix(), End: start.Add(time.Hour).Unix(), Rx: 20000, Tx: 1})
	}
	last := time.Unix(hours[len(hours)-2].Start, 0) // 22:00 yesterday, in five minutes
	for i := range 12 {
		start := last.Add(time.Duration(5*i) * time.Minute)
		five = append(five, ImportPeriod{Start: start.Unix(), End: start.Add(5 * time.Minute).Unix(), Rx: 1000, Tx: 0})
	}
	hours[len(hours)-2].Rx = 12000

	path := filepath.Join(t.TempDir(), "netpulse.db")
	ctx := context.Background()
	im, err := OpenImporter(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	im.now = now
	if _, err := im.Import(ctx, "eth0", "test", [][]ImportPeriod{five, hours, days}); err != nil {
		t.Fatal(err)
	}
	if err := im.Commit(); err != nil {
		t.Fatal(err)
	}
	im.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, group := range []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 24 * time.Hour} {
		res, err := s.Traffic(ctx, Query{Interfaces: []string{"eth0"}, Start: day(0), End: day(10), Group: group, Location: loc})
		if err != nil {
			t.Fatal(err)
		}
		var rx uint64
		var at1000 int
		for _, b := range res.Series[0].Buckets {
			rx += b.Rx
			if b.T >= last.Unix() && b.T < last.Add(time.Hour).Unix() && b.Rx == 1000 {
				at1000++
			}
		}
		if rx != want {
			t.Errorf("%v groups: %d bytes received in the ten days, want %d", group, rx, want)
		}
		if group <= 5*time.Minute && at1000 != 12 {
			t.Errorf("%v groups: %d of the last hour's buckets hold its five minutes' 1000 bytes, want 12", group, at1000)
		}
	}
}

func TestImportLeavesOwnHistoryAlone(t *testing.T) {
	loc := time.UTC
	path := filepath.Join(t.TempDir(), "netpulse.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	own := time.Date(2025, 11, 10, 12, 37, 0, 0, loc)
	s.Add(Record{Interface: "np16o", Time: own, RxBytes: 777, RxPeak: 777})
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	rep := importInto(t, path, "np16o", history(loc))
	// Before 12:37 that day: the days before it; not the day's hours
	// (the first of them ends at 13:00) and five minutes, the day itself,
	// its month or the year.
	if rep.OwnStart != time.Date(2025, 11, 10, 12, 37, 0, 0, loc).Unix() || rep.Later != 12+12+1+1+1 {
		t.Errorf("report %+v", rep)
	}
	if s, err = Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	days := dayTotals(t, s, "np16o", time.Date(2025, 11, 9, 0, 0, 0, 0, loc), time.Date(2025, 11, 11, 0, 0, 0, 0, loc))
	d9, d10 := days[time.Date(2025, 11, 9, 0, 0, 0, 0, loc).Unix()], days[time.Date(2025, 11, 10, 0, 0, 0, 0, loc).Unix()]
	if d9.Rx != 1e6+9 || !d9.Imported {
		t.Errorf("9 November: %+v", d9)
	}
	// 10 November: the hour 12:00-13:00 (vnStat's) ends after Net-Pulse's
	// own first minute, so only Net-Pulse's own 777 bytes count there.
	if d10.Rx != 777 || d10.Imported || d10.RxPeak != 777 {
		t.Errorf("10 November: %+v", d10)
	}
}

func TestImportRefusesDatabaseInUse(t *testing.T) {
	s := openTemp(t)
	s.Add(Record{Interface: "np16u", Time: time.Now(), RxBytes: 5})
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	im, err := OpenImporter(context.Background(), s.Path())
	if !errors.Is(err, ErrInUse) {
		if im != nil {
			im.Close()
		}
		t.Fatalf("OpenImporter while open: %v, want ErrInUse", err)
	}
	im, err = OpenImporterCopy(context.Background(), s.Path(), t.TempDir())
	if !errors.Is(err, ErrInUse) {
		if im != nil {
			im.Close()
		}
		t.Fatalf("OpenImporterCopy while open: %v, want ErrInUse", err)
	}
	var n int
	if err := s.r.QueryRow("SELECT count(*) FROM imports").Scan(&n); err != nil || n != 0 {
		t.Errorf("imports: %d, %v", n, err)
	}
}

// A dry run plans against a copy: the database, here of an earlier
// version, is left byte for byte as it was (not migrated, so the
// Net-Pulse that made it still opens it).
func TestDryRunLeavesDatabaseAlone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "netpulse.db")
	db := oldDatabase(t, path, 2)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before := files(t, dir)
	ctx := context.Background()
	levels := history(time.UTC)
	for range 2 { // planned twice: the first left nothing behind
		im, err := OpenImporterCopy(ctx, path, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		rep, err := im.Import(ctx, "eth0", "test", levels)
		im.Close()
		if err != nil {
			t.Fatal(err)
		}
		if rep.Periods != 12+12+10+9+2 || rep.Repeated != 0 {
			t.Errorf("planned %+v", rep)
		}
	}
	if after := files(t, dir); !maps.Equal(after, before) {
		t.Errorf("the data folder changed: %v, before %v", after, before)
	}
}

// files maps each file in dir to its contents.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

// TestImportStraddledYears: vnStat with MonthRotate 15 and calendar years
// counts 1–14 January in the December month (15 December to 14 January)
// and in the new year. The month is placed at its start, so the old year
// holds more than its row says; the rest is the new year's, and counts
// against it: every byte once.
func TestImportStraddledYears(t *testing.T) {
	at := func(y int, m time.Month, d int) int64 { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() }
	months := []ImportPeriod{
		{Start: at(2024, 12, 15), End: at(2025, 1, 15), Rx: 100, Tx: 10}, // 50 of it on 1–14 January
		{Start: at(2025, 1, 15), End: at(2025, 2, 15), Rx: 80, Tx: 8},
	}
	years := func(straddled bool) []ImportPeriod {
		return []ImportPeriod{
			{Start: at(2024, 1, 1), End: at(2025, 1, 1), Rx: 50, Tx: 5, Straddled: straddled},
			{Start: at(2025, 1, 1), End: at(2026, 1, 1), Rx: 130, Tx: 13, Straddled: straddled},
		}
	}
	for _, tc := range []struct {
		name      string
		straddled bool
		rx, tx    uint64
	}{
		{"straddled", true, 180, 18},
		// Taken as nested, the old year's month looks like too much (the
		// year is taken as its 50), and the new year's 1–14 January count
		// a second time.
		{"taken as nested", false, 230, 23},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "netpulse.db")
			rep := importInto(t, path, "eth0", [][]ImportPeriod{nil, nil, nil, months, years(tc.straddled)})
			if rep.Rx != tc.rx || rep.Tx != tc.tx {
				t.Errorf("imported rx %d tx %d, want %d and %d", rep.Rx, rep.Tx, tc.rx, tc.tx)
			}
		})
	}
}
