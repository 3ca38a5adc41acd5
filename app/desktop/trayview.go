package desktop

// What the tray shows, as pure functions of the latest sample, today's totals
// and the display settings. It has no systray import, so it is tested on every
// OS and links into the headless build at no cost.

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/netpulse/netpulse/internal/units"

	"github.com/netpulse/netpulse/app"
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
func trayIfaces(monitored []string, aliases map[string]string, sample app.LiveSample, today map[string][2]int64) []trayIface {
	rates := make(map[string]app.LiveRate, len(sample.Interfaces))
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

// displayName is a name's alias, or the name when it has none.
func displayName(name string, aliases map[string]string) string {
	if a := aliases[name]; a != "" {
		return a
	}
	return name
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
func buildTrayView(ifaces []trayIface, started bool, s app.Settings, plans []trayPlan) trayView {
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
			units.Bytes(i.TodayRx, s.UnitPrefix), units.Bytes(i.TodayTx, s.UnitPrefix)))
	}
	v.Tooltip = trayTooltip(ifaces, rx, tx, s, trayTooltipMax-utf16Len(plansTip)) + plansTip
	return v
}

// trayTooltip lists the total (when there is more than one interface) and as
// many interfaces as fit in limit UTF-16 units, then "+N more".
func trayTooltip(ifaces []trayIface, rx, tx int64, s app.Settings, limit int) string {
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
		case n == 0:
			first, all := firstTooltipLine(ifaces, rates(i.RxBps, i.TxBps), limit-utf16Len(out), tail)
			if out += first; all {
				return out
			}
		default: // the previous round checked that this tail fits
			return out + fmt.Sprintf("\n+%d more", len(ifaces)-n)
		}
	}
	return out
}

// firstTooltipLine is the first interface's line when it does not fit in
// room with tail after it: its name shortened, never its rates (a cut rate
// reads as another number). Where not even that fits beside the total's
// rates, it is the names the total is of, which say all (all is true).
func firstTooltipLine(ifaces []trayIface, rates string, room int, tail string) (line string, all bool) {
	const minName = 8 // "enp0s31…"
	nameRoom := room - utf16Len("\n  "+rates+tail)
	if nameRoom >= minName || len(ifaces) == 1 {
		return "\n" + fitUTF16(ifaces[0].Name, max(nameRoom, 1)) + "  " + rates, false
	}
	names := make([]string, len(ifaces))
	for n, i := range ifaces {
		names[n] = i.Name
	}
	return "\n" + fitUTF16(strings.Join(names, ", "), room-1), true
}

// todayRequest asks for the traffic since local midnight as one calendar-day
// bucket, which the storage aligns to local midnight and answers from its
// coarsest tier. ok is false in the first second of the day.
func todayRequest(now time.Time) (req app.TrafficRequest, ok bool) {
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	end := now.Truncate(time.Second)
	secs := int64(end.Sub(midnight) / time.Second)
	if secs < 1 {
		return app.TrafficRequest{}, false
	}
	return app.TrafficRequest{Window: strconv.FormatInt(secs, 10), Group: "1d", End: end.Format(time.RFC3339)}, true
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

// formatRate renders bytes per second in the user's unit the way the
// dashboard does (frontend/src/lib/units.js): "12.5 Mbit/s", "1.56 MB/s".
// short drops the unit's tail for the menu-bar title: "12.5 Mb/s".
func formatRate(bps int64, s app.Settings, short bool) string {
	v, unit := float64(bps)*8, "bit/s"
	if short {
		unit = "b/s"
	}
	if s.RateUnit == "bytes" {
		v, unit = float64(bps), "B/s"
	}
	return units.Format(v, s.UnitPrefix, unit)
}
