// The steps of the time-window and grouping sliders, and the rules that keep
// them consistent: a request never asks for more than MAX_POINTS buckets, and
// never for a grouping finer than the server's poll interval.

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

/** WINDOWS are the time-window slider's steps, shortest first. */
export const WINDOWS = [
  { key: '5m', seconds: 5 * MIN, words: '5 minutes' },
  { key: '15m', seconds: 15 * MIN, words: '15 minutes' },
  { key: '30m', seconds: 30 * MIN, words: '30 minutes' },
  { key: '1h', seconds: HOUR, words: 'hour' },
  { key: '3h', seconds: 3 * HOUR, words: '3 hours' },
  { key: '6h', seconds: 6 * HOUR, words: '6 hours' },
  { key: '12h', seconds: 12 * HOUR, words: '12 hours' },
  { key: '24h', seconds: DAY, words: '24 hours' },
  { key: '2d', seconds: 2 * DAY, words: '2 days' },
  { key: '7d', seconds: 7 * DAY, words: '7 days' },
  { key: '14d', seconds: 14 * DAY, words: '14 days' },
  { key: '30d', seconds: 30 * DAY, words: '30 days' },
  { key: '90d', seconds: 90 * DAY, words: '90 days' },
  { key: '180d', seconds: 180 * DAY, words: '180 days' },
  { key: '365d', seconds: 365 * DAY, words: '365 days' },
];

/** GROUPS are the grouping slider's steps, finest first. */
export const GROUPS = [
  { key: '1s', seconds: 1, words: '1-second' },
  { key: '5s', seconds: 5, words: '5-second' },
  { key: '10s', seconds: 10, words: '10-second' },
  { key: '30s', seconds: 30, words: '30-second' },
  { key: '1m', seconds: MIN, words: '1-minute' },
  { key: '5m', seconds: 5 * MIN, words: '5-minute' },
  { key: '15m', seconds: 15 * MIN, words: '15-minute' },
  { key: '30m', seconds: 30 * MIN, words: '30-minute' },
  { key: '1h', seconds: HOUR, words: '1-hour' },
  { key: '3h', seconds: 3 * HOUR, words: '3-hour' },
  { key: '6h', seconds: 6 * HOUR, words: '6-hour' },
  { key: '12h', seconds: 12 * HOUR, words: '12-hour' },
  { key: '1d', seconds: DAY, words: '1-day' },
];

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

/** validGroups lists the groupings offered for a window and poll interval. */
export function validGroups(windowSec, intervalSec = 1) {
  return GROUPS.filter(
    (g) =>
      g.seconds >= intervalSec &&
      pointCount(windowSec, g.seconds) <= MAX_POINTS &&
      windowSec / g.seconds >= MIN_POINTS,
  );
}

/** availableWindows lists the windows that have at least one grouping. */
export function availableWindows(intervalSec = 1) {
  return WINDOWS.filter((w) => validGroups(w.seconds, intervalSec).length > 0);
}

/** defaultGroup is the finest comfortable grouping for a window. */
export function defaultGroup(windowSec, intervalSec = 1) {
  const groups = validGroups(windowSec, intervalSec);
  return (groups.find((g) => pointCount(windowSec, g.seconds) <= COMFORT_POINTS) ?? groups[0]).seconds;
}

/**
 * adjustGroup keeps the current grouping when it is still valid for a new
 * window and otherwise switches to that window's default.
 */
export function adjustGroup(windowSec, groupSec, intervalSec = 1) {
  const groups = validGroups(windowSec, intervalSec);
  if (groups.some((g) => g.seconds === groupSec)) return groupSec;
  return defaultGroup(windowSec, intervalSec);
}

/** findWindow and findGroup look steps up by key or by seconds. */
export function findWindow(keyOrSeconds) {
  return WINDOWS.find((w) => w.key === keyOrSeconds || w.seconds === keyOrSeconds);
}
export function findGroup(keyOrSeconds) {
  return GROUPS.find((g) => g.key === keyOrSeconds || g.seconds === keyOrSeconds);
}

/** describe puts a choice into words: "last 7 days, 1-hour groups". */
export function describe(windowSec, groupSec) {
  const w = findWindow(windowSec);
  const g = findGroup(groupSec);
  return `last ${w ? w.words : `${windowSec} seconds`}, ${g ? g.words : `${groupSec}-second`} groups`;
}

/**
 * trafficQuery is the request for a window ending now. The time zone only
 * matters for day buckets, so it is sent only then.
 */
export function trafficQuery(windowSec, groupSec, tz) {
  const q = { window: findWindow(windowSec)?.key ?? String(windowSec), group: findGroup(groupSec)?.key ?? String(groupSec) };
  if (groupSec >= DAY && tz) q.tz = tz;
  return q;
}
