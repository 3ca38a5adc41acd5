package desktop

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/app"
	"github.com/netpulse/netpulse/internal/units"
)

func TestTrayLevel(t *testing.T) {
	tests := []struct {
		bps  int64
		want int
	}{
		{0, 0}, {999, 0}, {1_000, 1}, {99_999, 1}, {100_000, 2},
		{1_000_000, 3}, {2_000_000, 3}, {10_000_000, 4}, {1 << 40, 4},
	}
	for _, tt := range tests {
		if got := trayLevel(tt.bps); got != tt.want {
			t.Errorf("trayLevel(%d) = %d, want %d", tt.bps, got, tt.want)
		}
	}
}

// TestTrayFormatCases runs the formatting cases the dashboard's unit tests
// (frontend/src/lib/units.test.js) run too, so the two cannot drift apart.
func TestTrayFormatCases(t *testing.T) {
	var cases struct {
		Bytes []struct {
			N      int64
			Prefix string
			Want   string
		}
		Rates []struct {
			Bps      int64
			RateUnit string `json:"rate_unit"`
			Prefix   string
			Want     string
		}
	}
	// From the module root, wherever in it this test lives.
	dir, err := os.Getwd()
	for err == nil {
		if _, statErr := os.Stat(filepath.Join(dir, "go.mod")); statErr == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = filepath.Dir(dir)
	}
	data, err := os.ReadFile(filepath.Join(dir, "testdata", "format-cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases.Bytes) == 0 || len(cases.Rates) == 0 {
		t.Fatal("no cases read")
	}
	for _, c := range cases.Bytes {
		if got := units.Bytes(c.N, c.Prefix); got != c.Want {
			t.Errorf("units.Bytes(%d, %q) = %q, want %q", c.N, c.Prefix, got, c.Want)
		}
	}
	for _, c := range cases.Rates {
		s := app.Settings{RateUnit: c.RateUnit, UnitPrefix: c.Prefix}
		if got := formatRate(c.Bps, s, false); got != c.Want {
			t.Errorf("formatRate(%d, %q, %q) = %q, want %q", c.Bps, c.RateUnit, c.Prefix, got, c.Want)
		}
	}
}

// The menu-bar title's short unit exists only in the tray.
func TestTrayFormatRateShort(t *testing.T) {
	s := app.Settings{RateUnit: "bits", UnitPrefix: "si"}
	if got, want := formatRate(1_562_500, s, true), "12.5 Mb/s"; got != want {
		t.Errorf("formatRate(short) = %q, want %q", got, want)
	}
}

func TestBuildTrayView(t *testing.T) {
	s := app.Settings{RateUnit: "bytes", UnitPrefix: "si"}
	eth := trayIface{Name: "eth0", RxBps: 2_000_000, TxBps: 50_000, TodayRx: 3_000_000_000, TodayTx: 12_000_000}
	wlan := trayIface{Name: "wlan0", RxBps: 500, TxBps: 0}

	t.Run("not started", func(t *testing.T) {
		v := buildTrayView(nil, false, s, nil)
		if v.Down != 0 || v.Up != 0 || !strings.Contains(v.Tooltip, "starting") {
			t.Errorf("got %+v", v)
		}
	})
	t.Run("nothing monitored", func(t *testing.T) {
		v := buildTrayView(nil, true, s, nil)
		if v.Tooltip != "Net-Pulse: no interface monitored" || len(v.Lines) != 1 {
			t.Errorf("got %+v", v)
		}
	})
	t.Run("one interface", func(t *testing.T) {
		v := buildTrayView([]trayIface{eth}, true, s, nil)
		want := trayView{
			Title:   "↓2.00 MB/s ↑50.0 kB/s",
			Tooltip: "Net-Pulse\neth0  ↓ 2.00 MB/s  ↑ 50.0 kB/s",
			Down:    3, Up: 1,
			Lines: []string{"eth0   ↓ 2.00 MB/s  ↑ 50.0 kB/s   today ↓ 3.00 GB  ↑ 12.0 MB"},
		}
		if v.Title != want.Title || v.Tooltip != want.Tooltip || v.Down != want.Down || v.Up != want.Up ||
			strings.Join(v.Lines, "|") != strings.Join(want.Lines, "|") {
			t.Errorf("got  %+v\nwant %+v", v, want)
		}
	})
	t.Run("two interfaces sum", func(t *testing.T) {
		v := buildTrayView([]trayIface{eth, wlan}, true, s, nil)
		if want := "Net-Pulse  ↓ 2.00 MB/s  ↑ 50.0 kB/s\neth0  ↓ 2.00 MB/s  ↑ 50.0 kB/s\nwlan0  ↓ 500 B/s  ↑ 0 B/s"; v.Tooltip != want {
			t.Errorf("tooltip %q, want %q", v.Tooltip, want)
		}
		if len(v.Lines) != 2 {
			t.Errorf("lines %q", v.Lines)
		}
	})
}

func TestTrayTooltipFits(t *testing.T) {
	var many []trayIface
	for _, n := range []string{"enp0s31f6", "wlp2s0", "docker0", "tailscale0", "wg0", "br-lan", "vEthernet (Default Switch)"} {
		many = append(many, trayIface{Name: n, RxBps: 123_456_789, TxBps: 98_765_432})
	}
	long := []trayIface{{Name: strings.Repeat("Ethernet-adapter-", 10), RxBps: 1}}
	for _, tt := range []struct {
		name   string
		ifaces []trayIface
		want   string
	}{
		{"many", many, "more"},
		{"long name", long, "…"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := buildTrayView(tt.ifaces, true, app.Settings{}, nil)
			if n := utf16Len(v.Tooltip); n > trayTooltipMax {
				t.Errorf("tooltip is %d UTF-16 units: %q", n, v.Tooltip)
			}
			if !strings.Contains(v.Tooltip, tt.want) {
				t.Errorf("tooltip %q lacks %q", v.Tooltip, tt.want)
			}
		})
	}
}

func TestTrayLinesCapped(t *testing.T) {
	ifaces := make([]trayIface, 12)
	for i := range ifaces {
		ifaces[i].Name = "veth" + strings.Repeat("x", i)
	}
	v := buildTrayView(ifaces, true, app.Settings{}, nil)
	if len(v.Lines) != trayMaxLines || v.Lines[trayMaxLines-1] != "+5 more interfaces" {
		t.Errorf("lines %q", v.Lines)
	}
}

func TestFitUTF16(t *testing.T) {
	if got := fitUTF16("abc", 3); got != "abc" {
		t.Errorf("got %q", got)
	}
	if got := fitUTF16("abcdef", 4); got != "abc…" {
		t.Errorf("got %q", got)
	}
	if got := fitUTF16("a😀b", 3); got != "a…" { // the emoji takes two units
		t.Errorf("got %q", got)
	}
}

func TestTodayRequest(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04:05.000", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name   string
		now    time.Time
		want   app.TrafficRequest
		wantOK bool
	}{
		{"afternoon", at("2026-03-10 14:30:05.700"), app.TrafficRequest{Window: "52205", Group: "1d", End: "2026-03-10T14:30:05+01:00"}, true},
		{"just after midnight", at("2026-03-10 00:00:01.500"), app.TrafficRequest{Window: "1", Group: "1d", End: "2026-03-10T00:00:01+01:00"}, true},
		{"nothing yet", at("2026-03-10 00:00:00.300"), app.TrafficRequest{}, false},
		// 29 March 2026: clocks go from 02:00 to 03:00, so 04:00 is 3 h in.
		{"dst day", at("2026-03-29 04:00:00.000"), app.TrafficRequest{Window: "10800", Group: "1d", End: "2026-03-29T04:00:00+02:00"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := todayRequest(tt.now)
			if ok != tt.wantOK || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("todayRequest = %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestTrayIfaces(t *testing.T) {
	sample := app.LiveSample{Interfaces: []app.LiveRate{
		{Interface: "eth0", RxBps: 10, TxBps: 20},
		{Interface: "wlan0", RxBps: 30, TxBps: 40},
	}}
	today := map[string][2]int64{"eth0": {100, 200}}
	aliases := map[string]string{"wlan0": "Wi-Fi", "jellyfin/eth0": "Media"}
	got := trayIfaces([]string{"wlan0", "eth0", "usb0"}, aliases, sample, today)
	want := []trayIface{
		{Name: "Wi-Fi", RxBps: 30, TxBps: 40}, // by its alias
		{Name: "eth0", RxBps: 10, TxBps: 20, TodayRx: 100, TodayTx: 200},
		{Name: "usb0"}, // monitored, not in this sample
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("trayIfaces = %+v, want %+v", got, want)
	}
}
