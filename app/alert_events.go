package app

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/netpulse/netpulse/internal/notify"
	"github.com/netpulse/netpulse/internal/units"
)

// The webhook bodies of the alerts, one type per event (README.md,
// "Webhook"). Field order is the JSON's.

type planRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type planThresholdBody struct {
	Event      string  `json:"event"`
	Time       string  `json:"time"`
	Plan       planRef `json:"plan"`
	Threshold  int     `json:"threshold"`
	Percent    float64 `json:"percent"`
	UsedBytes  int64   `json:"used_bytes"`
	CapBytes   int64   `json:"cap_bytes"`
	CycleStart int64   `json:"cycle_start"`
	CycleEnd   int64   `json:"cycle_end"`
	Message    string  `json:"message"`
}

type rateBody struct {
	Event        string `json:"event"`
	Time         string `json:"time"`
	Interface    string `json:"interface"`
	Direction    string `json:"direction"`
	RateBps      int64  `json:"rate_bps"`
	ThresholdBps int64  `json:"threshold_bps"`
	Seconds      int64  `json:"duration_seconds"`
	Message      string `json:"message"`
}

type interfaceBody struct {
	Event     string `json:"event"`
	Time      string `json:"time"`
	Interface string `json:"interface"`
	Message   string `json:"message"`
}

type healthBody struct {
	Event   string   `json:"event"`
	Time    string   `json:"time"`
	Errors  []string `json:"errors"`
	Message string   `json:"message"`
}

// planThresholdAlert is the alert for a plan's threshold t.
func planThresholdAlert(p Plan, t int, now time.Time) (Alert, []byte) {
	u := p.Usage
	pct := math.Round(*u.Percent*100) / 100
	msg := fmt.Sprintf("%s has used %s of its %s cap (%s %%), past its %d %% threshold; the cycle resets %s.",
		p.Name, units.Bytes(u.UsedBytes, "si"), units.Bytes(p.CapBytes, "si"), strconv.FormatFloat(pct, 'f', -1, 64), t,
		time.Unix(u.CycleEnd, 0).In(zoneOr(p.TZ)).Format("2 Jan 15:04"))
	a := Alert{Event: "plan.threshold", Time: now, Title: fmt.Sprintf("%s: %d %% of the data plan used", p.Name, t),
		Message: msg, Urgent: t >= 100, PlanID: p.ID}
	return a, encodeBody(planThresholdBody{Event: a.Event, Time: now.Format(time.RFC3339), Plan: planRef{p.ID, p.Name},
		Threshold: t, Percent: pct, UsedBytes: u.UsedBytes, CapBytes: p.CapBytes, CycleStart: u.CycleStart,
		CycleEnd: u.CycleEnd, Message: msg})
}

func rateAlert(iface, dir string, rate, threshold int64, d time.Duration, now time.Time) (Alert, []byte) {
	word := map[string]string{"rx": "received", "tx": "sent"}[dir]
	msg := fmt.Sprintf("%s has %s %s/s or more for %s (threshold %s/s).", iface, word,
		units.Bytes(rate, "si"), d, units.Bytes(threshold, "si"))
	a := Alert{Event: "rate.high", Time: now, Title: "High traffic on " + iface, Message: msg}
	return a, encodeBody(rateBody{Event: a.Event, Time: now.Format(time.RFC3339), Interface: iface, Direction: dir,
		RateBps: rate, ThresholdBps: threshold, Seconds: int64(d / time.Second), Message: msg})
}

func interfaceAlert(event, iface string, now time.Time) (Alert, []byte) {
	msg, title := iface+" is gone: Net-Pulse cannot see it any more.", iface+" is gone"
	if event == "interface.back" {
		msg, title = iface+" is back.", iface+" is back"
	}
	a := Alert{Event: event, Time: now, Title: title, Message: msg}
	return a, encodeBody(interfaceBody{Event: event, Time: now.Format(time.RFC3339), Interface: iface, Message: msg})
}

func healthAlert(h Health, now time.Time) (Alert, []byte) {
	a := Alert{Event: "health.recovered", Time: now, Title: "Recording works again", Message: "Net-Pulse records traffic normally again."}
	if h.Status != "ok" {
		a = Alert{Event: "health.degraded", Time: now, Title: "Recording degraded", Urgent: true,
			Message: "Net-Pulse's recording is degraded: " + joinErrors(h.Errors) + "."}
	}
	errs := h.Errors
	if errs == nil {
		errs = []string{}
	}
	return a, encodeBody(healthBody{Event: a.Event, Time: now.Format(time.RFC3339), Errors: errs, Message: a.Message})
}

type testMessageBody struct {
	Event   string `json:"event"`
	Time    string `json:"time"`
	Message string `json:"message"`
}

func testBody(now time.Time) []byte {
	return encodeBody(testMessageBody{Event: "test", Time: now.Format(time.RFC3339),
		Message: "This is a test message from Net-Pulse."})
}

// messageOf turns a stored webhook body into what a chat or push service
// shows.
func messageOf(body []byte) notify.Message {
	var v struct {
		Event     string   `json:"event"`
		Message   string   `json:"message"`
		Interface string   `json:"interface"`
		Threshold int      `json:"threshold"`
		Plan      *planRef `json:"plan"`
	}
	json.Unmarshal(body, &v)
	title := "Net-Pulse"
	switch {
	case v.Plan != nil:
		title = fmt.Sprintf("%s: %d %% of the data plan used", v.Plan.Name, v.Threshold)
	case v.Event == "rate.high":
		title = "High traffic on " + v.Interface
	case v.Event == "interface.gone" || v.Event == "interface.back":
		title = "Net-Pulse: " + v.Interface
	case v.Event == "health.degraded":
		title = "Net-Pulse: recording degraded"
	case v.Event == "health.recovered":
		title = "Net-Pulse: recording works again"
	case v.Event == "test":
		title = "Net-Pulse: test"
	}
	return notify.Message{Body: body, Title: title, Text: v.Message}
}

func joinErrors(errs []string) string { return strings.Join(errs, "; ") }

func zoneOr(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.Local
}

func encodeBody(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only fixed types of strings and numbers are encoded
	}
	return b
}
