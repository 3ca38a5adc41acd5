import { describe, expect, it } from 'vitest';
import {
  checkNotifierForm,
  checkPlanForm,
  daysLeft,
  emptyPlanForm,
  eventList,
  eventWords,
  fieldOf,
  formatPercent,
  needsPassword,
  planCard,
  planLevel,
  planSummary,
  planToForm,
  splitCap,
  switchPeriod,
  weekdayNames,
} from './plans.js';
import { translate } from './i18n.js';

// The translate functions the page passes as $t.
const TR = {
  en: (key, vars) => translate('en', key, vars),
  de: (key, vars) => translate('de', key, vars),
  zh: (key, vars) => translate('zh', key, vars),
};
const en = TR.en;

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
    const c = planCard(plan({}, usage), { nowSec: now, locale: 'en-GB', tr: en });
    expect(c.level).toBe(level);
    expect(c.bar).toBe(bar);
    expect(c.percentText).toBe(text);
  });

  it('shows the API numbers with the reset date in the plan zone', () => {
    const c = planCard(plan(), { nowSec: now, locale: 'en-GB', tr: en });
    expect(c.used).toBe(412e9);
    expect(c.cap).toBe(500e9);
    expect(c.usedText).toBe('412 GB');
    expect(c.capText).toBe('500 GB');
    expect(c.projectedText).toBe('520 GB');
    expect(c.projectedPercentText).toBe('104 %');
    expect(c.projectedLine).toBe('520 GB\u00a0(104 %)');
    expect(c.resetText).toBe('15 Dec');
    expect(c.left).toBe('9 days left');
    expect(c.capReachedText).toMatch(/^At this rate the cap is reached on 13 Dec/);
    expect(c.bytesText).toBe('Bytes received and sent');
  });

  it.each([
    {
      name: 'German',
      locale: 'de',
      want: { usedText: '412 GB', percentText: '82 %', resetText: '15. Dez.', left: 'noch 9 Tage', bytesText: 'Empfangene und gesendete Bytes' },
      capReached: /^Bei diesem Tempo ist das Limit am 13\. Dez\./,
    },
    {
      name: 'Chinese',
      locale: 'zh',
      want: { usedText: '412 GB', percentText: '82%', resetText: '12月15日', left: '剩余 9 天', bytesText: '接收和发送的字节', projectedLine: '520 GB（104%）' },
      capReached: /^按此速度，将于 12月13日/,
    },
  ])('speaks $name', ({ locale, want, capReached }) => {
    const c = planCard(plan(), { nowSec: now, locale, tr: TR[locale] });
    expect(c).toMatchObject(want);
    expect(c.capReachedText).toMatch(capReached);
  });

  it('writes the German decimal comma', () => {
    const c = planCard(plan({ cap_bytes: 2 ** 40 }, { used_bytes: 1.5 * 2 ** 30, percent: 0.14 }), { nowSec: now, prefix: 'iec', locale: 'de', tr: TR.de });
    expect(c.usedText).toBe('1,50 GiB');
    expect(c.percentText).toBe('0,1 %');
  });

  it('without a translate function shows the catalogue keys', () => {
    const c = planCard(plan(), { nowSec: now });
    expect(c.left).toBe('plan.daysLeft');
    expect(c.bytesText).toBe('plan.bytes.both');
  });

  it('formats the reset date in the locale', () => {
    expect(planCard(plan(), { nowSec: now, locale: 'en-US', tr: en }).resetText).toBe('Dec 15');
    expect(planCard(plan(), { nowSec: now, locale: 'de-DE', tr: TR.de }).resetText).toBe('15. Dez.');
  });

  it('uses the IEC prefixes when asked', () => {
    const c = planCard(plan({ cap_bytes: 2 ** 40 }, { used_bytes: 2 ** 39, percent: 50 }), { nowSec: now, prefix: 'iec', tr: en });
    expect(c.usedText).toBe('512 GiB');
    expect(c.capText).toBe('1.00 TiB');
  });

  it('without a cap shows the cycle usage only', () => {
    const c = planCard(plan({ cap_bytes: 0 }, { percent: null, projected_percent: null, cap_reached_at: null }), { nowSec: now, tr: en });
    expect(c.hasCap).toBe(false);
    expect(c.percentText).toBe('');
    expect(c.capText).toBe('');
    expect(c.level).toBe('ok');
    expect(c.capReachedText).toBe('');
    expect(c.usedText).toBe('412 GB');
  });

  it('says the cap is reached once it is', () => {
    expect(planCard(plan({}, { percent: 101, used_bytes: 505e9 }), { nowSec: now, tr: en }).capReachedText).toBe('Cap reached');
    expect(planCard(plan({}, { percent: 101, used_bytes: 505e9 }), { nowSec: now, locale: 'de', tr: TR.de }).capReachedText).toBe('Limit erreicht');
  });

  it('says nothing about the cap when this cycle will not reach it', () => {
    expect(planCard(plan({}, { cap_reached_at: null }), { nowSec: now, tr: en }).capReachedText).toBe('');
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

describe('formatPercent', () => {
  const cases = [
    { name: 'zero', p: 0, want: '0 %' },
    { name: 'below one, one decimal', p: 0.42, want: '0.4 %' },
    { name: 'tenths round down too', p: 0.99, want: '0.9 %' },
    { name: 'some use below a tenth is not 0.0 %', p: 0.04, want: '< 0.1 %' },
    { name: 'a tenth', p: 0.1, want: '0.1 %' },
    { name: 'German, below a tenth', p: 0.004, loc: 'de', want: '< 0,1 %' },
    { name: 'Chinese, below a tenth', p: 0.004, loc: 'zh', want: '<0.1%' },
    { name: 'whole percents round down', p: 82.9, want: '82 %' },
    { name: 'no grouping', p: 1000, want: '1000 %' },
    { name: 'nothing to show', p: null, want: '–' },
    { name: 'English catalogue', p: 82.9, loc: 'en', want: '82 %' },
    { name: 'German decimal comma', p: 0.42, loc: 'de', want: '0,4 %' },
    { name: 'German, no grouping', p: 1000, loc: 'de', want: '1000 %' },
    { name: 'Chinese, no space', p: 82.9, loc: 'zh', want: '82%' },
    { name: 'English catalogue, below a tenth', p: 0.01, loc: 'en', want: '< 0.1 %' },
  ];
  for (const c of cases) {
    it(c.name, () => expect(c.loc ? formatPercent(c.p, c.loc, TR[c.loc]) : formatPercent(c.p)).toBe(c.want));
  }
});

describe('daysLeft', () => {
  const cases = [
    { name: 'days', left: 8.2 * 86400, loc: 'en', want: '8 days left' },
    { name: 'one day', left: 86400, loc: 'en', want: '1 day left' },
    { name: 'hours', left: 5 * 3600, loc: 'en', want: '5 hours left' },
    { name: 'whole hours: 5 h 50 min is 5 hours', left: 5 * 3600 + 50 * 60, loc: 'en', want: '5 hours left' },
    { name: 'minutes', left: 600, loc: 'en', want: 'less than an hour left' },
    { name: 'past', left: -5, loc: 'en', want: 'resetting now' },
    { name: 'German days', left: 8.2 * 86400, loc: 'de', want: 'noch 8 Tage' },
    { name: 'German one day', left: 86400, loc: 'de', want: 'noch 1 Tag' },
    { name: 'German hours', left: 5 * 3600, loc: 'de', want: 'noch 5 Stunden' },
    { name: 'German minutes', left: 600, loc: 'de', want: 'noch weniger als eine Stunde' },
    { name: 'German past', left: 0, loc: 'de', want: 'wird jetzt zurückgesetzt' },
    { name: 'Chinese days', left: 8.2 * 86400, loc: 'zh', want: '剩余 8 天' },
    { name: 'Chinese one day', left: 86400, loc: 'zh', want: '剩余 1 天' },
  ];
  for (const c of cases) it(c.name, () => expect(daysLeft(1000 + c.left, 1000, TR[c.loc], c.loc, 'UTC')).toBe(c.want));

  // The card says "Resets: 31 Dec"; the days left are read off that date.
  const berlin = (d, h) => Date.UTC(2026, 11, d, h - 1) / 1000; // CET, +01:00
  const dated = [
    { name: 'on 7 Dec at 05:00, a reset on 31 Dec at 00:00 is 24 days off', now: berlin(7, 5), end: berlin(31, 0), want: '24 days left' },
    { name: 'on 7 Dec at 05:00, a reset on 31 Dec at 06:00 is 24 days off, not 25', now: berlin(7, 5), end: berlin(31, 6), want: '24 days left' },
    { name: 'on 7 Dec at 23:00, a reset on 8 Dec at 23:30 is 1 day off', now: berlin(7, 23), end: berlin(8, 23.5), want: '1 day left' },
    { name: 'on 7 Dec at 23:00, a reset on 8 Dec at 06:00 is 7 hours off, not 1 day', now: berlin(7, 23), end: berlin(8, 6), want: '7 hours left' },
    { name: 'in the plan zone: at 00:30 on 8 Dec in Berlin (7 Dec in UTC) a reset on 10 Dec is 2 days off', now: berlin(8, 0.5), end: berlin(10, 6), want: '2 days left' },
  ];
  for (const c of dated) it(c.name, () => expect(daysLeft(c.end, c.now, TR.en, 'en', 'Europe/Berlin')).toBe(c.want));
});

describe('weekdayNames', () => {
  const cases = [
    { name: 'English', loc: 'en', want: ['Monday', 'Sunday'] },
    { name: 'German', loc: 'de', want: ['Montag', 'Sonntag'] },
    { name: 'Chinese', loc: 'zh', want: ['星期一', '星期日'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const days = weekdayNames(c.loc);
      expect(days).toHaveLength(7);
      expect([days[0], days[6]]).toEqual(c.want);
    });
  }
});

describe('planSummary', () => {
  const base = { interfaces: ['eth0', 'wlan0'], cap_bytes: 500e9, period: 'month', reset_day: 15, reset_hour: 6, tz: 'Europe/Berlin' };
  const cases = [
    { name: 'monthly', plan: base, loc: 'en', want: 'eth0 + wlan0 · 500 GB · resets on day 15 at 06:00 Europe/Berlin' },
    { name: 'weekly', plan: { ...base, period: 'week', reset_day: 3, tz: '' }, loc: 'en', want: 'eth0 + wlan0 · 500 GB · resets on Wednesday at 06:00' },
    { name: 'daily without a cap', plan: { ...base, period: 'day', cap_bytes: 0, reset_hour: 0 }, loc: 'en', want: 'eth0 + wlan0 · no cap · resets daily at 00:00 Europe/Berlin' },
    { name: 'German monthly', plan: { ...base, cap_bytes: 1.5e12 }, loc: 'de', want: 'eth0 + wlan0 · 1,50 TB · Rücksetzung am 15. um 06:00 Europe/Berlin' },
    { name: 'German weekly', plan: { ...base, period: 'week', reset_day: 1 }, loc: 'de', want: 'eth0 + wlan0 · 500 GB · Rücksetzung am Montag um 06:00 Europe/Berlin' },
    { name: 'German daily without a cap', plan: { ...base, period: 'day', cap_bytes: 0 }, loc: 'de', want: 'eth0 + wlan0 · kein Limit · tägliche Rücksetzung um 06:00 Europe/Berlin' },
    { name: 'Chinese weekly', plan: { ...base, period: 'week', reset_day: 7, tz: '' }, loc: 'zh', want: 'eth0 + wlan0 · 500 GB · 每星期日 06:00 重置' },
  ];
  for (const c of cases) it(c.name, () => expect(planSummary(c.plan, { locale: c.loc, tr: TR[c.loc] })).toBe(c.want));
});

describe('eventWords and eventList', () => {
  const cases = [
    { name: 'one kind', events: ['plan'], loc: 'en', want: 'Data plan thresholds' },
    { name: 'several kinds', events: ['rate', 'interface', 'health'], loc: 'en', want: 'High rate, Interface gone, Recording degraded or recovered' },
    { name: 'an unknown kind is left as it is', events: ['plan', 'solar-flare'], loc: 'en', want: 'Data plan thresholds, solar-flare' },
    { name: 'none', events: undefined, loc: 'en', want: '' },
    { name: 'German', events: ['plan', 'interface'], loc: 'de', want: 'Schwellen der Datentarife, Schnittstelle verschwunden' },
    { name: 'Chinese list mark', events: ['plan', 'rate'], loc: 'zh', want: '流量套餐阈值、速率过高' },
  ];
  for (const c of cases) it(c.name, () => expect(eventList(c.events, TR[c.loc])).toBe(c.want));

  it('names a single kind', () => {
    expect(eventWords('health', TR.de)).toBe('Aufzeichnung gestört oder wiederhergestellt');
    expect(eventWords('other', TR.de)).toBe('other');
  });
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
    const r = checkPlanForm({ ...good, ...change }, 'si', en);
    expect(r.plan).toBeUndefined();
    expect(Object.keys(r.errors)).toEqual([field]);
    expect(r.errors[field]).toBeTruthy();
  });

  const messages = [
    { name: 'no name', change: { name: '' }, loc: 'en', field: 'name', want: 'Give the plan a name.' },
    { name: 'long name', change: { name: 'x'.repeat(101) }, loc: 'en', field: 'name', want: 'The name is too long (at most 100 characters).' },
    { name: 'reset day', change: { reset_day: '32' }, loc: 'en', field: 'reset_day', want: 'The reset day must be a day of the month, 1 to 31.' },
    { name: 'weekday', change: { period: 'week', reset_day: '8' }, loc: 'en', field: 'reset_day', want: 'Pick a weekday.' },
    { name: 'zone', change: { tz: 'Mars/Olympus' }, loc: 'en', field: 'tz', want: '"Mars/Olympus" is not a time zone name like Europe/Berlin.' },
    { name: 'threshold', change: { thresholds: '80, 1001' }, loc: 'en', field: 'thresholds', want: 'Thresholds are whole percents from 1 to 1000; "1001" is not.' },
    { name: 'too many thresholds', change: { thresholds: '1 2 3 4 5 6 7 8 9' }, loc: 'en', field: 'thresholds', want: 'At most 8 thresholds.' },
    { name: 'German no name', change: { name: ' ' }, loc: 'de', field: 'name', want: 'Geben Sie dem Tarif einen Namen.' },
    { name: 'German negative cap', change: { capValue: '-1' }, loc: 'de', field: 'cap_bytes', want: 'Das Limit darf nicht negativ sein.' },
    { name: 'German zone', change: { tz: 'Mars/Olympus' }, loc: 'de', field: 'tz', want: '„Mars/Olympus“ ist kein Zeitzonenname wie Europe/Berlin.' },
    { name: 'German threshold', change: { thresholds: '0' }, loc: 'de', field: 'thresholds', want: 'Schwellen sind ganze Prozentwerte von 1 bis 1000; „0“ ist keiner.' },
    { name: 'Chinese reset hour', change: { reset_hour: '24' }, loc: 'zh', field: 'reset_hour', want: '重置时刻必须在 0 到 23 之间。' },
  ];
  for (const c of messages) {
    it(`says why: ${c.name}`, () => expect(checkPlanForm({ ...good, ...c.change }, 'si', TR[c.loc]).errors[c.field]).toBe(c.want));
  }

  it.each([
    ['no cap', { capValue: '' }, 'cap_bytes', 0],
    ['cap 0', { capValue: '0' }, 'cap_bytes', 0],
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

  describe('reads the cap the way the page\'s language writes numbers', () => {
    const cases = [
      { name: 'English 1,000 is a thousand, not one', loc: 'en', cap: '1,000', want: 1000e9 },
      { name: 'English decimal point', loc: 'en', cap: '1.5', want: 1.5e9 },
      { name: 'English both marks', loc: 'en', cap: '1,000.5', want: 1000.5e9 },
      { name: 'German 1.000 is a thousand', loc: 'de', cap: '1.000', want: 1000e9 },
      { name: 'German decimal comma', loc: 'de', cap: '1,5', want: 1.5e9 },
      { name: 'German both marks', loc: 'de', cap: '1.000,5', want: 1000.5e9 },
      { name: 'Chinese 1,000', loc: 'zh', cap: '1,000', want: 1000e9 },
    ];
    for (const c of cases) {
      it(c.name, () => expect(checkPlanForm({ ...good, capValue: c.cap }, 'si', TR[c.loc], c.loc).plan?.cap_bytes).toBe(c.want));
    }
    const refused = [
      { name: 'English 1,5: the comma groups thousands', loc: 'en', cap: '1,5', want: 'The cap must be a number written like 1,500.5 (leave it empty for no cap).' },
      { name: 'English 1,50', loc: 'en', cap: '1,50', want: 'The cap must be a number written like 1,500.5 (leave it empty for no cap).' },
      { name: 'German 1.5: the point groups thousands', loc: 'de', cap: '1.5', want: 'Das Limit muss eine Zahl in der Schreibweise 1.500,5 sein (für kein Limit leer lassen).' },
      { name: 'German two commas', loc: 'de', cap: '1,0,5', want: 'Das Limit muss eine Zahl in der Schreibweise 1.500,5 sein (für kein Limit leer lassen).' },
      { name: 'Chinese 1,5', loc: 'zh', cap: '1,5', want: '上限必须是按 1,500.5 这样书写的数字（留空表示不设上限）。' },
    ];
    for (const c of refused) {
      it(`refuses ${c.name}`, () => {
        const r = checkPlanForm({ ...good, capValue: c.cap }, 'si', TR[c.loc], c.loc);
        expect(r.plan).toBeUndefined();
        expect(r.errors).toEqual({ cap_bytes: c.want });
      });
    }
    it('writes a saved cap back the same way', () => {
      for (const loc of ['en', 'de', 'zh']) {
        const form = planToForm({ ...plan(), cap_bytes: 1.5e12 }, 'si', loc);
        expect(checkPlanForm(form, 'si', TR[loc], loc).plan.cap_bytes).toBe(1.5e12);
      }
      expect(planToForm({ ...plan(), cap_bytes: 1.5e12 }, 'si', 'de').capValue).toBe('1,5');
    });
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
  it('writes the German decimal comma', () => expect(splitCap(1.5e12, 'si', 'de')).toEqual({ value: '1,5', unit: 'TB' }));
});

describe('switchPeriod', () => {
  const month = { ...emptyPlanForm(), period: 'month', reset_day: '31' };
  const cases = [
    { name: 'monthly on the 31st to weekly: Monday, not a blank weekday', got: () => switchPeriod(month, 'week'), want: { period: 'week', reset_day: '1' } },
    { name: 'and back to monthly: the 31st again', got: () => switchPeriod(switchPeriod(month, 'week'), 'month'), want: { period: 'month', reset_day: '31' } },
    {
      name: 'weekly on Friday to monthly and back: Friday again',
      got: () => switchPeriod(switchPeriod({ ...month, period: 'week', reset_day: '5' }, 'month'), 'week'),
      want: { period: 'week', reset_day: '5' },
    },
    { name: 'weekly on Sunday to monthly: the 1st', got: () => switchPeriod({ ...month, period: 'week', reset_day: '7' }, 'month'), want: { period: 'month', reset_day: '1' } },
    { name: 'daily to weekly: Monday', got: () => switchPeriod({ ...month, period: 'day' }, 'week'), want: { period: 'week', reset_day: '1' } },
  ];
  for (const c of cases) it(c.name, () => expect(c.got()).toMatchObject(c.want));
  it('gives a form the form check accepts', () => {
    const form = { ...switchPeriod(month, 'week'), name: 'Home', interfaces: ['eth0'] };
    expect(checkPlanForm(form).plan).toMatchObject({ period: 'week', reset_day: 1 });
  });
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

  const messages = [
    { name: 'no name', change: { name: '' }, loc: 'en', field: 'name', want: 'Give the notifier a name.' },
    { name: 'no URL', change: { url: ' ' }, loc: 'en', field: 'url', want: 'Enter the URL to send to.' },
    { name: 'no scheme', change: { url: 'example.com/hook' }, loc: 'en', field: 'url', want: 'This is not a URL: it needs a scheme, like https://… or ntfy://…' },
    { name: 'no events', change: { events: [] }, loc: 'en', field: 'events', want: 'Pick at least one kind of event.' },
    { name: 'German no scheme', change: { url: 'example.com/hook' }, loc: 'de', field: 'url', want: 'Das ist keine URL: Es fehlt ein Schema wie https://… oder ntfy://…' },
    { name: 'Chinese no events', change: { events: [] }, loc: 'zh', field: 'events', want: '请至少选择一种事件。' },
  ];
  for (const c of messages) {
    it(`says why: ${c.name}`, () => expect(checkNotifierForm({ ...good, ...c.change }, TR[c.loc]).errors[c.field]).toBe(c.want));
  }
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
