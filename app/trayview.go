package app

// What the tray shows, as pure functions of the latest sample, today's totals
// and the display settings. It has no systray import, so it is tested on every
// OS and links into the headless build at no cost.

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// trayTooltipMax is the longest tooltip in UTF-16 units: Windows keeps it in
// NOTIFYICONDATA.szTip[128], and a 128th unit would push out the NUL.
const trayTooltipMax = 127

// trayMaxLines is how many interfaces the tray menu lists; the last line
// summarises the rest.
const trayMaxLines = 8

// trayLevelFloors are the bytes-per-second rates at which icon levels 1..4
// start. Below 1 kB/s (ARP, mDNS, keep-alives) the icon reads as idle.
var trayLevelFloors = [...]int64{1_000, 100_000, 1_000_000, 10_000_000}

// trayLevel maps a rate in bytes per second to an icon level, 0 (idle) to
// len(trayLevelFloors).
func trayLevel(bps int64) int {
	l := 0
	for l < len(trayLevelFloors) && bps >= trayLevelFloors[l] {
		l++
	}
	return l
}

// trayIface is one monitored interface as the tray sees it.
type trayIface struct {
	Name             string
	RxBps, TxBps     int64
	TodayRx, TodayTx int64
}

// trayIfaces lists the monitored interfaces, by alias where they have one,
// with their rates in sample and today's totals. An interface the sample
// lacks (its first poll, or absent now) shows zero rather than disappearing.
func trayIfaces(monitored []string, aliases map[string]string, sample LiveSample, today map[string][2]int64) []trayIface {
	rates := make(map[string]LiveRate, len(sample.Interfaces))
	for _, r := range sample.Interfaces {
		rates[r.Interface] = r
	}
	out := make([]trayIface, 0, len(monitored))
	for _, name := range monitored {
		r, tot := rates[name], today[name]
		out = append(out, trayIface{Name: displayName(name, aliases), RxBps: r.RxBps, TxBps: r.TxBps, TodayRx: tot[0], TodayTx: tot[1]})
	}
	return out
}

// trayView is everything the tray displays for one update.
type trayView struct {
	Title     string   // next to the icon where the OS shows it (macOS)
	Tooltip   string   // at most trayTooltipMax UTF-16 units
	Down, Up  int      // icon levels
	Lines     []string // menu lines, one per interface
	PlanLines []string // menu lines, one per data plan
	Alert     bool     // a data plan is past its first threshold
}

// buildTrayView renders ifaces and plans with the user's units. started is
// false until the first sample arrives.
func buildTrayView(ifaces []trayIface, started bool, s Settings, plans []trayPlan) trayView {
	v, plansTip := trayPlansView(plans, s.UnitPrefix)
	if !started {
		v.Tooltip, v.Lines = "Net-Pulse: starting…"+plansTip, []string{"Waiting for the first sample…"}
		return v
	}
	if len(ifaces) == 0 {
		v.Tooltip, v.Lines = "Net-Pulse: no interface monitored"+plansTip, []string{"No interface monitored"}
		return v
	}
	var rx, tx int64
	for _, i := range ifaces {
		rx += i.RxBps
		tx += i.TxBps
	}
	v.Title = "↓" + formatRate(rx, s, true) + " ↑" + formatRate(tx, s, true)
	v.Down, v.Up = trayLevel(rx), trayLevel(tx)
	for n, i := range ifaces {
		if n == trayMaxLines-1 && len(ifaces) > trayMaxLines {
			v.Lines = append(v.Lines, fmt.Sprintf("+%d more interfaces", len(ifaces)-n))
			break
		}
		v.Lines = append(v.Lines, fmt.Sprintf("%s   ↓ %s  ↑ %s   today ↓ %s  ↑ %s",
			i.Name, formatRate(i.RxBps, s, false), formatRate(i.TxBps, s, false),
			formatBytes(i.TodayRx, s.UnitPrefix), formatBytes(i.TodayTx, s.UnitPrefix)))
	}
	v.Tooltip = trayTooltip(ifaces, rx, tx, s, trayTooltipMax-utf16Len(plansTip)) + plansTip
	return v
}

// trayTooltip lists the total (when there is more than one interface) and as
// many interfaces as fit in limit UTF-16 units, then "+N more".
func trayTooltip(ifaces []trayIface, rx, tx int64, s Settings, limit int) string {
	rates := func(rx, tx int64) string {
		return "↓ " + formatRate(rx, s, false) + "  ↑ " + formatRate(tx, s, false)
	}
	out := "Net-Pulse"
	if len(ifaces) > 1 {
		out += "  " + rates(rx, tx)
	}
	for n, i := range ifaces {
		line := "\n" + i.Name + "  " + rates(i.RxBps, i.TxBps)
		tail := ""
		if rest := len(ifaces) - n - 1; rest > 0 {
			tail = fmt.Sprintf("\n+%d more", rest)
		}
		switch {
		case utf16Len(out+line+tail) <= limit:
			out += line
		case n == 0: // a very long name: shorten the line rather than show none
			out += fitUTF16(line, limit-utf16Len(out+tail))
		default: // the previous round checked that this tail fits
			return out + fmt.Sprintf("\n+%d more", len(ifaces)-n)
		}
	}
	return out
}

// todayRequest asks for the traffic since local midnight as one calendar-day
// bucket, which the storage aligns to local midnight and answers from its
// coarsest tier. ok is false in the first second of the day.
func todayRequest(now time.Time) (req TrafficRequest, ok bool) {
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	end := now.Truncate(time.Second)
	secs := int64(end.Sub(midnight) / time.Second)
	if secs < 1 {
		return TrafficRequest{}, false
	}
	return TrafficRequest{Window: strconv.FormatInt(secs, 10), Group: "1d", End: end.Format(time.RFC3339)}, true
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// fitUTF16 cuts s to at most max UTF-16 units, ending in "…" when cut.
func fitUTF16(s string, max int) string {
	if utf16Len(s) <= max {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n+utf16.RuneLen(r) > max-1 {
			break
		}
		b.WriteRune(r)
		n += utf16.RuneLen(r)
	}
	return b.String() + "…"
}

// unitSystem is a prefix system: SI (1000) or IEC (1024).
type unitSystem struct {
	base     float64
	prefixes []string
}

var (
	siUnits  = unitSystem{1000, []string{"", "k", "M", "G", "T", "P", "E"}}
	iecUnits = unitSystem{1024, []string{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}}
)

func unitsFor(prefix string) unitSystem {
	if prefix == "iec" {
		return iecUnits
	}
	return siUnits
}

// formatRate renders bytes per second in the user's unit the way the
// dashboard does (frontend/src/lib/units.js): "12.5 Mbit/s", "1.56 MB/s".
// short drops the unit's tail for the menu-bar title: "12.5 Mb/s".
func formatRate(bps int64, s Settings, short bool) string {
	v, unit := float64(bps)*8, "bit/s"
	if short {
		unit = "b/s"
	}
	if s.RateUnit == "bytes" {
		v, unit = float64(bps), "B/s"
	}
	return formatUnits(v, unitsFor(s.UnitPrefix), unit)
}

// formatBytes renders a byte count: "0 B", "1.50 MB", "2.00 GiB".
func formatBytes(n int64, prefix string) string {
	return formatUnits(float64(n), unitsFor(prefix), "B")
}

func formatUnits(v float64, u unitSystem, unit string) string {
	i := 0
	for math.Abs(v) >= u.base && i < len(u.prefixes)-1 {
		v /= u.base
		i++
	}
	d := unitDecimals(v, i)
	// Rounding can reach the base ("1000 kB"); move up a prefix instead. IEC
	// keeps four digits below 1024 ("1010 KiB"), as the dashboard does.
	if math.Abs(roundedTo(v, d)) >= u.base && i < len(u.prefixes)-1 {
		v /= u.base
		i++
		d = unitDecimals(v, i)
	}
	return fixedHalfUp(v, d) + " " + u.prefixes[i] + unit
}

// unitDecimals keeps three significant digits, counted after rounding (9.995
// kB shows as "10.0 kB"); values in the base unit are whole unless they are a
// small fraction.
func unitDecimals(v float64, index int) int {
	decimals := func(a float64) int {
		switch {
		case index == 0 && a > 0 && a < 10 && a != math.Trunc(a):
			return 1
		case index == 0 || a >= 100:
			return 0
		case a >= 10:
			return 1
		}
		return 2
	}
	d := decimals(math.Abs(v))
	if index > 0 {
		d = decimals(math.Abs(roundedTo(v, d)))
	}
	return d
}

// fixedHalfUp renders v with d decimals as the dashboard's Intl.NumberFormat
// does: its shortest decimal form rounded half away from zero, so 1.005 gives
// "1.01" where %.2f, rounding the binary value, gives "1.00".
func fixedHalfUp(v float64, d int) string {
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(v, 'g', -1, 64))
	return r.FloatString(d)
}

func roundedTo(v float64, d int) float64 {
	f, _ := strconv.ParseFloat(fixedHalfUp(v, d), 64)
	return f
}
