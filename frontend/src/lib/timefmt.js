// Local-time labels for the chart's tooltips and the live readout.

import { dateFormat } from './intl.js';

const DAY = 86400;

const TIME = { hour: '2-digit', minute: '2-digit', hour12: false };
const TIME_SEC = { ...TIME, second: '2-digit' };
const DAY_OPTS = { weekday: 'short', day: 'numeric', month: 'short' };
const DAY_YEAR = { ...DAY_OPTS, year: 'numeric' };

/**
 * bucketRange describes the time a bucket covers, in local time:
 * "14:05:10 – 14:05:20", "Tue, 5 Mar, 14:00 – 15:00", "Tue, 5 Mar 2024".
 * withDate adds the day for sub-day buckets (windows longer than a day).
 */
export function bucketRange(tSec, groupSec, withDate = false, locale = undefined) {
  const from = new Date(tSec * 1000);
  const to = new Date((tSec + groupSec) * 1000);
  if (groupSec >= DAY) return dateFormat(locale, DAY_YEAR).format(from);
  const f = dateFormat(locale, groupSec < 60 ? TIME_SEC : TIME);
  const range = `${f.format(from)} – ${f.format(to)}`;
  return withDate ? `${dateFormat(locale, DAY_OPTS).format(from)}, ${range}` : range;
}

/** clock renders a moment as local time of day with seconds. */
export function clock(ms, locale = undefined) {
  return dateFormat(locale, TIME_SEC).format(new Date(ms));
}
