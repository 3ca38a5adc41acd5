// Shaping of /api/traffic answers into chart lines. The API leaves out
// buckets with no recorded data; the chart must show those as breaks, so gaps
// are made explicit here as null values on a shared time grid.

import { addDays } from './periods.js';

const DAY = 86400;

/**
 * fromTraffic turns an API answer into the dashboard's working state. The
 * state is mutated in place by live samples (see live.js).
 */
export function fromTraffic(traffic, windowSec) {
  // The answer's `start` is the first bucket's start, which may lie before
  // the window; the chart's left edge is the window's.
  const window = windowSec ?? traffic.end - traffic.start;
  return countTotals({
    start: traffic.end - window,
    end: traffic.end,
    window,
    group: traffic.group_seconds,
    series: (traffic.series ?? []).map((s) => ({
      interface: s.interface,
      rx_bytes: s.rx_bytes,
      tx_bytes: s.tx_bytes,
      points: (s.points ?? []).map((p) => ({ ...p })),
    })),
    rx_bytes: 0,
    tx_bytes: 0,
  });
}

/**
 * countTotals sets the totals, per interface and overall, to the bytes of
 * the groups that start inside the window. The answer's first group can
 * start before the window's left edge: the chart shows only its end, and a
 * group's bytes cannot be split by time, so it is not counted (the answer's
 * own totals include it). The edge counts in whole seconds, like the API's
 * times: a live window starts a fraction into a second whose polls are one
 * 1-second group.
 */
export function countTotals(state) {
  const from = Math.floor(state.start);
  state.rx_bytes = 0;
  state.tx_bytes = 0;
  for (const s of state.series) {
    s.rx_bytes = 0;
    s.tx_bytes = 0;
    for (const p of s.points) {
      if (p.t < from) continue;
      s.rx_bytes += p.rx_bytes;
      s.tx_bytes += p.tx_bytes;
    }
    state.rx_bytes += s.rx_bytes;
    state.tx_bytes += s.tx_bytes;
  }
  return state;
}

/** The packet, error and drop sums of a point (absent in live samples). */
export const COUNTS = ['rx_packets', 'tx_packets', 'rx_errors', 'tx_errors', 'rx_drops', 'tx_drops'];

/**
 * combine adds the interfaces' points bucket by bucket. Peaks are added too:
 * an upper bound, since the interfaces may have peaked at different polls.
 * A sum is imported (no peak data) only when all its points are.
 */
export function combine(series) {
  const byT = new Map();
  for (const s of series) {
    for (const p of s.points) {
      const c = byT.get(p.t);
      if (c) {
        c.rx_bytes += p.rx_bytes;
        c.tx_bytes += p.tx_bytes;
        c.rx_peak_bps += p.rx_peak_bps;
        c.tx_peak_bps += p.tx_peak_bps;
        for (const k of COUNTS) if (k in p) c[k] = (c[k] ?? 0) + p[k];
        if (c.imported || p.imported) c.imported = !!(c.imported && p.imported);
      } else {
        byT.set(p.t, { ...p });
      }
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

/**
 * details is what the tooltip says about a bucket beyond its rates: packets,
 * errors and drops, and whether it was imported; null for no bucket.
 */
export function details(p) {
  if (!p) return null;
  const n = (k) => p[k] ?? 0;
  return {
    rxPackets: n('rx_packets'),
    txPackets: n('tx_packets'),
    errors: n('rx_errors') + n('tx_errors'),
    drops: n('rx_drops') + n('tx_drops'),
    imported: !!p.imported,
  };
}

/**
 * withGaps takes sorted bucket start times and inserts a gap marker
 * ({t, gap: true}) after every bucket that is not followed by the next one,
 * so Chart.js (spanGaps off) breaks the line there. The 1.5 tolerance lets
 * day buckets be 23 or 25 hours long across DST changes. When a bucket is
 * about one poll long, polls drifting across bucket edges leave single
 * buckets empty (and their neighbours with two polls) while nothing was
 * missed, so one empty bucket is not a gap then.
 */
export function withGaps(times, groupSec, intervalSec = 0) {
  const limit = groupSec * 1.5 + (groupSec < 2 * intervalSec ? intervalSec : 0);
  const out = [];
  for (let i = 0; i < times.length; i++) {
    out.push({ t: times[i], gap: false });
    const next = times[i + 1];
    if (next !== undefined && next - times[i] > limit) out.push({ t: times[i] + groupSec, gap: true });
  }
  return out;
}

/**
 * groupEnd is when the group starting at t ends. Day groups run from local
 * midnight to local midnight (the dashboard asks for them in the browser's
 * zone), so a day the clocks change on is 23 or 25 hours long.
 */
export function groupEnd(t, groupSec) {
  return groupSec >= DAY && groupSec % DAY === 0 ? addDays(t, groupSec / DAY) : t + groupSec;
}

/**
 * bucketSeconds is the time a bucket's bytes were collected over: the
 * group's real length, except for the bucket still filling at the window's
 * end, which is divided by the time elapsed so far (at least one poll
 * interval) so the line does not sag at the right edge.
 */
export function bucketSeconds(t, groupSec, endSec, intervalSec = 1) {
  const length = groupEnd(t, groupSec) - t;
  if (endSec != null && t + length > endSec) {
    return Math.min(length, Math.max(endSec - t, intervalSec, 1));
  }
  return length;
}

/** rates converts one bucket into rates in bytes per second. */
export function rates(p, groupSec, endSec, intervalSec = 1) {
  const secs = bucketSeconds(p.t, groupSec, endSec, intervalSec);
  const rx = p.rx_bytes / secs;
  const tx = p.tx_bytes / secs;
  // A peak is never drawn below its own average.
  return { rx, tx, rxPeak: Math.max(p.rx_peak_bps, rx), txPeak: Math.max(p.tx_peak_bps, tx) };
}

/**
 * chartModel lays the state out for the chart: `times` is the shared grid of
 * bucket starts (with gap markers) and every line carries rates in bytes per
 * second aligned to it, null where nothing was recorded. mode is "combined"
 * (one line group for all monitored interfaces) or "interfaces".
 */
export function chartModel(state, mode = 'combined', intervalSec = 1) {
  if (!state) return { mode, times: [], lines: [], group: 1 };
  const groups =
    mode === 'interfaces'
      ? state.series
          .map((s) => ({ name: s.interface, points: s.points }))
          .sort((a, b) => a.name.localeCompare(b.name))
      : [{ name: 'All monitored', points: combine(state.series) }];
  const all = new Set();
  for (const g of groups) for (const p of g.points) all.add(p.t);
  const times = withGaps([...all].sort((a, b) => a - b), state.group, intervalSec);
  const lines = groups.map((g) => {
    const byT = new Map(g.points.map((p) => [p.t, p]));
    const line = { name: g.name, rx: [], tx: [], rxPeak: [], txPeak: [], details: [] };
    for (const { t, gap } of times) {
      const p = gap ? undefined : byT.get(t);
      const r = p ? rates(p, state.group, state.end, intervalSec) : null;
      line.details.push(details(p));
      line.rx.push(r ? r.rx : null);
      line.tx.push(r ? r.tx : null);
      line.rxPeak.push(r ? r.rxPeak : null);
      line.txPeak.push(r ? r.txPeak : null);
    }
    return line;
  });
  return { mode, times, lines, group: state.group, start: state.start, end: state.end };
}

/** hasPoints reports whether any series has recorded data. */
export function hasPoints(state) {
  return !!state && state.series.some((s) => s.points.length > 0);
}

/**
 * replaceTail puts a fresh answer for the newest buckets into the state: every
 * bucket from the answer's first bucket on is replaced by the answer's, and
 * the totals are summed again (see countTotals). A live sample cannot tell
 * for certain whether its poll was already in an answer that was on its way
 * (an answer holds every poll up to the moment it was made, its `end` is
 * whole seconds), so the dashboard fetches the buckets from the last answer's newest one on now
 * and then, and this makes the state exact again.
 */
export function replaceTail(state, tail) {
  const from = tail.start;
  for (const t of tail.series ?? []) {
    let s = state.series.find((x) => x.interface === t.interface);
    if (!s) {
      s = { interface: t.interface, rx_bytes: 0, tx_bytes: 0, points: [] };
      state.series.push(s);
    }
    s.points = s.points.filter((p) => p.t < from).concat((t.points ?? []).map((p) => ({ ...p })));
  }
  if (tail.end > state.end) {
    state.end = tail.end;
    state.start = state.end - state.window;
  }
  countTotals(state);
}

/**
 * tailWindow is the window (seconds, a whole number of groups) of a request
 * ending now that reaches back to the bucket starting at anchorSec. The
 * state's end is the newest live sample's time, which the server's clock
 * has passed, so the request starts at or before the anchor.
 */
export function tailWindow(state, anchorSec) {
  const g = state.group;
  return Math.max(2, Math.ceil((state.end - anchorSec) / g) + 1) * g;
}
