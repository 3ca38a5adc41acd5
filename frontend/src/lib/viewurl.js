// The dashboard's view in the address bar, so a view can be bookmarked and
// shared: ?w=7d&g=1h&end=2026-03-05T18:00:00Z&lines=interfaces. Without
// `end` the chart is live and ends now. Moving through time (a window back
// or forward, a date, a dragged range) is worked out here too.

import { adjustGroup, findGroup, findWindow, WINDOWS } from './ranges.js';
import { addDays } from './periods.js';

const LINES = ['combined', 'interfaces'];
const DAY = 86400;

/**
 * parseView reads a view from a query string. Anything missing or not
 * understood is taken from base, so a hand-edited link still opens a valid
 * view: {windowSec, groupSec, end: unix s or null for live, mode}.
 */
export function parseView(search, base, intervalSec = 1) {
  const p = new URLSearchParams(search);
  const w = findWindow(p.get('w'));
  const windowSec = w ? w.seconds : base.windowSec;
  const g = findGroup(p.get('g'));
  const groupSec = adjustGroup(windowSec, g ? g.seconds : base.groupSec, intervalSec);
  const mode = LINES.includes(p.get('lines')) ? p.get('lines') : base.mode;
  const ms = p.has('end') ? Date.parse(p.get('end')) : NaN;
  const end = Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
  return { windowSec, groupSec, end, mode };
}

/** hasView reports whether a query string holds any part of a view. */
export function hasView(search) {
  const p = new URLSearchParams(search);
  return ['w', 'g', 'end', 'lines'].some((k) => p.has(k));
}

/** viewSearch writes a view as a query string ("?w=1h&g=10s&lines=combined"). */
export function viewSearch(view) {
  const p = new URLSearchParams();
  p.set('w', findWindow(view.windowSec)?.key ?? String(view.windowSec));
  p.set('g', findGroup(view.groupSec)?.key ?? String(view.groupSec));
  if (view.end != null) p.set('end', new Date(view.end * 1000).toISOString().replace('.000Z', 'Z'));
  p.set('lines', view.mode);
  return `?${p}`;
}

// An end at or past now means live.
function live(view, end, nowSec) {
  return { ...view, end: end == null || end >= nowSec ? null : Math.floor(end) };
}

/**
 * step moves the view by one window: dir -1 is earlier, +1 later (up to
 * live). A window of whole days moves by calendar days, so a chart ending at
 * midnight still ends at midnight after a day the clocks changed on.
 */
export function step(view, dir, nowSec) {
  const end = view.end ?? nowSec;
  const days = view.windowSec % DAY === 0 ? view.windowSec / DAY : 0;
  return live(view, days ? addDays(end, dir * days) : end + dir * view.windowSec, nowSec);
}

// Nothing was recorded before 1970; a year below it is one still being typed.
const FIRST_YEAR = 1970;

/**
 * parseDay reads the date field ("2025-11-03") as the local midnight that
 * starts that day, a Date, or null unless the date is complete and plausible:
 * a real calendar day from 1970 to today. Chromium reports the field's value
 * as soon as every part has a digit, so typing 2025 into the year passes
 * through 0002, 0020 and 0202 first; none of those may move the view.
 */
export function parseDay(isoDate, nowSec) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate ?? '');
  if (!m) return null;
  const [y, mon, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < FIRST_YEAR || isoDate > isoDay(nowSec)) return null;
  // setFullYear, not new Date(y, …), which reads years 0–99 as 1900–1999.
  const day = new Date(nowSec * 1000);
  day.setFullYear(y, mon - 1, d);
  day.setHours(0, 0, 0, 0);
  if (day.getFullYear() !== y || day.getMonth() !== mon - 1 || day.getDate() !== d) return null; // 2025-02-30
  return day;
}

/**
 * jumpTo shows the window that ends at the end of a local day
 * ("2026-03-05"); today means live. A date parseDay refuses changes nothing.
 */
export function jumpTo(view, isoDate, nowSec) {
  const day = parseDay(isoDate, nowSec);
  if (!day) return view;
  return live(view, addDays(day.getTime() / 1000, 1), nowSec);
}

/**
 * zoom shows a dragged range [fromSec, toSec]: the shortest window step that
 * holds it, centred on it but never past now, with a grouping that fits.
 * A range shorter than the shortest window is a click, not a zoom: null.
 */
export function zoom(view, fromSec, toSec, nowSec, intervalSec = 1) {
  const [a, b] = fromSec <= toSec ? [fromSec, toSec] : [toSec, fromSec];
  const span = b - a;
  if (span < WINDOWS[0].seconds / 10) return null;
  const w = WINDOWS.find((x) => x.seconds >= span) ?? WINDOWS[WINDOWS.length - 1];
  const end = Math.round(b + (w.seconds - span) / 2);
  return live({ ...view, windowSec: w.seconds, groupSec: adjustGroup(w.seconds, view.groupSec, intervalSec) }, end, nowSec);
}

/** isoDay is the local calendar day of a moment, as a date input wants it. */
export function isoDay(tSec) {
  const d = new Date(tSec * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

