package app

import "time"

// The JSON shapes of data plans, notifiers and alerts (README.md, "Data
// plans" and "Notifiers").

// Plan is a data plan: the traffic of some interfaces per billing cycle,
// with an optional cap and warning thresholds in percent of it.
type Plan struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Interfaces []string   `json:"interfaces"`
	Direction  string     `json:"direction"` // "both", "rx" or "tx"
	CapBytes   int64      `json:"cap_bytes"` // 0: no cap
	Period     string     `json:"period"`    // "month", "week" or "day"
	ResetDay   int        `json:"reset_day"` // 1–31 for months, 1–7 (Monday = 1) for weeks
	ResetHour  int        `json:"reset_hour"`
	TZ         string     `json:"tz"`
	Thresholds []int      `json:"thresholds"`
	Usage      *PlanUsage `json:"usage,omitempty"`
}

// PlanCycle is one past or current cycle of a plan with its totals. Times
// are unix seconds.
type PlanCycle struct {
	CycleStart int64    `json:"cycle_start"`
	CycleEnd   int64    `json:"cycle_end"`
	RxBytes    int64    `json:"rx_bytes"`
	TxBytes    int64    `json:"tx_bytes"`
	UsedBytes  int64    `json:"used_bytes"`
	Percent    *float64 `json:"percent"`
}

// PlanUsage is a plan's current cycle, with where it is heading.
type PlanUsage struct {
	PlanCycle
	ProjectedBytes    int64    `json:"projected_bytes"`
	ProjectedPercent  *float64 `json:"projected_percent"`
	CapReachedAt      *int64   `json:"cap_reached_at"`
	ThresholdsReached []int    `json:"thresholds_reached"`
}

// Notifier is where alerts are sent. URL is masked (secrets replaced by
// "***") whenever a notifier is read back.
type Notifier struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	URL         string   `json:"url"`
	Events      []string `json:"events"` // "plan", "rate", "interface", "health"
	LastError   string   `json:"last_error,omitempty"`
	LastErrorAt int64    `json:"last_error_at,omitempty"` // unix seconds
	LastSentAt  int64    `json:"last_sent_at,omitempty"`  // unix seconds
}

// Alert is one event as Net-Pulse reports it: sent to the notifiers that
// subscribe to its group, and published in-process to SubscribeAlerts.
type Alert struct {
	Event   string    `json:"event"` // "plan.threshold", "rate.high", "interface.gone", "health.degraded", ...
	Time    time.Time `json:"time"`
	Title   string    `json:"-"`       // a short headline, e.g. "Home fibre: 80 % used"
	Message string    `json:"message"` // one human sentence
	// Urgent marks the alerts that need attention now: a plan's cap
	// reached, recording degraded.
	Urgent bool  `json:"-"`
	PlanID int64 `json:"-"` // the plan's id for plan events, else 0
}
