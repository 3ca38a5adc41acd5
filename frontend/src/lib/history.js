// The History page's tables: the last 24 hours, 30 days and 12 months, all
// years and the top 10 days, for all monitored interfaces combined or one.
//
// Two requests serve them all: hour buckets for the last 24 hours, and day
// buckets in the browser's zone from 1 January ten years back (at most 3,653
// buckets; days with nothing recorded are left out of the answer). Months and
// years are sums of those days, so they start at local midnight on the 1st
// exactly like the days do; /api/traffic has no calendar-month grouping.

import { rfc3339 } from './periods.js';

const HOUR = 3600;

/** YEARS is how many calendar years "All years" reaches back, this one included. */
export const YEARS = 10;

function endOf(now) {
  return new Date(Math.floor(now.getTime() / 1000) * 1000);
}

function query(from, end, group, tz) {
  const q = { window: String(Math.max(1, Math.round((end - from) / 1000))), group, end: rfc3339(end) };
  if (tz) q.tz = tz;
  return q;
}

/** hourStart is the start of the hour holding t (unix s); hour buckets are epoch-aligned. */
export function hourStart(tSec) {
  return Math.floor(tSec / HOUR) * HOUR;
}

/** hoursQuery asks for the 24 hour buckets that end with the current one. */
export function hoursQuery(now = new Date()) {
  const end = endOf(now);
  const from = new Date((hourStart(end.getTime() / 1000) - 23 * HOUR) * 1000);
  return query(from, end, '1h');
}

/** firstDay is local midnight on 1 January, YEARS - 1 years before now's year. */
export function firstDay(now = new Date(), years = YEARS) {
  return new Date(now.getFullYear() - years + 1, 0, 1);
}

/** daysQuery asks for day buckets in zone tz from firstDay until now. */
export function daysQuery(now = new Date(), tz, years = YEARS) {
  return query(firstDay(now, years), endOf(now), '1d', tz);
}

/** seriesNames lists the interfaces in one or more traffic answers, sorted. */
export function seriesNames(...answers) {
  const names = new Set();
  for (const a of answers) for (const s of a?.series ?? []) names.add(s.interface);
  return [...names].sort();
}

/**
 * buckets reduces a traffic answer to one list of {t, rx, tx, rxPeak, txPeak}
 * sorted by t: one interface's points, or with name null all interfaces
 * added together (peaks too, as the chart does).
 */
export function buckets(traffic, name = null) {
  const byT = new Map();
  for (const s of traffic?.series ?? []) {
    if (name != null && s.interface !== name) continue;
    for (const p of s.points ?? []) {
      let b = byT.get(p.t);
      if (!b) byT.set(p.t, (b = { t: p.t, rx: 0, tx: 0, rxPeak: 0, txPeak: 0 }));
      b.rx += p.rx_bytes;
      b.tx += p.tx_bytes;
      b.rxPeak += p.rx_peak_bps ?? 0;
      b.txPeak += p.tx_peak_bps ?? 0;
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

// recorded tells a period Net-Pulse recorded, if only zeros, from one it did
// not record at all (it was not running, or not monitoring the interface):
// the answer leaves buckets without rows out, and the table must not claim
// "0 B" for traffic it never saw.
function row(start) {
  return { start, rx: 0, tx: 0, total: 0, rxPeak: 0, txPeak: 0, share: 0, recorded: false };
}

function add(r, b) {
  r.recorded = true;
  r.rx += b.rx;
  r.tx += b.tx;
  r.total = r.rx + r.tx;
  r.rxPeak = Math.max(r.rxPeak, b.rxPeak);
  r.txPeak = Math.max(r.txPeak, b.txPeak);
}

// Fills rows (keyed by start) from buckets, newest row first, and sets each
// row's share of the largest total for the bar column.
function fill(starts, keyOf, list) {
  const rows = new Map(starts.map((s) => [s, row(s)]));
  for (const b of list) {
    const r = rows.get(keyOf(b.t));
    if (r) add(r, b);
  }
  return withShares([...rows.values()].sort((a, b) => b.start - a.start));
}

function withShares(rows) {
  const max = Math.max(0, ...rows.map((r) => r.total));
  for (const r of rows) r.share = max > 0 ? r.total / max : 0;
  return rows;
}

function localKey(tSec, level) {
  const d = new Date(tSec * 1000);
  const m = level === 'year' ? 0 : d.getMonth();
  const day = level === 'day' ? d.getDate() : 1;
  return new Date(d.getFullYear(), m, day).getTime() / 1000;
}

/** hourRows are the 24 hours up to now's, newest first; hours without buckets are not recorded. */
export function hourRows(list, now = new Date()) {
  const last = hourStart(now.getTime() / 1000);
  const starts = Array.from({ length: 24 }, (_, i) => last - i * HOUR);
  return fill(starts, hourStart, list);
}

/** dayRows are the last n local days up to today, newest first. */
export function dayRows(list, now = new Date(), n = 30) {
  const starts = Array.from({ length: n }, (_, i) => new Date(now.getFullYear(), now.getMonth(), now.getDate() - i).getTime() / 1000);
  return fill(starts, (t) => localKey(t, 'day'), list);
}

/** monthRows are the last n calendar months up to this one, newest first. */
export function monthRows(list, now = new Date(), n = 12) {
  const starts = Array.from({ length: n }, (_, i) => new Date(now.getFullYear(), now.getMonth() - i, 1).getTime() / 1000);
  return fill(starts, (t) => localKey(t, 'month'), list);
}

/** yearRows run from the first year with traffic to this year, newest first. */
export function yearRows(list, now = new Date()) {
  const first = list.length ? new Date(list[0].t * 1000).getFullYear() : now.getFullYear();
  const starts = [];
  for (let y = now.getFullYear(); y >= first; y--) starts.push(new Date(y, 0, 1).getTime() / 1000);
  return fill(starts, (t) => localKey(t, 'year'), list);
}

/** topDays are the n days with the most traffic, largest first; ties go to the earlier day. */
export function topDays(list, n = 10) {
  const rows = list
    .filter((b) => b.rx + b.tx > 0)
    .map((b) => {
      const r = row(b.t);
      add(r, b);
      return r;
    })
    .sort((a, b) => b.total - a.total || a.start - b.start)
    .slice(0, n);
  return withShares(rows);
}

/** sumRows adds up a table's rows: {rx, tx, total}. */
export function sumRows(rows) {
  const s = { rx: 0, tx: 0, total: 0 };
  for (const r of rows) {
    s.rx += r.rx;
    s.tx += r.tx;
  }
  s.total = s.rx + s.tx;
  return s;
}
