package app

// The types in this file are the JSON shapes of the HTTP API in README.md. The
// desktop bindings return the same values, so the front end sees one model.

// Interface is one network interface as the dashboard lists it.
type Interface struct {
	Name         string   `json:"name"`
	Addresses    []string `json:"addresses"`
	MAC          string   `json:"mac"`
	MTU          int      `json:"mtu"`
	Up           bool     `json:"up"`
	Loopback     bool     `json:"loopback"`
	Kind         string   `json:"kind"`
	DefaultRoute bool     `json:"default_route"`
	Monitored    bool     `json:"monitored"`
	Present      bool     `json:"present"`
	// Recorded: its traffic is stored (monitored, or a container recorded
	// by the setting "record every container").
	Recorded  bool           `json:"recorded"`
	Alias     string         `json:"alias"`
	Container *ContainerInfo `json:"container,omitempty"`
}

// MonitoredList is the body of GET and POST /api/config/monitored_interfaces.
type MonitoredList struct {
	Interfaces []string `json:"interfaces"`
}

// TrafficRequest is a traffic query as the client sends it: raw strings, parsed
// and validated by ParseTrafficRequest. The desktop binding takes the same value.
type TrafficRequest struct {
	Window     string   `json:"window"`
	Group      string   `json:"group"`
	End        string   `json:"end,omitempty"`
	Interfaces []string `json:"interfaces,omitempty"`
	TZ         string   `json:"tz,omitempty"`
}

// Point is one bucket of a traffic series.
type Point struct {
	T         int64 `json:"t"`
	RxBytes   int64 `json:"rx_bytes"`
	TxBytes   int64 `json:"tx_bytes"`
	RxPeakBps int64 `json:"rx_peak_bps"`
	TxPeakBps int64 `json:"tx_peak_bps"`
	Counts
	// Imported: the bucket's traffic came from an import (vnStat), which
	// has no peak rates.
	Imported bool `json:"imported,omitempty"`
}

// Counts are the packet, error and drop sums of a point or a series.
type Counts struct {
	RxPackets int64 `json:"rx_packets"`
	TxPackets int64 `json:"tx_packets"`
	RxErrors  int64 `json:"rx_errors"`
	TxErrors  int64 `json:"tx_errors"`
	RxDrops   int64 `json:"rx_drops"`
	TxDrops   int64 `json:"tx_drops"`
}

func (c *Counts) add(o Counts) {
	c.RxPackets += o.RxPackets
	c.TxPackets += o.TxPackets
	c.RxErrors += o.RxErrors
	c.TxErrors += o.TxErrors
	c.RxDrops += o.RxDrops
	c.TxDrops += o.TxDrops
}

// Series is the traffic of one interface.
type Series struct {
	Interface string `json:"interface"`
	RxBytes   int64  `json:"rx_bytes"`
	TxBytes   int64  `json:"tx_bytes"`
	Counts
	Points []Point `json:"points"`
}

// Traffic is the answer to a traffic query.
type Traffic struct {
	Start        int64    `json:"start"`
	End          int64    `json:"end"`
	GroupSeconds int64    `json:"group_seconds"`
	Series       []Series `json:"series"`
	RxBytes      int64    `json:"rx_bytes"`
	TxBytes      int64    `json:"tx_bytes"`
	Counts
}

// LiveRate is one interface in a live sample.
type LiveRate struct {
	Interface string `json:"interface"`
	RxBps     int64  `json:"rx_bps"`
	TxBps     int64  `json:"tx_bps"`
	RxBytes   int64  `json:"rx_bytes"`
	TxBytes   int64  `json:"tx_bytes"`
}

// LiveSample is what every poll publishes: SSE event "rates", Wails event
// "traffic:rates".
type LiveSample struct {
	T          int64      `json:"t"`
	Interfaces []LiveRate `json:"interfaces"`
}

// Settings are the user's display preferences.
type Settings struct {
	RateUnit   string `json:"rate_unit"`
	UnitPrefix string `json:"unit_prefix"`
	Theme      string `json:"theme"`
	Language   string `json:"language"`
	// DesktopNotifications is "on" or "off": whether the desktop app shows
	// alerts as OS notifications.
	DesktopNotifications string `json:"desktop_notifications"`
	// RecordContainers is "on" or "off": record every container found.
	RecordContainers string `json:"record_containers"`
}

// Health reports whether polling and recording work.
type Health struct {
	Status          string   `json:"status"`
	Version         string   `json:"version"`
	LastPoll        int64    `json:"last_poll,omitempty"`
	LastFlush       int64    `json:"last_flush,omitempty"`
	PendingSamples  int      `json:"pending_samples"`
	IntervalSeconds float64  `json:"interval_seconds"`
	Errors          []string `json:"errors,omitempty"`
	Warnings        []string `json:"warnings,omitempty"`
}
