import { describe, expect, it } from 'vitest';
import {
  GROUPS,
  MAX_POINTS,
  WINDOWS,
  adjustGroup,
  availableWindows,
  defaultGroup,
  describe as words,
  pointCount,
  reach,
  shortWords,
  trafficQuery,
  validGroups,
} from './ranges.js';
import { translate } from './i18n.js';

const INTERVALS = [1, 2, 5, 10, 15, 30, 45, 60];

describe('slider steps', () => {
  it('offers the windows a person would pick', () => {
    expect(WINDOWS.map((w) => w.key)).toEqual(['5m', '15m', '30m', '1h', '3h', '6h', '12h', '24h', '2d', '7d', '14d', '30d', '90d', '180d', '365d']);
  });

  it('never offers a combination above the point limit', () => {
    for (const interval of INTERVALS) {
      for (const w of availableWindows(interval)) {
        const groups = validGroups(w.seconds, interval);
        expect(groups.length, `${w.key} @${interval}s`).toBeGreaterThan(0);
        for (const g of groups) {
          expect(pointCount(w.seconds, g.seconds)).toBeLessThanOrEqual(MAX_POINTS);
          expect(Math.ceil(w.seconds / g.seconds)).toBeLessThanOrEqual(MAX_POINTS - 1);
          expect(g.seconds).toBeGreaterThanOrEqual(interval);
        }
      }
    }
  });

  it('offers every window for every allowed poll interval', () => {
    for (const interval of INTERVALS) expect(availableWindows(interval)).toHaveLength(WINDOWS.length);
  });

  it('never groups finer than the poll interval', () => {
    expect(validGroups(300, 10).map((g) => g.key)).toEqual(['10s', '30s', '1m']);
    expect(validGroups(300, 60).map((g) => g.key)).toEqual(['1m']);
    expect(validGroups(300, 1).map((g) => g.key)).toEqual(['1s', '5s', '10s', '30s', '1m']);
  });

  it('has the expected coarse end', () => {
    expect(validGroups(365 * 86400).map((g) => g.key)).toEqual(['6h', '12h', '1d']);
    expect(validGroups(86400).map((g) => g.key)).toEqual(['1m', '5m', '15m', '30m', '1h', '3h']);
  });

  it('would reject a too-fine grouping a request could ask for', () => {
    // The check validGroups applies is what keeps requests small.
    expect(validGroups(86400).some((g) => g.key === '30s')).toBe(false);
    expect(pointCount(86400, 30)).toBeGreaterThan(MAX_POINTS);
  });
});

describe('windows before the one-second history', () => {
  const DAY = 86400;
  it('offers only whole minutes for a window that starts more than a day ago', () => {
    const now = 1_800_000_000;
    const cases = [
      { name: 'live hour', window: 3600, end: null, finest: '5s' },
      { name: 'hour ending 23 h ago', window: 3600, end: now - 23 * 3600, finest: '5s' },
      { name: 'hour ending 23.5 h ago', window: 3600, end: now - 23.5 * 3600, finest: '1m' },
      { name: 'hour two days back', window: 3600, end: now - 2 * DAY, finest: '1m' },
      { name: 'five minutes a week back', window: 300, end: now - 7 * DAY, finest: '1m' },
    ];
    for (const c of cases) {
      const groups = validGroups(c.window, 1, reach(c.window, c.end, now));
      expect(groups[0].key, c.name).toBe(c.finest);
      expect(groups.length, c.name).toBeGreaterThan(0);
    }
  });

  it('moves a sub-minute grouping to whole minutes when the view goes back', () => {
    const now = 1_800_000_000;
    expect(adjustGroup(3600, 10, 1, reach(3600, null, now))).toBe(10);
    const g = adjustGroup(3600, 10, 1, reach(3600, now - 2 * DAY, now));
    expect(g % 60).toBe(0);
    expect(g).toBe(defaultGroup(3600, 1, 3600 + 2 * DAY));
  });
});

describe('adjustGroup', () => {
  it('keeps a grouping that still fits', () => {
    expect(adjustGroup(7 * 86400, 3600)).toBe(3600);
  });

  it('moves a too-fine grouping up when the window grows', () => {
    const g = adjustGroup(365 * 86400, 1);
    expect(g).toBeGreaterThan(1);
    expect(pointCount(365 * 86400, g)).toBeLessThanOrEqual(MAX_POINTS);
  });

  it('moves a too-coarse grouping down when the window shrinks', () => {
    const g = adjustGroup(300, 86400);
    expect(g).toBeLessThanOrEqual(60);
  });

  it('picks a grouping from every window for every start', () => {
    for (const interval of INTERVALS) {
      for (const w of WINDOWS) {
        for (const start of GROUPS) {
          const g = adjustGroup(w.seconds, start.seconds, interval);
          expect(validGroups(w.seconds, interval).map((x) => x.seconds)).toContain(g);
        }
      }
    }
  });

  it('defaults to a comfortable number of points', () => {
    expect(defaultGroup(3600)).toBe(10);
    expect(defaultGroup(7 * 86400)).toBe(1800);
    expect(defaultGroup(365 * 86400)).toBe(86400);
  });
});

describe('describe', () => {
  it('puts the choice into words', () => {
    expect(words(7 * 86400, 3600)).toBe('last 7 days, 1-hour groups');
    expect(words(3600, 10)).toBe('last hour, 10-second groups');
    expect(words(300, 1)).toBe('last 5 minutes, 1-second groups');
  });
});

describe('trafficQuery', () => {
  it('maps slider positions to query parameters', () => {
    expect(trafficQuery(3600, 10, 'Europe/Berlin')).toEqual({ window: '1h', group: '10s' });
    expect(trafficQuery(30 * 86400, 86400, 'Europe/Berlin')).toEqual({ window: '30d', group: '1d', tz: 'Europe/Berlin' });
    expect(trafficQuery(7 * 86400, 1800)).toEqual({ window: '7d', group: '30m' });
  });
  it('sends an end only for a view moved back in time', () => {
    const end = Date.UTC(2026, 2, 5, 18) / 1000;
    const q = trafficQuery(3600, 10, 'UTC', end);
    expect(Date.parse(q.end) / 1000).toBe(end);
    expect(trafficQuery(3600, 10, 'UTC', null).end).toBeUndefined();
  });
});

describe('shortWords', () => {
  const cases = [
    { name: 'minutes', key: '5m', loc: 'en', want: '5m' },
    { name: 'days', key: '365d', loc: 'en', want: '365d' },
    { name: 'English by default', key: '1s', want: '1s' },
    { name: 'German minutes', key: '5m', loc: 'de', want: '5 min' },
    { name: 'German one day', key: '1d', loc: 'de', want: '1 Tag' },
    { name: 'German days', key: '365d', loc: 'de', want: '365 Tage' },
    { name: 'Chinese hours', key: '12h', loc: 'zh', want: '12 小时' },
    { name: 'not a step', key: 'soon', loc: 'de', want: 'soon' },
    { name: 'nothing', key: undefined, loc: 'de', want: '' },
  ];
  for (const c of cases) {
    it(c.name, () => expect(c.loc ? shortWords(c.key, (k, v) => translate(c.loc, k, v)) : shortWords(c.key)).toBe(c.want));
  }
});
