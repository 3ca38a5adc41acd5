package desktop

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/netpulse/netpulse/app"
)

func TestTrayPlanLine(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	dec15 := time.Date(2026, 12, 15, 0, 0, 0, 0, berlin)
	for _, tt := range []struct {
		name   string
		plan   trayPlan
		prefix string
		want   string
	}{
		{"capped", trayPlan{Name: "Home", Used: 412e9, Cap: 500e9, Percent: 82.4, CycleEnd: dec15}, "si",
			"Home: 412 GB of 500 GB (82 %) · resets 15 Dec"},
		{"percent rounds down", trayPlan{Name: "Home", Used: 499_999e6, Cap: 500e9, Percent: 99.9998, CycleEnd: dec15}, "si",
			"Home: 500 GB of 500 GB (99 %) · resets 15 Dec"},
		{"under one percent", trayPlan{Name: "M", Used: 2e9, Cap: 500e9, Percent: 0.4, CycleEnd: dec15}, "si",
			"M: 2.00 GB of 500 GB (0.4 %) · resets 15 Dec"},
		{"past the cap", trayPlan{Name: "M", Used: 600e9, Cap: 500e9, Percent: 120, CycleEnd: dec15}, "si",
			"M: 600 GB of 500 GB (120 %) · resets 15 Dec"},
		{"no cap", trayPlan{Name: "Lab", Used: 3 << 30, CycleEnd: dec15}, "iec",
			"Lab: 3.00 GiB this cycle · resets 15 Dec"},
		{"IEC", trayPlan{Name: "H", Used: 1 << 40, Cap: 2 << 40, Percent: 50, CycleEnd: dec15}, "iec",
			"H: 1.00 TiB of 2.00 TiB (50 %) · resets 15 Dec"},
		{"date in the plan's zone", trayPlan{Name: "H", Used: 0, Cap: 1e9, CycleEnd: time.Date(2026, 12, 14, 23, 30, 0, 0, time.UTC).In(berlin)}, "si",
			"H: 0 B of 1.00 GB (0 %) · resets 15 Dec"},
		{"no cycle end", trayPlan{Name: "H", Used: 5}, "si", "H: 5 B this cycle"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := trayPlanLine(tt.plan, tt.prefix); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestTrayViewWithPlans(t *testing.T) {
	end := time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)
	home := trayPlan{Name: "Home", Used: 412e9, Cap: 500e9, Percent: 82.4, CycleEnd: end, Alert: true}
	lab := trayPlan{Name: "Lab", Used: 1e9, CycleEnd: end}
	eth := trayIface{Name: "eth0", RxBps: 2_000_000, TxBps: 50_000}
	wifi := trayIface{Name: "wlp2s0", RxBps: 1_000_000, TxBps: 150_000}
	usb := trayIface{Name: "enx00e04c680001", RxBps: 1_234_567, TxBps: 456_789}
	office := trayPlan{Name: "Home and office", Used: 412e9, Cap: 500e9, Percent: 82.4, CycleEnd: end, Alert: true}
	s := app.Settings{RateUnit: "bytes", UnitPrefix: "si"}
	for _, tt := range []struct {
		name      string
		ifaces    []trayIface
		started   bool
		plans     []trayPlan
		planLines []string
		tooltip   string
		alert     bool
	}{
		{"no plans", []trayIface{eth}, true, nil, nil,
			"Net-Pulse\neth0  ↓ 2.00 MB/s  ↑ 50.0 kB/s", false},
		{"a plan past its first threshold", []trayIface{eth}, true, []trayPlan{home},
			[]string{"Home: 412 GB of 500 GB (82 %) · resets 15 Dec"},
			"Net-Pulse\neth0  ↓ 2.00 MB/s  ↑ 50.0 kB/s\nHome: 412 GB of 500 GB (82 %) · resets 15 Dec", true},
		{"a plan under its thresholds", []trayIface{eth}, true, []trayPlan{lab},
			[]string{"Lab: 1.00 GB this cycle · resets 15 Dec"},
			"Net-Pulse\neth0  ↓ 2.00 MB/s  ↑ 50.0 kB/s\nLab: 1.00 GB this cycle · resets 15 Dec", false},
		{"before the first sample", nil, false, []trayPlan{lab},
			[]string{"Lab: 1.00 GB this cycle · resets 15 Dec"},
			"Net-Pulse: starting…\nLab: 1.00 GB this cycle · resets 15 Dec", false},
		{"nothing monitored", nil, true, []trayPlan{home},
			[]string{"Home: 412 GB of 500 GB (82 %) · resets 15 Dec"},
			"Net-Pulse: no interface monitored\nHome: 412 GB of 500 GB (82 %) · resets 15 Dec", true},
		// Rates are never cut: the first interface's name is shortened, or,
		// where that leaves too little of it, the names of the total stand.
		{"two interfaces and a plan", []trayIface{eth, wifi}, true, []trayPlan{home},
			[]string{"Home: 412 GB of 500 GB (82 %) · resets 15 Dec"},
			"Net-Pulse  ↓ 3.00 MB/s  ↑ 200 kB/s\neth0  ↓ 2.00 MB/s  ↑ 50.0 kB/s\n+1 more\nHome: 412 GB of 500 GB (82 %) · resets 15 Dec", true},
		{"a long name, another interface and a plan", []trayIface{usb, wifi}, true, []trayPlan{home},
			[]string{"Home: 412 GB of 500 GB (82 %) · resets 15 Dec"},
			"Net-Pulse  ↓ 2.23 MB/s  ↑ 607 kB/s\nenx00e04c680…  ↓ 1.23 MB/s  ↑ 457 kB/s\n+1 more\nHome: 412 GB of 500 GB (82 %) · resets 15 Dec", true},
		{"a long name, another interface and a long plan line", []trayIface{usb, wifi}, true, []trayPlan{office},
			[]string{"Home and office: 412 GB of 500 GB (82 %) · resets 15 Dec"},
			"Net-Pulse  ↓ 2.23 MB/s  ↑ 607 kB/s\nenx00e04c680001, wlp2s0\nHome and office: 412 GB of 500 GB (82 %) · resets 15 Dec", true},
		{"two plans: the second does not fit the tooltip", []trayIface{eth}, true, []trayPlan{lab, home},
			[]string{"Lab: 1.00 GB this cycle · resets 15 Dec", "Home: 412 GB of 500 GB (82 %) · resets 15 Dec"},
			"Net-Pulse\neth0  ↓ 2.00 MB/s  ↑ 50.0 kB/s\nLab: 1.00 GB this cycle · resets 15 Dec\n+1 more plan", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := buildTrayView(tt.ifaces, tt.started, s, tt.plans)
			if strings.Join(v.PlanLines, "|") != strings.Join(tt.planLines, "|") {
				t.Errorf("plan lines %q, want %q", v.PlanLines, tt.planLines)
			}
			if v.Tooltip != tt.tooltip {
				t.Errorf("tooltip %q\nwant    %q", v.Tooltip, tt.tooltip)
			}
			if v.Alert != tt.alert {
				t.Errorf("alert %v, want %v", v.Alert, tt.alert)
			}
			if n := utf16Len(v.Tooltip); n > trayTooltipMax {
				t.Errorf("tooltip is %d UTF-16 units", n)
			}
		})
	}
}

func TestTrayPlansCappedAndFit(t *testing.T) {
	var plans []trayPlan
	for i := range 7 {
		plans = append(plans, trayPlan{Name: strings.Repeat("Plan with a long name ", i+1), Used: 1e9, Cap: 1e10, Percent: 10})
	}
	plans[6].Alert = true
	many := make([]trayIface, 9)
	for i := range many {
		many[i] = trayIface{Name: "enp0s31f6-" + strings.Repeat("x", i), RxBps: 123_456_789}
	}
	v := buildTrayView(many, true, app.Settings{}, plans)
	if len(v.PlanLines) != trayMaxPlans || v.PlanLines[trayMaxPlans-1] != "+4 more plans" {
		t.Errorf("plan lines %q", v.PlanLines)
	}
	if !v.Alert {
		t.Error("a plan past the menu's cap still sets the alert")
	}
	if n := utf16Len(v.Tooltip); n > trayTooltipMax {
		t.Errorf("tooltip is %d UTF-16 units: %q", n, v.Tooltip)
	}
	if !strings.Contains(v.Tooltip, "enp0s31f6") || !strings.Contains(v.Tooltip, "more plans") {
		t.Errorf("tooltip %q lacks an interface or the plans' tail", v.Tooltip)
	}
}

func TestFormatPercent(t *testing.T) {
	for in, want := range map[float64]string{0: "0 %", 0.015: "< 0.1 %", 0.42: "0.4 %", 0.99: "0.9 %", 82.99: "82 %", 100: "100 %", 1000: "1000 %"} {
		if got := formatPercent(in); got != want {
			t.Errorf("formatPercent(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestTrayPlansFrom(t *testing.T) {
	// 15 Dec 2026 00:00 in Berlin is 14 Dec 23:00 UTC.
	const dec15 = 1797289200
	for _, tt := range []struct {
		name  string
		json  string
		want  []string // trayPlanLine of each, SI
		alert []bool
	}{
		{"under the first threshold",
			`[{"name":"Home","cap_bytes":500000000000,"tz":"Europe/Berlin","thresholds":[80,100],
			   "usage":{"used_bytes":100000000000,"percent":20,"cycle_end":1797289200,"thresholds_reached":[]}}]`,
			[]string{"Home: 100 GB of 500 GB (20 %) · resets 15 Dec"}, []bool{false}},
		{"reached",
			`[{"name":"Home","cap_bytes":500000000000,"tz":"Europe/Berlin","thresholds":[80,100],
			   "usage":{"used_bytes":412000000000,"percent":82.4,"cycle_end":1797289200,"thresholds_reached":[80]}}]`,
			[]string{"Home: 412 GB of 500 GB (82 %) · resets 15 Dec"}, []bool{true}},
		{"past the first threshold before the alert was recorded",
			`[{"name":"Home","cap_bytes":1000,"thresholds":[50],"usage":{"used_bytes":600,"percent":60,"cycle_end":0}}]`,
			[]string{"Home: 600 B of 1.00 kB (60 %)"}, []bool{true}},
		{"no cap, percent null",
			`[{"name":"Lab","cap_bytes":0,"tz":"UTC","thresholds":[80],
			   "usage":{"used_bytes":3000000000,"percent":null,"cycle_end":1797289200}}]`,
			[]string{"Lab: 3.00 GB this cycle · resets 14 Dec"}, []bool{false}},
		{"no plans", `[]`, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// The plans as the API gives them, so the test holds to the contract.
			var in []app.Plan
			if err := json.Unmarshal([]byte(tt.json), &in); err != nil {
				t.Fatal(err)
			}
			plans := trayPlansFrom(in)
			if len(plans) != len(tt.want) {
				t.Fatalf("%d plans, want %d", len(plans), len(tt.want))
			}
			for i, p := range plans {
				if got := trayPlanLine(p, "si"); got != tt.want[i] {
					t.Errorf("line %q, want %q", got, tt.want[i])
				}
				if p.Alert != tt.alert[i] {
					t.Errorf("alert %v, want %v", p.Alert, tt.alert[i])
				}
			}
		})
	}
	if got := trayPlansFrom([]app.Plan{{Name: "New", CapBytes: 10, Thresholds: []int{50}}}); trayPlanLine(got[0], "si") != "New: 0 B of 10 B (0 %)" || got[0].Alert {
		t.Errorf("a plan without usage yet: %+v", got[0])
	}
}
