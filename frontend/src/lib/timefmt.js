// Local-time labels for the chart's tooltips and the live readout.

const DAY = 86400;

const fmtTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
const fmtTimeSec = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const fmtDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const fmtDayYear = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });

/**
 * bucketRange describes the time a bucket covers, in local time:
 * "14:05:10 – 14:05:20", "Tue, 5 Mar, 14:00 – 15:00", "Tue, 5 Mar 2024".
 * withDate adds the day for sub-day buckets (windows longer than a day).
 */
export function bucketRange(tSec, groupSec, withDate = false) {
  const from = new Date(tSec * 1000);
  const to = new Date((tSec + groupSec) * 1000);
  if (groupSec >= DAY) return fmtDayYear.format(from);
  const f = groupSec < 60 ? fmtTimeSec : fmtTime;
  const range = `${f.format(from)} – ${f.format(to)}`;
  return withDate ? `${fmtDay.format(from)}, ${range}` : range;
}

/** clock renders a moment as local time of day with seconds. */
export function clock(ms) {
  return fmtTimeSec.format(new Date(ms));
}
