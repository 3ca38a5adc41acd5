import { describe, expect, it } from 'vitest';
import {
  checkNotifierForm,
  checkPlanForm,
  daysLeft,
  emptyPlanForm,
  fieldOf,
  formatPercent,
  needsPassword,
  planCard,
  planLevel,
  planToForm,
  splitCap,
} from './plans.js';

const DEC15 = Date.UTC(2026, 11, 14, 23) / 1000; // 15 Dec 00:00 in Berlin

function plan(over = {}, usage = {}) {
  return {
    id: 1,
    name: 'Home',
    interfaces: ['eth0'],
    direction: 'both',
    cap_bytes: 500e9,
    period: 'month',
    reset_day: 15,
    reset_hour: 0,
    tz: 'Europe/Berlin',
    thresholds: [100, 80],
    ...over,
    usage: {
      cycle_start: DEC15 - 30 * 86400,
      cycle_end: DEC15,
      rx_bytes: 400e9,
      tx_bytes: 12e9,
      used_bytes: 412e9,
      percent: 82.4,
      projected_bytes: 520e9,
      projected_percent: 104,
      cap_reached_at: DEC15 - 2 * 86400,
      thresholds_reached: [80],
      ...usage,
    },
  };
}

describe('planCard', () => {
  const now = DEC15 - 8.5 * 86400;
  it.each([
    ['under the first threshold', { used_bytes: 100e9, percent: 20 }, 'ok', 20, '20 %'],
    ['at the first threshold', { used_bytes: 400e9, percent: 80 }, 'warn', 80, '80 %'],
    ['between the thresholds', {}, 'warn', 82.4, '82 %'],
    ['at the cap', { used_bytes: 500e9, percent: 100 }, 'over', 100, '100 %'],
    ['past the cap, bar full', { used_bytes: 600e9, percent: 120 }, 'over', 100, '120 %'],
  ])('%s', (_, usage, level, bar, text) => {
    const c = planCard(plan({}, usage), { nowSec: now, locale: 'en-GB' });
    expect(c.level).toBe(level);
    expect(c.bar).toBe(bar);
    expect(c.percentText).toBe(text);
  });

  it('shows the API numbers with the reset date in the plan zone', () => {
    const c = planCard(plan(), { nowSec: now, locale: 'en-GB' });
    expect(c.used).toBe(412e9);
    expect(c.cap).toBe(500e9);
    expect(c.usedText).toBe('412 GB');
    expect(c.capText).toBe('500 GB');
    expect(c.projectedText).toBe('520 GB');
    expect(c.projectedPercentText).toBe('104 %');
    expect(c.resetText).toBe('15 Dec');
    expect(c.left).toBe('9 days left');
    expect(c.capReachedText).toMatch(/^At this rate the cap is reached on 13 Dec/);
  });

  it('formats the reset date in the locale', () => {
    expect(planCard(plan(), { nowSec: now, locale: 'en-US' }).resetText).toBe('Dec 15');
    expect(planCard(plan(), { nowSec: now, locale: 'de-DE' }).resetText).toBe('15. Dez.');
  });

  it('uses the IEC prefixes when asked', () => {
    const c = planCard(plan({ cap_bytes: 2 ** 40 }, { used_bytes: 2 ** 39, percent: 50 }), { nowSec: now, prefix: 'iec' });
    expect(c.usedText).toBe('512 GiB');
    expect(c.capText).toBe('1.00 TiB');
  });

  it('without a cap shows the cycle usage only', () => {
    const c = planCard(plan({ cap_bytes: 0 }, { percent: null, projected_percent: null, cap_reached_at: null }), { nowSec: now });
    expect(c.hasCap).toBe(false);
    expect(c.percentText).toBe('');
    expect(c.capText).toBe('');
    expect(c.level).toBe('ok');
    expect(c.capReachedText).toBe('');
    expect(c.usedText).toBe('412 GB');
  });

  it('says the cap is reached once it is', () => {
    expect(planCard(plan({}, { percent: 101, used_bytes: 505e9 }), { nowSec: now }).capReachedText).toBe('Cap reached');
  });

  it('says nothing about the cap when this cycle will not reach it', () => {
    expect(planCard(plan({}, { cap_reached_at: null }), { nowSec: now }).capReachedText).toBe('');
  });
});

describe('planLevel', () => {
  it.each([
    [null, [80], 'ok'],
    [79.9, [80, 100], 'ok'],
    [80, [100, 80], 'warn'],
    [50, [], 'ok'],
    [150, [], 'over'],
    [10, [5], 'warn'],
  ])('%s %% with %j is %s', (p, t, want) => expect(planLevel(p, t)).toBe(want));
});

describe('formatPercent and daysLeft', () => {
  it.each([
    [0, '0 %'],
    [0.42, '0.4 %'],
    [82.9, '82 %'],
    [1000, '1000 %'],
    [null, '–'],
  ])('formatPercent(%s)', (p, want) => expect(formatPercent(p)).toBe(want));

  it.each([
    ['days', 8.2 * 86400, '9 days left'],
    ['one day', 86400, '1 day left'],
    ['hours', 5 * 3600, '5 hours left'],
    ['minutes', 600, 'less than an hour left'],
    ['past', -5, 'resetting now'],
  ])('daysLeft: %s', (_, left, want) => expect(daysLeft(1000 + left, 1000)).toBe(want));
});

describe('checkPlanForm', () => {
  const good = { ...emptyPlanForm('si', 'Europe/Berlin'), name: 'Home', interfaces: ['eth0'], capValue: '500', reset_day: '15' };

  it('turns a good form into the API body', () => {
    const { id, usage, ...body } = plan();
    expect(checkPlanForm(good)).toEqual({ plan: { ...body, thresholds: [80, 100] } });
  });

  it.each([
    ['no name', { name: '  ' }, 'name'],
    ['no interface', { interfaces: [] }, 'interfaces'],
    ['reset day 0', { reset_day: '0' }, 'reset_day'],
    ['reset day 32', { reset_day: '32' }, 'reset_day'],
    ['reset day not a number', { reset_day: 'x' }, 'reset_day'],
    ['weekday 8', { period: 'week', reset_day: '8' }, 'reset_day'],
    ['reset hour 24', { reset_hour: '24' }, 'reset_hour'],
    ['negative cap', { capValue: '-1' }, 'cap_bytes'],
    ['cap not a number', { capValue: 'lots' }, 'cap_bytes'],
    ['absurd cap', { capValue: '1e30' }, 'cap_bytes'],
    ['threshold 0', { thresholds: '0, 80' }, 'thresholds'],
    ['threshold 1001', { thresholds: '1001' }, 'thresholds'],
    ['threshold fraction', { thresholds: '80.5' }, 'thresholds'],
    ['nine thresholds', { thresholds: '10 20 30 40 50 60 70 80 90' }, 'thresholds'],
    ['unknown zone', { tz: 'Mars/Olympus' }, 'tz'],
    ['unknown direction', { direction: 'up' }, 'direction'],
  ])('%s', (_, change, field) => {
    const r = checkPlanForm({ ...good, ...change });
    expect(r.plan).toBeUndefined();
    expect(Object.keys(r.errors)).toEqual([field]);
    expect(r.errors[field]).toBeTruthy();
  });

  it.each([
    ['no cap', { capValue: '' }, 'cap_bytes', 0],
    ['cap 0', { capValue: '0' }, 'cap_bytes', 0],
    ['decimal comma', { capValue: '1,5', capUnit: 'TB' }, 'cap_bytes', 1.5e12],
    ['IEC unit', { capValue: '2', capUnit: 'GiB' }, 'cap_bytes', 2 * 2 ** 30],
    ['day plan ignores the reset day', { period: 'day', reset_day: '99' }, 'reset_day', 1],
    ['thresholds with % and duplicates', { thresholds: '100%, 50, 50' }, 'thresholds', [50, 100]],
    ['eight thresholds', { thresholds: '1 2 3 4 5 6 7 1000' }, 'thresholds', [1, 2, 3, 4, 5, 6, 7, 1000]],
    ['no thresholds', { thresholds: '' }, 'thresholds', []],
  ])('accepts %s', (_, change, field, want) => {
    const r = checkPlanForm({ ...good, ...change }, change.capUnit?.endsWith('iB') ? 'iec' : 'si');
    expect(r.errors).toBeUndefined();
    expect(r.plan[field]).toEqual(want);
  });

  it('round-trips a saved plan through the form', () => {
    const p = { ...plan(), usage: undefined };
    delete p.usage;
    delete p.id;
    const back = checkPlanForm(planToForm(p)).plan;
    expect(back).toEqual({ ...p, thresholds: [80, 100] });
  });
});

describe('splitCap', () => {
  it.each([
    [0, 'si', { value: '', unit: 'GB' }],
    [500e9, 'si', { value: '500', unit: 'GB' }],
    [1.5e12, 'si', { value: '1.5', unit: 'TB' }],
    [300e6, 'si', { value: '300', unit: 'MB' }],
    [2 ** 30, 'iec', { value: '1', unit: 'GiB' }],
  ])('%s %s', (b, prefix, want) => expect(splitCap(b, prefix)).toEqual(want));
});

describe('checkNotifierForm', () => {
  const good = { name: 'Phone', url: 'ntfy://ntfy.sh/my-topic', events: ['plan'] };
  it('accepts a Shoutrrr URL and a webhook', () => {
    expect(checkNotifierForm(good).notifier).toEqual(good);
    expect(checkNotifierForm({ ...good, url: 'https://example.com/hook' }).notifier.url).toBe('https://example.com/hook');
  });
  it.each([
    ['no name', { name: '' }, 'name'],
    ['no URL', { url: '' }, 'url'],
    ['no scheme', { url: 'example.com/hook' }, 'url'],
    ['no events', { events: [] }, 'events'],
  ])('%s', (_, change, field) => {
    expect(Object.keys(checkNotifierForm({ ...good, ...change }).errors)).toEqual([field]);
  });
});

describe('fieldOf', () => {
  it.each([
    ['reset_day: 32 is not 1–31', 'reset_day'],
    ['cap_bytes must not be negative', 'cap_bytes'],
    ['thresholds: at most 8', 'thresholds'],
    ['unknown interface "nope0"', 'interfaces'],
    ['interfaces: "nope0" is not known', 'interfaces'],
    ['invalid JSON', ''],
    ['tz: unknown time zone "Mars/Olympus"', 'tz'],
  ])('%s', (msg, want) => expect(fieldOf(msg)).toBe(want));

  it('finds notifier fields', () => {
    expect(fieldOf('url: missing scheme', ['name', 'url', 'events'])).toBe('url');
  });
});

describe('needsPassword', () => {
  it('is the 403 answer', () => {
    expect(needsPassword({ status: 403, message: 'set NETPULSE_PASSWORD' })).toBe(true);
    expect(needsPassword({ status: 400, message: 'url' })).toBe(false);
  });
});
