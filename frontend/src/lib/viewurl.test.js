import { describe, expect, it } from 'vitest';
import { hasView, isoDay, jumpTo, parseDay, parseView, step, viewSearch, zoom } from './viewurl.js';
import { inZone } from './inzone.testutil.js';

const base = { windowSec: 3600, groupSec: 10, end: null, mode: 'combined' };
const NOW = Date.UTC(2026, 2, 15, 12, 0, 0) / 1000;

describe('parseView', () => {
  const cases = [
    { name: 'empty: the base view', search: '', want: base },
    { name: 'full view', search: '?w=7d&g=1h&end=2026-03-05T18:00:00Z&lines=interfaces', want: { windowSec: 7 * 86400, groupSec: 3600, end: Date.UTC(2026, 2, 5, 18) / 1000, mode: 'interfaces' } },
    { name: 'end with an offset', search: '?w=1h&g=1m&end=2026-03-05T19:00:00%2B01:00', want: { ...base, groupSec: 60, end: Date.UTC(2026, 2, 5, 18) / 1000 } },
    { name: 'unknown window keeps the base one', search: '?w=3y&g=1m', want: { ...base, groupSec: 60 } },
    { name: 'grouping that does not fit the window is adjusted', search: '?w=365d&g=1s', want: { ...base, windowSec: 365 * 86400, groupSec: 86400 } },
    { name: 'bad end is live', search: '?end=yesterday', want: base },
    { name: 'bad lines keeps the base', search: '?lines=stacked', want: base },
  ];
  for (const c of cases) it(c.name, () => expect(parseView(c.search, base)).toEqual(c.want));

  it('round-trips through viewSearch', () => {
    const views = [base, { windowSec: 86400, groupSec: 300, end: NOW - 86400, mode: 'interfaces' }];
    for (const v of views) expect(parseView(viewSearch(v), base)).toEqual(v);
  });
  it('writes no end for a live view', () => {
    expect(viewSearch(base)).toBe('?w=1h&g=10s&lines=combined');
    expect(hasView('?w=1h')).toBe(true);
    expect(hasView('?utm=x')).toBe(false);
  });
});

describe('moving through time', () => {
  const cases = [
    { name: 'back from live', got: () => step(base, -1, NOW), want: { ...base, end: NOW - 3600 } },
    { name: 'back again', got: () => step({ ...base, end: NOW - 3600 }, -1, NOW), want: { ...base, end: NOW - 7200 } },
    { name: 'forward', got: () => step({ ...base, end: NOW - 7200 }, 1, NOW), want: { ...base, end: NOW - 3600 } },
    { name: 'forward to now is live', got: () => step({ ...base, end: NOW - 3600 }, 1, NOW), want: base },
    { name: 'forward from live stays live', got: () => step(base, 1, NOW), want: base },
    { name: 'a date: the window ends at the end of that local day', got: () => jumpTo(base, '2026-03-01', NOW), want: { ...base, end: new Date(2026, 2, 2).getTime() / 1000 } },
    { name: 'today is live', got: () => jumpTo(base, isoDay(NOW), NOW), want: base },
    { name: 'a bad date changes nothing', got: () => jumpTo({ ...base, end: 5 }, '2026-3-1', NOW), want: { ...base, end: 5 } },
  ];
  for (const c of cases) it(c.name, () => expect(c.got()).toEqual(c.want));
});

describe('typing a date into the date field', () => {
  // Chromium reports the value as each part of the date is complete: typing
  // 11032025 into month, day, year passes through years 0002, 0020, 0202.
  const still = { ...base, end: NOW - 86400 };
  const cases = [
    { name: 'year 0002 on the way to 2025 changes nothing', day: '0002-11-03', want: still },
    { name: 'year 0020 changes nothing (not 1920)', day: '0020-11-03', want: still },
    { name: 'year 0202 changes nothing', day: '0202-11-03', want: still },
    { name: 'a year before 1970 changes nothing', day: '1925-11-03', want: still },
    { name: 'the finished date shows that day', day: '2025-11-03', want: { ...still, end: new Date(2025, 10, 4).getTime() / 1000 } },
    { name: 'a day after today changes nothing', day: '2026-03-16', want: still },
    { name: 'a day the calendar does not have changes nothing', day: '2025-02-30', want: still },
    { name: 'an empty field changes nothing', day: '', want: still },
  ];
  for (const c of cases) it(c.name, () => expect(jumpTo(still, c.day, NOW)).toEqual(c.want));

  it('reads complete, plausible dates only', () => {
    expect(parseDay('1970-01-01', NOW)?.getFullYear()).toBe(1970);
    expect(parseDay('0099-12-31', NOW)).toBeNull();
    expect(parseDay(isoDay(NOW), NOW)).not.toBeNull();
  });
});

describe('Earlier and Later across a change of the clocks', () => {
  // Berlin's clocks go forward on 29 March 2026: that day has 23 hours.
  const berlinMidnight = (d) => Date.UTC(2026, 2, d - 1, 23) / 1000; // CET, +01:00
  const summerMidnight = (d) => Date.UTC(2026, 2, d - 1, 22) / 1000; // CEST, +02:00
  const day = { windowSec: 86400, groupSec: 3600, mode: 'combined' };
  const now = Date.UTC(2026, 5, 1) / 1000;
  const cases = [
    {
      name: 'the day 30 March stepped back twice ends at midnight on 29 March, not 23:00 on the 28th',
      got: () => step(step(jumpTo({ ...day, end: null }, '2026-03-30', now), -1, now), -1, now),
      want: { ...day, end: berlinMidnight(29) },
    },
    {
      name: 'stepped back over the short day it ends at midnight',
      got: () => step({ ...day, end: summerMidnight(30) }, -1, now),
      want: { ...day, end: berlinMidnight(29) },
    },
    {
      name: 'stepped forward over the short day it ends at midnight',
      got: () => step({ ...day, end: berlinMidnight(29) }, 1, now),
      want: { ...day, end: summerMidnight(30) },
    },
    {
      name: 'a 7-day window steps by 7 calendar days',
      got: () => step({ ...day, windowSec: 7 * 86400, end: summerMidnight(31) }, -1, now),
      want: { ...day, windowSec: 7 * 86400, end: berlinMidnight(24) },
    },
    {
      name: 'a 6-hour window steps by 6 hours of elapsed time',
      got: () => step({ ...day, windowSec: 6 * 3600, end: summerMidnight(30) }, -1, now),
      want: { ...day, windowSec: 6 * 3600, end: summerMidnight(30) - 6 * 3600 },
    },
    { name: 'stepping forward up to now is live', got: () => step({ ...day, end: now - 3600 }, 1, now), want: { ...day, end: null } },
  ];
  for (const c of cases) it(c.name, () => inZone('Europe/Berlin', () => expect(c.got()).toEqual(c.want)));
});

describe('zoom', () => {
  const week = { windowSec: 7 * 86400, groupSec: 3600, end: null, mode: 'combined' };
  it('snaps to the shortest window holding the range, centred', () => {
    const from = NOW - 3 * 86400;
    const v = zoom(week, from, from + 2.5 * 3600, NOW);
    expect(v.windowSec).toBe(3 * 3600);
    expect(v.end).toBe(from + 2.5 * 3600 + 0.25 * 3600);
    expect(v.groupSec).toBeLessThan(3600);
  });
  it('works dragged right to left', () => {
    expect(zoom(week, NOW - 86400, NOW - 86400 - 5 * 3600, NOW).windowSec).toBe(6 * 3600);
  });
  it('a range reaching now stays live', () => {
    expect(zoom(week, NOW - 3000, NOW, NOW).end).toBeNull();
  });
  it('a click is not a zoom', () => {
    expect(zoom(week, NOW - 100, NOW - 90, NOW)).toBeNull();
  });
});
