import { describe, expect, it } from 'vitest';
import { buckets, dayRows, daysQuery, hourRows, hoursQuery, monthRows, seriesNames, sumRows, topDays, yearRows } from './history.js';

const day = (y, m, d) => new Date(y, m - 1, d).getTime() / 1000;
const pt = (t, rx, tx, rxPeak = 0, txPeak = 0) => ({ t, rx_bytes: rx, tx_bytes: tx, rx_peak_bps: rxPeak, tx_peak_bps: txPeak });
const answer = (series) => ({ series: Object.entries(series).map(([name, points]) => ({ interface: name, points })) });

describe('queries', () => {
  it('hours: 24 whole hours ending with the current one', () => {
    const now = new Date(Date.UTC(2026, 0, 5, 14, 20, 33, 500));
    const q = hoursQuery(now);
    expect(q.group).toBe('1h');
    // 14:20:33 back to 15:00 the day before: 23 h 20 min 33 s.
    expect(q.window).toBe(String(23 * 3600 + 20 * 60 + 33));
    expect(new Date(q.end).getTime()).toBe(Date.UTC(2026, 0, 5, 14, 20, 33));
  });
  it('days: from local midnight on 1 January ten years back, in the zone given', () => {
    const now = new Date(2026, 5, 10, 8, 0, 0);
    const q = daysQuery(now, 'Europe/Berlin');
    expect(q).toMatchObject({ group: '1d', tz: 'Europe/Berlin' });
    const from = new Date(q.end).getTime() - Number(q.window) * 1000;
    expect(from).toBe(new Date(2017, 0, 1).getTime());
    expect(daysQuery(now).tz).toBeUndefined();
  });
});

describe('buckets', () => {
  const a = answer({ eth0: [pt(100, 10, 1, 5, 1), pt(200, 20, 2, 8, 2)], wlan0: [pt(100, 1, 1, 3, 3)] });
  const cases = [
    { name: 'all interfaces added, peaks too', name_: null, want: [{ t: 100, rx: 11, tx: 2, rxPeak: 8, txPeak: 4 }, { t: 200, rx: 20, tx: 2, rxPeak: 8, txPeak: 2 }] },
    { name: 'one interface', name_: 'wlan0', want: [{ t: 100, rx: 1, tx: 1, rxPeak: 3, txPeak: 3 }] },
    { name: 'unknown interface', name_: 'nope', want: [] },
  ];
  for (const c of cases) it(c.name, () => expect(buckets(a, c.name_)).toEqual(c.want));
  it('lists the interfaces of several answers once', () => {
    expect(seriesNames(a, answer({ br0: [], eth0: [] }), null)).toEqual(['br0', 'eth0', 'wlan0']);
  });
});

describe('tables', () => {
  const now = new Date(2026, 2, 15, 13, 30);
  const list = [
    { t: day(2024, 7, 1), rx: 500, tx: 500, rxPeak: 9, txPeak: 1 },
    { t: day(2026, 1, 31), rx: 100, tx: 0, rxPeak: 1, txPeak: 0 },
    { t: day(2026, 2, 14), rx: 100, tx: 50, rxPeak: 4, txPeak: 2 },
    { t: day(2026, 3, 1), rx: 10, tx: 10, rxPeak: 2, txPeak: 7 },
    { t: day(2026, 3, 14), rx: 300, tx: 100, rxPeak: 6, txPeak: 3 },
    { t: day(2026, 3, 15), rx: 40, tx: 60, rxPeak: 5, txPeak: 5 },
  ];

  it('rows tell a period recorded as zero from one not recorded at all', () => {
    const h = Math.floor(now.getTime() / 1000 / 3600) * 3600;
    const rows = hourRows([{ t: h, rx: 0, tx: 0, rxPeak: 0, txPeak: 0 }, { t: h - 2 * 3600, rx: 7, tx: 0, rxPeak: 0, txPeak: 0 }], now);
    expect(rows.map((r) => r.recorded).slice(0, 4)).toEqual([true, false, true, false]);
    expect(rows[0]).toMatchObject({ total: 0, recorded: true });
    expect(rows[1]).toMatchObject({ total: 0, recorded: false });
    expect(rows.filter((r) => r.recorded)).toHaveLength(2);
    expect(yearRows(list, now).map((r) => r.recorded)).toEqual([true, false, true]);
  });

  it('days: the last 30 local days, newest first, empty days as zero', () => {
    const rows = dayRows(list, now);
    expect(rows).toHaveLength(30);
    expect(rows[0]).toMatchObject({ start: day(2026, 3, 15), rx: 40, tx: 60, total: 100, rxPeak: 5, txPeak: 5 });
    expect(rows[1]).toMatchObject({ start: day(2026, 3, 14), total: 400, share: 1 });
    expect(rows[0].share).toBe(0.25);
    expect(rows[2]).toMatchObject({ start: day(2026, 3, 13), total: 0, share: 0 });
    expect(rows[29].start).toBe(day(2026, 2, 14));
    expect(rows[29].total).toBe(150);
    expect(sumRows(rows)).toEqual({ rx: 450, tx: 220, total: 670 });
  });

  it('months: calendar months, peaks are the highest day', () => {
    const rows = monthRows(list, now);
    expect(rows).toHaveLength(12);
    expect(rows[0]).toMatchObject({ start: day(2026, 3, 1), rx: 350, tx: 170, total: 520, rxPeak: 6, txPeak: 7 });
    expect(rows[1]).toMatchObject({ start: day(2026, 2, 1), total: 150 });
    expect(rows[2]).toMatchObject({ start: day(2026, 1, 1), total: 100 });
    expect(rows[11].start).toBe(day(2025, 4, 1));
  });

  it('years: from the first year with traffic, with empty years between', () => {
    const rows = yearRows(list, now);
    expect(rows.map((r) => r.start)).toEqual([day(2026, 1, 1), day(2025, 1, 1), day(2024, 1, 1)]);
    expect(rows.map((r) => r.total)).toEqual([770, 0, 1000]);
    expect(yearRows([], now).map((r) => r.start)).toEqual([day(2026, 1, 1)]);
  });

  it('top days: largest first, ties to the earlier day, empty days left out', () => {
    const tie = [...list, { t: day(2026, 3, 2), rx: 400, tx: 0, rxPeak: 0, txPeak: 0 }, { t: day(2026, 3, 3), rx: 0, tx: 0, rxPeak: 0, txPeak: 0 }];
    const rows = topDays(tie, 3);
    expect(rows.map((r) => [r.start, r.total])).toEqual([
      [day(2024, 7, 1), 1000],
      [day(2026, 3, 2), 400],
      [day(2026, 3, 14), 400],
    ]);
    expect(rows[1].share).toBe(0.4);
    expect(topDays(tie, 10)).toHaveLength(7);
  });

  it('hours: 24 epoch-aligned hours, newest first', () => {
    const h = Math.floor(now.getTime() / 1000 / 3600) * 3600;
    const rows = hourRows([{ t: h, rx: 1, tx: 2, rxPeak: 0, txPeak: 0 }, { t: h - 23 * 3600, rx: 5, tx: 0, rxPeak: 0, txPeak: 0 }, { t: h - 24 * 3600, rx: 9, tx: 9, rxPeak: 0, txPeak: 0 }], now);
    expect(rows).toHaveLength(24);
    expect(rows[0]).toMatchObject({ start: h, total: 3 });
    expect(rows[23]).toMatchObject({ start: h - 23 * 3600, total: 5, share: 1 });
    expect(sumRows(rows).total).toBe(8);
  });
});
