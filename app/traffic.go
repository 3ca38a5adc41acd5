package app

import (
	"context"
	"slices"
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
	if group%time.Minute != 0 && q.Start.Before(now.Add(-storage.SecondsKept-secondsGrace)) {
		// Such groups come from the one-second history alone: older
		// buckets would read as gaps, "nothing recorded".
		return q, badRequest("group %s: groups that are not whole minutes come from the one-second history, which reaches back %.0f hours, and this window starts before it (at %s); choose a group of whole minutes",
			req.Group, storage.SecondsKept.Hours(), q.Start.UTC().Format(time.RFC3339))
	}
	if len(req.Interfaces) > maxQueryInterfaces {
		return q, badRequest("too many interfaces: %d, at most %d", len(req.Interfaces), maxQueryInterfaces)
	}
	q.Interfaces = slices.Compact(slices.Sorted(slices.Values(req.Interfaces)))
	return q, nil
}

// secondsGrace lets a window that a client meant to begin exactly 24 hours
// ago (a half-day view stepped back once) through though it reaches the
// server a moment later, or from a clock a little behind. The one-second
// ring keeps a minute more than 24 hours; a second or two outside it
// reads as a gap at worst.
const secondsGrace = time.Minute

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

// checkKnown refuses names that are not valid (nameSet).
func (s *Service) checkKnown(ctx context.Context, names []string) error {
	valid, err := s.names(ctx)
	if err != nil {
		return err
	}
	for _, n := range names {
		if ok, err := valid.has(n); err != nil {
			return err
		} else if !ok {
			return badRequest("unknown interface %q", n)
		}
	}
	return nil
}
