package desktop

// The tray's data plan lines: "Home: 412 GB of 500 GB (82 %) · resets 15 Dec",
// in the menu and the tooltip, and whether the icon shows the alert state.
// Pure functions, like trayview.go.

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/netpulse/netpulse/internal/units"

	"github.com/netpulse/netpulse/app"
)

// trayMaxPlans is how many plans the tray menu lists; the last line
// summarises the rest.
const trayMaxPlans = 4

// trayPlansTipMax is the most of the tooltip the plans take, so the total
// and one interface always fit beside them.
const trayPlansTipMax = trayTooltipMax - 48

// trayPlan is one data plan as the tray shows it.
type trayPlan struct {
	Name     string
	Used     int64
	Cap      int64     // 0: no cap
	Percent  float64   // of the cap; meaningful when Cap > 0
	CycleEnd time.Time // in the plan's zone
	Alert    bool      // past its first threshold
}

// trayPlanLine is the plan's menu and tooltip line.
func trayPlanLine(p trayPlan, prefix string) string {
	used := units.Bytes(p.Used, prefix)
	var amount string
	if p.Cap > 0 {
		amount = fmt.Sprintf("%s of %s (%s)", used, units.Bytes(p.Cap, prefix), formatPercent(p.Percent))
	} else {
		amount = used + " this cycle"
	}
	if p.CycleEnd.IsZero() {
		return p.Name + ": " + amount
	}
	return p.Name + ": " + amount + " · resets " + p.CycleEnd.Format("2 Jan")
}

// formatPercent renders a share as the dashboard's plan card does: whole
// percents rounded down, one decimal (rounded down) below 1 %, and "< 0.1 %"
// for a use too small for that, which is not none.
func formatPercent(p float64) string {
	switch {
	case math.IsNaN(p) || math.IsInf(p, 0):
		return "– %"
	case p > 0 && p < 0.1:
		return "< 0.1 %"
	case p > 0 && p < 1:
		return fmt.Sprintf("%.1f %%", math.Floor(p*10)/10)
	}
	return fmt.Sprintf("%d %%", int64(math.Floor(p)))
}

// trayPlansView renders the plans' menu lines, the alert state and the
// tooltip's tail.
func trayPlansView(plans []trayPlan, prefix string) (v trayView, tip string) {
	all := make([]string, 0, len(plans))
	for _, p := range plans {
		v.Alert = v.Alert || p.Alert
		all = append(all, trayPlanLine(p, prefix))
	}
	v.PlanLines = all
	if len(all) > trayMaxPlans {
		v.PlanLines = append(all[:trayMaxPlans-1:trayMaxPlans-1], morePlans(len(all)-trayMaxPlans+1))
	}
	return v, trayPlansTooltip(all)
}

// trayPlansTooltip is the tooltip's tail for the plan lines: as many as fit
// in trayPlansTipMax UTF-16 units, then "+N more plans".
func trayPlansTooltip(lines []string) string {
	out := ""
	for n, l := range lines {
		line := "\n" + l
		tail := ""
		if rest := len(lines) - n - 1; rest > 0 {
			tail = "\n" + morePlans(rest)
		}
		switch {
		case utf16Len(out+line+tail) <= trayPlansTipMax:
			out += line
		case n == 0:
			out += fitUTF16(line, trayPlansTipMax-utf16Len(tail)) + tail
			return out
		default:
			return out + "\n" + morePlans(len(lines)-n)
		}
	}
	return out
}

func morePlans(n int) string {
	if n == 1 {
		return "+1 more plan"
	}
	return fmt.Sprintf("+%d more plans", n)
}

// trayPlansFrom turns the plans with their usage into the tray's lines. A
// plan is in alert once a threshold of this cycle was reached, or its share
// of the cap is at or past the lowest threshold.
func trayPlansFrom(plans []app.Plan) []trayPlan {
	out := make([]trayPlan, 0, len(plans))
	for _, p := range plans {
		tp := trayPlan{Name: p.Name}
		var u app.PlanUsage
		if p.Usage != nil {
			u = *p.Usage
		}
		tp.Used = u.UsedBytes
		if p.CapBytes > 0 {
			tp.Cap = p.CapBytes
			if u.Percent != nil {
				tp.Percent = *u.Percent
			} else {
				tp.Percent = float64(u.UsedBytes) / float64(p.CapBytes) * 100
			}
			tp.Alert = len(p.Thresholds) > 0 && tp.Percent >= float64(slices.Min(p.Thresholds))
		}
		tp.Alert = tp.Alert || len(u.ThresholdsReached) > 0
		if u.CycleEnd > 0 {
			loc, err := time.LoadLocation(p.TZ)
			if err != nil || p.TZ == "" {
				loc = time.Local
			}
			tp.CycleEnd = time.Unix(u.CycleEnd, 0).In(loc)
		}
		out = append(out, tp)
	}
	return out
}
