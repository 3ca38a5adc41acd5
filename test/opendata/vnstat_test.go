package opendata

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netpulse/netpulse/test/harness"
)

// zone is where vnstatd, the import and the queries run: vnStat writes
// local times, and a zone with DST tests more than UTC.
const zone = "Europe/Berlin"

// vnTraffic is a period of `vnstat --json`.
type vnTraffic struct {
	Date struct{ Year, Month, Day int } `json:"date"`
	Rx   uint64                         `json:"rx"`
	Tx   uint64                         `json:"tx"`
}

// vnJSON is what `vnstat --json` says about one interface.
func vnJSON(t *testing.T, conf, iface string) (days, months, years []vnTraffic) {
	t.Helper()
	out := must(t, []string{"TZ=" + zone}, "vnstat", "--config", conf, "--json", "a", "0", "-i", iface)
	var v struct {
		Interfaces []struct {
			Traffic struct {
				Day   []vnTraffic `json:"day"`
				Month []vnTraffic `json:"month"`
				Year  []vnTraffic `json:"year"`
			} `json:"traffic"`
		} `json:"interfaces"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.Interfaces) != 1 {
		t.Fatalf("vnstat --json: %v: %.300s", err, out)
	}
	tr := v.Interfaces[0].Traffic
	return tr.Day, tr.Month, tr.Year
}

// recordVnStat runs the real vnstatd, its months beginning on day rotate,
// on the pair's host end while traffic crosses it, and returns its config
// file and database.
func recordVnStat(t *testing.T, dir, iface string, rotate int, traffic func()) (conf, db string) {
	t.Helper()
	if _, err := exec.LookPath("vnstatd"); err != nil {
		t.Fatal("vnstatd is missing; make deps installs Debian's vnstat")
	}
	conf = filepath.Join(dir, "vnstat.conf")
	settings := fmt.Sprintf("DatabaseDir %q\nUseLogging 0\nUpdateInterval 2\nPollInterval 2\nSaveInterval 1\nAlwaysAddNewInterfaces 0\nMonthRotate %d\n", dir, rotate)
	if err := os.WriteFile(conf, []byte(settings), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"TZ=" + zone}
	must(t, env, "vnstatd", "--config", conf, "--initdb")
	must(t, env, "vnstat", "--config", conf, "--add", "-i", iface)
	d := exec.Command("vnstatd", "--nodaemon", "--config", conf)
	d.Env = append(os.Environ(), env...)
	log := &harness.Log{}
	d.Stdout, d.Stderr = log, log
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // its first reading of the counters
	traffic()
	time.Sleep(5 * time.Second)       // two updates: it counts at each
	d.Process.Signal(syscall.SIGTERM) // it writes what it counted as it stops
	if err := d.Wait(); err != nil {
		t.Fatalf("vnstatd: %v\n%s", err, log.String())
	}
	return conf, filepath.Join(dir, "vnstat.db")
}

// addHistory adds older days, months and years to vnStat's tables, as a
// vnStat that ran for years with its months beginning on day rotate would
// have them: every day counted in its month and year, and the months and
// years holding more than the days and months still kept.
func addHistory(t *testing.T, db string, loc *time.Location, rotate int) {
	t.Helper()
	conn, err := harness.OpenDB(db, "")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	add := func(table, date string, rx, tx uint64) {
		_, err := conn.Exec("INSERT INTO "+table+" (interface, date, rx, tx) VALUES (1, ?, ?, ?) "+
			"ON CONFLICT (interface, date) DO UPDATE SET rx = rx + excluded.rx, tx = tx + excluded.tx", date, rx, tx)
		if err != nil {
			t.Fatal(err)
		}
	}
	// The month row a day counts in, dated as vnStat dates it: the first
	// of the calendar month its month begins in.
	monthOf := func(d time.Time) string { return d.AddDate(0, 0, -(rotate - 1)).Format("2006-01") }
	now := time.Now().In(loc)
	months, days := map[string]bool{}, map[string]bool{}
	for k := 3; k <= 45; k++ {
		d := now.AddDate(0, 0, -k)
		rx, tx := uint64(1_000_000*k+k), uint64(700_000*k)
		add("day", d.Format("2006-01-02"), rx, tx)
		add("month", monthOf(d)+"-01", rx, tx)
		add("year", d.Format("2006")+"-01-01", rx, tx)
		months[monthOf(d)] = true
		days[d.Format("2006-01-02")] = true
	}
	for m := range months {
		// Traffic of days vnStat no longer keeps, in the months that miss
		// some (a month whose days are all kept equals their sum). It
		// happened on the month's first day, so it counts in that year.
		first := m + fmt.Sprintf("-%02d", rotate)
		if !days[first] || m == monthOf(now) {
			add("month", m+"-01", 12345, 678)
			add("year", m[:4]+"-01-01", 12345, 678)
		}
	}
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	for k := 3; k <= 26; k++ {
		m := first.AddDate(0, -k, 0)
		if months[m.Format("2006-01")] {
			continue
		}
		rx, tx := uint64(500_000_000+k), uint64(200_000_000+k)
		add("month", m.Format("2006-01-02"), rx, tx)
		add("year", m.Format("2006")+"-01-01", rx, tx)
	}
	add("year", fmt.Sprintf("%d-01-01", now.Year()-3), 9_000_000_000, 4_000_000_000)
}

// TestImportVnStatDatabase imports what the real vnstatd recorded, with
// years of history added, and checks every day, month and year against
// `vnstat --json`; then a second run, a running server's data folder and
// files that are not vnStat's.
func TestImportVnStatDatabase(t *testing.T) {
	harness.NeedSystem(t)
	importVnStat(t, "np16v", 1, true)
}

// TestImportVnStatRotatedMonths: with vnStat's months beginning on the
// 15th (MonthRotate), read from its configuration, each month equals
// Net-Pulse's days from its 15th to the next 15th: read as calendar
// months, half a month's days would be counted twice.
func TestImportVnStatRotatedMonths(t *testing.T) {
	harness.NeedSystem(t)
	importVnStat(t, "np16m", 15, false)
}

func importVnStat(t *testing.T, pair string, rotate int, refusals bool) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	p := harness.QuietPair(t, pair)
	dir := t.TempDir()
	conf, vdb := recordVnStat(t, dir, p.Host, rotate, func() { harness.Send(t, p, 3_000_000, 1_000_000) })
	addHistory(t, vdb, loc, rotate)
	days, months, years := vnJSON(t, conf, p.Host)
	if len(days) < 40 || len(months) < 20 || len(years) < 3 {
		t.Fatalf("vnStat's history is too short: %d days, %d months, %d years", len(days), len(months), len(years))
	}
	today := days[len(days)-1]
	if now := time.Now().In(loc); today.Date.Day != now.Day() || today.Rx < 3_000_000 || today.Tx < 1_000_000 {
		t.Fatalf("vnstatd did not count today's traffic: %+v", today)
	}

	dataDir := filepath.Join(dir, "netpulse")
	npdb := filepath.Join(dataDir, "netpulse.db")
	env := []string{"TZ=" + zone}
	importArgs := []string{"import-vnstat", "--data-dir", dataDir, "--vnstat-config", conf, vdb}

	out := must(t, env, bin, "import-vnstat", "--data-dir", dataDir, "--vnstat-config", conf, "--dry-run", vdb)
	if !strings.Contains(out, p.Host+": would import") || !strings.Contains(out, "traffic_1h") || fileHash(t, npdb) != "absent" {
		t.Fatalf("dry run:\n%s\n(database %s)", out, fileHash(t, npdb))
	}
	out = must(t, env, bin, importArgs...)
	t.Logf("import:\n%s", out)

	s := harness.Start(t, bin, harness.Options{DataDir: dataDir, Env: env})
	got := importedDays(t, s, p.Host, loc, years[0].Date.Year)
	expectPeriods(t, "day", days, got, func(v vnTraffic) (time.Time, time.Time) {
		d := time.Date(v.Date.Year, time.Month(v.Date.Month), v.Date.Day, 0, 0, 0, 0, loc)
		return d, d.AddDate(0, 0, 1)
	})
	if rotate > 1 && !strings.Contains(out, fmt.Sprintf("vnStat's months begin on day %d", rotate)) {
		t.Errorf("the import does not say it read MonthRotate %d:\n%s", rotate, out)
	}
	expectPeriods(t, "month", months, got, func(v vnTraffic) (time.Time, time.Time) {
		m := time.Date(v.Date.Year, time.Month(v.Date.Month), rotate, 0, 0, 0, 0, loc)
		return m, m.AddDate(0, 1, 0)
	})
	expectPeriods(t, "year", years, got, func(v vnTraffic) (time.Time, time.Time) {
		y := time.Date(v.Date.Year, 1, 1, 0, 0, 0, 0, loc)
		return y, y.AddDate(1, 0, 0)
	})

	if !refusals {
		s.Stop()
		return
	}

	// A running server's data dir is refused, and nothing changes.
	out, code := run(t, env, bin, importArgs...)
	if code != 1 || !strings.Contains(out, "in use") {
		t.Errorf("import into a running server's data dir: exit %d:\n%s", code, out)
	}
	if again := importedDays(t, s, p.Host, loc, years[0].Date.Year); fmt.Sprint(again) != fmt.Sprint(got) {
		t.Error("the refused import changed the history")
	}
	s.Stop()

	// A second run imports nothing and writes nothing.
	before := fileHash(t, npdb)
	out = must(t, env, bin, importArgs...)
	if !strings.Contains(out, p.Host+": nothing to import") || !strings.Contains(out, "imported before") {
		t.Errorf("second import:\n%s", out)
	}
	if after := fileHash(t, npdb); after != before {
		t.Error("the second import changed the database")
	}

	legacyFile := make([]byte, 2048)
	binary.LittleEndian.PutUint32(legacyFile, 3)
	copy(legacyFile[4:], p.Host)
	other := map[string][]byte{"legacy": legacyFile, "notes.txt": []byte("not a database\n")}
	for _, tc := range []struct{ name, path, msg string }{
		{"vnStat 1.x file", filepath.Join(dir, "legacy"), "vnStat 1.x database"},
		{"text file", filepath.Join(dir, "notes.txt"), "not a vnStat database"},
		{"Net-Pulse database", npdb, "is a Net-Pulse database"},
		{"missing file", filepath.Join(dir, "none.db"), "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if b, ok := other[filepath.Base(tc.path)]; ok {
				if err := os.WriteFile(tc.path, b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			out, code := run(t, env, bin, "import-vnstat", "--data-dir", dataDir, tc.path)
			if code != 1 || !strings.Contains(out, tc.msg) {
				t.Errorf("exit %d, want 1 and %q:\n%s", code, tc.msg, out)
			}
			if after := fileHash(t, npdb); after != before {
				t.Error("the database changed")
			}
		})
	}
}

// dayPoint is one day of /api/traffic.
type dayPoint struct {
	rx, tx   uint64
	imported bool
}

// importedDays asks for every local day from the start of year first to
// tomorrow.
func importedDays(t *testing.T, s *harness.Server, iface string, loc *time.Location, first int) map[int64]dayPoint {
	t.Helper()
	now := time.Now().In(loc)
	end := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, loc)
	n := int(end.Sub(time.Date(first, 1, 1, 0, 0, 0, 0, loc)).Hours()/24) + 2
	var tr struct {
		Series []struct {
			Points []struct {
				T        int64  `json:"t"`
				Rx       uint64 `json:"rx_bytes"`
				Tx       uint64 `json:"tx_bytes"`
				Imported bool   `json:"imported"`
			} `json:"points"`
		} `json:"series"`
	}
	q := fmt.Sprintf("/api/traffic?window=%dd&group=1d&tz=%s&interface=%s&end=%s", n, zone, iface, url.QueryEscape(end.Format(time.RFC3339)))
	if code := s.GetJSON(q, &tr); code != 200 || len(tr.Series) != 1 {
		t.Fatalf("%s: status %d", q, code)
	}
	out := map[int64]dayPoint{}
	for _, p := range tr.Series[0].Points {
		out[p.T] = dayPoint{p.Rx, p.Tx, p.Imported}
	}
	return out
}

// expectPeriods checks that Net-Pulse's days inside each of vnStat's
// periods add up to it, and are marked imported.
func expectPeriods(t *testing.T, kind string, want []vnTraffic, got map[int64]dayPoint, span func(vnTraffic) (time.Time, time.Time)) {
	t.Helper()
	for _, v := range want {
		from, to := span(v)
		var rx, tx uint64
		for d, p := range got {
			if d >= from.Unix() && d < to.Unix() {
				rx, tx = rx+p.rx, tx+p.tx
				if !p.imported {
					t.Errorf("%s %s: day %d not marked imported", kind, from.Format("2006-01-02"), d)
				}
			}
		}
		if rx != v.Rx || tx != v.Tx {
			t.Errorf("%s %s: Net-Pulse rx %d tx %d, vnStat rx %d tx %d", kind, from.Format("2006-01-02"), rx, tx, v.Rx, v.Tx)
		}
	}
	t.Logf("%d %ss equal vnStat's", len(want), kind)
}
