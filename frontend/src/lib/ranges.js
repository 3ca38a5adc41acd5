// The steps of the time-window and grouping sliders, and the rules that keep
// them consistent: a request never asks for more than MAX_POINTS buckets, and
// never for a grouping finer than the server's poll interval.

import { translate } from './i18n.js';
import { rfc3339 } from './periods.js';

const english = (key, vars) => translate('en', key, vars);

const DAY = 86400;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: DAY };

// A step is named as the API takes it ("15m", "7d"); its length follows.
const steps = (keys) => keys.map((key) => ({ key, seconds: Number(key.slice(0, -1)) * UNIT_SECONDS[key.slice(-1)] }));

/** WINDOWS are the time-window slider's steps, shortest first. */
export const WINDOWS = steps(['5m', '15m', '30m', '1h', '3h', '6h', '12h', '24h', '2d', '7d', '14d', '30d', '90d', '180d', '365d']);

/** GROUPS are the grouping slider's steps, finest first. */
export const GROUPS = steps(['1s', '5s', '10s', '30s', '1m', '5m', '15m', '30m', '1h', '3h', '6h', '12h', '1d']);

/** MAX_POINTS bounds the buckets one request may return per series. */
export const MAX_POINTS = 1500;
/** MIN_POINTS keeps a window from collapsing into a handful of buckets. */
export const MIN_POINTS = 5;
// The grouping picked for a window when the current one does not fit: the
// finest one that stays below this many points keeps charts light.
const COMFORT_POINTS = 500;

/** DEFAULT_WINDOW is the window shown on first visit. */
export const DEFAULT_WINDOW = '1h';

/**
 * pointCount is the most buckets a window can touch: a window that does not
 * start on a bucket boundary overlaps one bucket more than window/group.
 */
export function pointCount(windowSec, groupSec) {
  return Math.ceil(windowSec / groupSec) + 1;
}

/**
 * SECONDS_KEPT is how far back the server's one-second history reaches.
 * Groupings that are not whole minutes are read from it alone, so a window
 * that starts before it would show gaps; the server refuses them.
 */
export const SECONDS_KEPT = DAY;

/**
 * validGroups lists the groupings offered for a window and poll interval.
 * reachSec is how long ago the window starts (the window itself when it
 * ends now).
 */
export function validGroups(windowSec, intervalSec = 1, reachSec = windowSec) {
  return GROUPS.filter(
    (g) =>
      g.seconds >= intervalSec &&
      pointCount(windowSec, g.seconds) <= MAX_POINTS &&
      windowSec / g.seconds >= MIN_POINTS &&
      (g.seconds % 60 === 0 || reachSec <= SECONDS_KEPT),
  );
}

/** reach is how long before nowSec a window ending at endSec (null: now) starts. */
export function reach(windowSec, endSec, nowSec) {
  return endSec == null ? windowSec : Math.max(0, nowSec - endSec) + windowSec;
}

/** availableWindows lists the windows that have at least one grouping. */
export function availableWindows(intervalSec = 1) {
  return WINDOWS.filter((w) => validGroups(w.seconds, intervalSec).length > 0);
}

/** defaultGroup is the finest comfortable grouping for a window. */
export function defaultGroup(windowSec, intervalSec = 1, reachSec = windowSec) {
  const groups = validGroups(windowSec, intervalSec, reachSec);
  return (groups.find((g) => pointCount(windowSec, g.seconds) <= COMFORT_POINTS) ?? groups[0]).seconds;
}

/**
 * adjustGroup keeps the current grouping when it is still valid for a new
 * window and otherwise switches to that window's default.
 */
export function adjustGroup(windowSec, groupSec, intervalSec = 1, reachSec = windowSec) {
  const groups = validGroups(windowSec, intervalSec, reachSec);
  if (groups.some((g) => g.seconds === groupSec)) return groupSec;
  return defaultGroup(windowSec, intervalSec, reachSec);
}

/** findWindow and findGroup look steps up by key or by seconds. */
export function findWindow(keyOrSeconds) {
  return WINDOWS.find((w) => w.key === keyOrSeconds || w.seconds === keyOrSeconds);
}
export function findGroup(keyOrSeconds) {
  return GROUPS.find((g) => g.key === keyOrSeconds || g.seconds === keyOrSeconds);
}

/** windowWords names a window in the locale: "7 days". */
export function windowWords(windowSec, tr = english) {
  const w = findWindow(windowSec);
  return w ? tr(`range.window.${w.key}`) : `${windowSec} s`;
}

/** groupWords names a grouping in the locale: "1-hour". */
export function groupWords(groupSec, tr = english) {
  const g = findGroup(groupSec);
  return g ? tr(`range.group.${g.key}`) : `${groupSec} s`;
}

/**
 * shortWords is a step's short label at the ends of a slider, in the locale
 * of tr: "5m", "365d"; in German "5 min", "365 Tage".
 */
export function shortWords(key, tr = english) {
  const m = /^(\d+)([smhd])$/.exec(String(key ?? ''));
  if (!m) return String(key ?? '');
  const n = Number(m[1]);
  return tr(`range.short.${m[2]}`, { count: n, n });
}

/** describe puts a choice into words: "last 7 days, 1-hour groups". */
export function describe(windowSec, groupSec, tr = english) {
  return tr('range.describe', { window: windowWords(windowSec, tr), group: groupWords(groupSec, tr) });
}

/**
 * trafficQuery is the request for a window ending now, or at endSec (unix s)
 * when given. The time zone only matters for day buckets, so it is sent
 * only then.
 */
export function trafficQuery(windowSec, groupSec, tz, endSec = null) {
  const q = { window: findWindow(windowSec)?.key ?? String(windowSec), group: findGroup(groupSec)?.key ?? String(groupSec) };
  if (endSec != null) q.end = rfc3339(new Date(endSec * 1000));
  if (groupSec >= DAY && tz) q.tz = tz;
  return q;
}
