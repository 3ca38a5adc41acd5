// The summary cards' periods: today and this month in the browser's local
// time. Each is one request with day buckets in the browser's time zone whose
// window starts exactly at local midnight (or the 1st), so the buckets line
// up with calendar days and the totals cover exactly the period so far.

/** localTimeZone is the browser's IANA zone, e.g. "Europe/Berlin". */
export function localTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** rfc3339 renders a Date with the local UTC offset: 2024-03-05T14:07:09+01:00. */
export function rfc3339(date) {
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  const off = -date.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`
  );
}

function periodQuery(from, now, tz) {
  const end = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const window = Math.max(1, Math.round((end.getTime() - from.getTime()) / 1000));
  const q = { window: String(window), group: '1d', end: rfc3339(end) };
  if (tz) q.tz = tz;
  return q;
}

/** startOfDay and startOfMonth are local midnights. */
export function startOfDay(now) {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d;
}
export function startOfMonth(now) {
  const d = startOfDay(now);
  d.setDate(1);
  return d;
}

/**
 * addDays moves a moment by whole calendar days in local time, keeping its
 * time of day: a day the clocks change on is 23 or 25 hours long, so
 * stepping by 86,400 s would drift off midnight.
 */
export function addDays(tSec, days) {
  const d = new Date(tSec * 1000);
  d.setDate(d.getDate() + days);
  return d.getTime() / 1000;
}

/** todayQuery covers local midnight until now. */
export function todayQuery(now = new Date(), tz = localTimeZone()) {
  return periodQuery(startOfDay(now), now, tz);
}

/** monthQuery covers the 1st of this month, local midnight, until now. */
export function monthQuery(now = new Date(), tz = localTimeZone()) {
  return periodQuery(startOfMonth(now), now, tz);
}

/**
 * periodTotals reduces a traffic answer to totals per interface and overall:
 * {total: {rx, tx}, interfaces: [{name, rx, tx}]}.
 */
export function periodTotals(traffic) {
  return {
    total: { rx: traffic.rx_bytes, tx: traffic.tx_bytes },
    interfaces: (traffic.series ?? [])
      .map((s) => ({ name: s.interface, rx: s.rx_bytes, tx: s.tx_bytes }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** addSample adds a live sample's bytes to period totals in place. */
export function addSample(totals, sample) {
  for (const r of sample?.interfaces ?? []) {
    totals.total.rx += r.rx_bytes;
    totals.total.tx += r.tx_bytes;
    let i = totals.interfaces.find((x) => x.name === r.interface);
    if (!i) {
      i = { name: r.interface, rx: 0, tx: 0 };
      totals.interfaces.push(i);
      totals.interfaces.sort((a, b) => a.name.localeCompare(b.name));
    }
    i.rx += r.rx_bytes;
    i.tx += r.tx_bytes;
  }
}
