// Merging of live samples (one per poll) into the traffic state, so a chart
// whose window ends now keeps moving without fetching the whole series again.

import { countTotals, groupEnd } from './series.js';

const DAY = 86400;

/**
 * bucketStart is the start of the bucket a moment falls into. Buckets shorter
 * than a day are aligned to the Unix epoch; day buckets start at local
 * midnight (the dashboard asks for day buckets in the browser's time zone).
 */
export function bucketStart(tSec, groupSec) {
  if (groupSec >= DAY) {
    const d = new Date(tSec * 1000);
    d.setHours(0, 0, 0, 0);
    return Math.floor(d.getTime() / 1000);
  }
  return Math.floor(tSec / groupSec) * groupSec;
}

/**
 * mergeSample adds one live sample to the state: its bytes go into the
 * bucket it falls in (created when new), peaks are raised, the window's end
 * moves to the sample, buckets that fell off the left edge are dropped and
 * the totals are counted again (see countTotals).
 * Samples at or before the state's end are already part of the fetched
 * answer and are ignored. It returns {merged, newBucket}; for day buckets a
 * new bucket means the caller should refetch (local midnight passed).
 */
export function mergeSample(state, sample) {
  const tSec = sample.t / 1000;
  if (!state || !(tSec > state.end)) return { merged: false, newBucket: false };
  const b = bucketStart(tSec, state.group);
  let newBucket = false;
  for (const r of sample.interfaces ?? []) {
    let s = state.series.find((x) => x.interface === r.interface);
    if (!s) {
      s = { interface: r.interface, rx_bytes: 0, tx_bytes: 0, points: [] };
      state.series.push(s);
    }
    let p = s.points[s.points.length - 1];
    if (!p || p.t < b) {
      p = { t: b, rx_bytes: 0, tx_bytes: 0, rx_peak_bps: 0, tx_peak_bps: 0 };
      s.points.push(p);
      newBucket = true;
    } else if (p.t > b) {
      // A sample older than the newest bucket cannot be placed reliably.
      continue;
    }
    p.rx_bytes += r.rx_bytes;
    p.tx_bytes += r.tx_bytes;
    p.rx_peak_bps = Math.max(p.rx_peak_bps, r.rx_bps);
    p.tx_peak_bps = Math.max(p.tx_peak_bps, r.tx_bps);
  }
  state.end = tSec;
  state.start = tSec - state.window;
  dropBefore(state, state.start);
  countTotals(state);
  return { merged: true, newBucket };
}

/**
 * dropBefore removes buckets that ended at or before startSec. The one the
 * left edge cuts through stays for the line to come in from the edge; the
 * totals leave it out.
 */
export function dropBefore(state, startSec) {
  for (const s of state.series) {
    let n = 0;
    while (n < s.points.length && groupEnd(s.points[n].t, state.group) <= startSec) n++;
    if (n) s.points.splice(0, n);
  }
}

/** sampleTotals sums a sample over its interfaces (rates in bytes/s). */
export function sampleTotals(sample) {
  let rx = 0;
  let tx = 0;
  for (const r of sample?.interfaces ?? []) {
    rx += r.rx_bps;
    tx += r.tx_bps;
  }
  return { rx, tx };
}
