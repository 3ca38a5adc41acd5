package app

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/netpulse/netpulse/storage"
)

// maxBuckets bounds one series, and with it a query's cost.
const maxBuckets = 10000

// maxQueryInterfaces bounds the interfaces of one query.
const maxQueryInterfaces = 64

// ParseTrafficRequest checks a traffic request and turns it into a storage
// query ending at now unless End says otherwise. interval is the poll
// interval, the finest grouping there is.
func ParseTrafficRequest(req TrafficRequest, interval time.Duration, now time.Time) (storage.Query, error) {
	var q storage.Query
	window, err := ParseDuration(req.Window)
	if err != nil {
		return q, badRequest("window: %v (use e.g. 15m, 24h, 7d or seconds)", err)
	}
	group, err := ParseDuration(req.Group)
	if err != nil {
		return q, badRequest("group: %v (use e.g. 1m, 1h, 1d or seconds)", err)
	}
	if window <= 0 {
		return q, badRequest("window must be positive")
	}
	if group < interval {
		return q, badRequest("group %s is shorter than the poll interval %s", group, interval)
	}
	if group%time.Second != 0 {
		return q, badRequest("group must be whole seconds")
	}
	q.End = now
	if req.End != "" {
		if q.End, err = time.Parse(time.RFC3339, req.End); err != nil {
			return q, badRequest("end: %q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", req.End)
		}
	}
	q.Location = time.Local
	if req.TZ != "" {
		if q.Location, err = time.LoadLocation(req.TZ); err != nil || req.TZ == "Local" {
			return q, badRequest("tz: %q is not an IANA time zone such as Europe/Berlin", req.TZ)
		}
	}
	if window/group > maxBuckets {
		return q, badRequest("window %s in groups of %s gives %d buckets, more than %d; choose a larger group",
			req.Window, req.Group, window/group, maxBuckets)
	}
	q.Start = q.End.Add(-window)
	q.Group = group
	if len(req.Interfaces) > maxQueryInterfaces {
		return q, badRequest("too many interfaces: %d, at most %d", len(req.Interfaces), maxQueryInterfaces)
	}
	q.Interfaces = slices.Compact(slices.Sorted(slices.Values(req.Interfaces)))
	return q, nil
}

// Traffic answers a traffic query for the given interfaces, by default the
// monitored ones.
func (s *Service) Traffic(ctx context.Context, req TrafficRequest) (Traffic, error) {
	q, err := ParseTrafficRequest(req, s.cfg.Interval, time.Now())
	if err != nil {
		return Traffic{}, err
	}
	if len(q.Interfaces) == 0 {
		q.Interfaces = s.MonitoredNames()
	} else if err := s.checkKnown(ctx, q.Interfaces); err != nil {
		return Traffic{}, err
	}
	data, err := s.store.Traffic(ctx, q)
	if err != nil {
		return Traffic{}, err
	}
	out := Traffic{Start: data.Start, End: q.End.Unix(), GroupSeconds: int64(q.Group / time.Second), Series: make([]Series, 0, len(data.Series))}
	for _, d := range data.Series {
		sr := Series{Interface: d.Interface, Points: make([]Point, 0, len(d.Buckets))}
		for _, b := range d.Buckets {
			p := Point{T: b.T, RxBytes: int64(b.Rx), TxBytes: int64(b.Tx),
				RxPeakBps: int64(b.RxPeak), TxPeakBps: int64(b.TxPeak), Imported: b.Imported,
				Counts: Counts{int64(b.RxPkts), int64(b.TxPkts), int64(b.RxErrs), int64(b.TxErrs), int64(b.RxDrops), int64(b.TxDrops)}}
			sr.Points = append(sr.Points, p)
			sr.RxBytes += p.RxBytes
			sr.TxBytes += p.TxBytes
			sr.Counts.add(p.Counts)
		}
		out.RxBytes += sr.RxBytes
		out.TxBytes += sr.TxBytes
		out.Counts.add(sr.Counts)
		out.Series = append(out.Series, sr)
	}
	return out, nil
}

// checkKnown refuses names that are neither monitored, known from history,
// nor present. Listing the OS's interfaces is the costly part, so it is
// asked only when the cheap sources do not know a name.
func (s *Service) checkKnown(ctx context.Context, names []string) error {
	known, err := s.store.KnownInterfaces(ctx)
	if err != nil {
		return err
	}
	valid := s.monitoredSet()
	for _, n := range known {
		valid[n] = true
	}
	for _, n := range names {
		if valid[n] {
			continue
		}
		if all, err := s.validNames(ctx); err != nil {
			return err
		} else if !all[n] {
			return badRequest("unknown interface %q", n)
		}
	}
	return nil
}

// appendTrafficJSON appends t to b exactly as encoding/json encodes it
// (json.Encoder's output, newline included). A day of minutes for 3
// interfaces is 4,320 points; writing their numbers directly takes a
// fraction of the time reflection does.
func appendTrafficJSON(b []byte, t Traffic) []byte {
	points := 0
	for _, s := range t.Series {
		points += len(s.Points)
	}
	b = slices.Grow(b, 256+len(t.Series)*224+points*240)
	b = appendInt(append(b, `{"start":`...), t.Start)
	b = appendInt(append(b, `,"end":`...), t.End)
	b = appendInt(append(b, `,"group_seconds":`...), t.GroupSeconds)
	b = append(b, `,"series":`...)
	if t.Series == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, s := range t.Series {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendSeriesJSON(b, s)
		}
		b = append(b, ']')
	}
	b = appendInt(append(b, `,"rx_bytes":`...), t.RxBytes)
	b = appendInt(append(b, `,"tx_bytes":`...), t.TxBytes)
	b = appendCountsJSON(b, t.Counts)
	return append(b, "}\n"...)
}

func appendCountsJSON(b []byte, c Counts) []byte {
	b = appendInt(append(b, `,"rx_packets":`...), c.RxPackets)
	b = appendInt(append(b, `,"tx_packets":`...), c.TxPackets)
	b = appendInt(append(b, `,"rx_errors":`...), c.RxErrors)
	b = appendInt(append(b, `,"tx_errors":`...), c.TxErrors)
	b = appendInt(append(b, `,"rx_drops":`...), c.RxDrops)
	return appendInt(append(b, `,"tx_drops":`...), c.TxDrops)
}

func appendSeriesJSON(b []byte, s Series) []byte {
	name, _ := json.Marshal(s.Interface) // a string always encodes
	b = append(append(b, `{"interface":`...), name...)
	b = appendInt(append(b, `,"rx_bytes":`...), s.RxBytes)
	b = appendInt(append(b, `,"tx_bytes":`...), s.TxBytes)
	b = appendCountsJSON(b, s.Counts)
	b = append(b, `,"points":`...)
	if s.Points == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i, p := range s.Points {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendInt(append(b, `{"t":`...), p.T)
		b = appendInt(append(b, `,"rx_bytes":`...), p.RxBytes)
		b = appendInt(append(b, `,"tx_bytes":`...), p.TxBytes)
		b = appendInt(append(b, `,"rx_peak_bps":`...), p.RxPeakBps)
		b = appendInt(append(b, `,"tx_peak_bps":`...), p.TxPeakBps)
		b = appendCountsJSON(b, p.Counts)
		if p.Imported {
			b = append(b, `,"imported":true`...)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func appendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }
