import { describe, expect, it } from 'vitest';
import { addSample, monthQuery, periodTotals, rfc3339, startOfDay, startOfMonth, todayQuery } from './periods.js';

describe('period queries', () => {
  const now = new Date(2024, 2, 5, 14, 7, 9, 500);

  it('covers local midnight until now in day buckets', () => {
    const q = todayQuery(now, 'Europe/Berlin');
    expect(q.group).toBe('1d');
    expect(q.tz).toBe('Europe/Berlin');
    expect(Number(q.window)).toBe(14 * 3600 + 7 * 60 + 9);
    expect(new Date(q.end).getTime()).toBe(new Date(2024, 2, 5, 14, 7, 9).getTime());
    expect(new Date(q.end).getTime() - Number(q.window) * 1000).toBe(startOfDay(now).getTime());
  });

  it('covers the 1st of the month until now', () => {
    const q = monthQuery(now, 'UTC');
    expect(new Date(q.end).getTime() - Number(q.window) * 1000).toBe(new Date(2024, 2, 1).getTime());
    expect(startOfMonth(now).getDate()).toBe(1);
  });

  it('asks for at least one second just after midnight', () => {
    expect(todayQuery(new Date(2024, 2, 5, 0, 0, 0, 100)).window).toBe('1');
  });

  it('leaves out an unknown time zone', () => {
    expect(todayQuery(now, null).tz).toBeUndefined();
  });
});

describe('rfc3339', () => {
  it('writes local time with its offset', () => {
    const d = new Date(2024, 0, 2, 3, 4, 5);
    const s = rfc3339(d);
    expect(s).toMatch(/^2024-01-02T03:04:05[+-]\d\d:\d\d$/);
    expect(new Date(s).getTime()).toBe(d.getTime());
  });
});

describe('periodTotals', () => {
  it('takes the totals of the answer and of each interface', () => {
    const t = periodTotals({
      rx_bytes: 30,
      tx_bytes: 3,
      series: [
        { interface: 'wlan0', rx_bytes: 20, tx_bytes: 2, points: [] },
        { interface: 'eth0', rx_bytes: 10, tx_bytes: 1, points: [] },
      ],
    });
    expect(t).toEqual({ total: { rx: 30, tx: 3 }, interfaces: [{ name: 'eth0', rx: 10, tx: 1 }, { name: 'wlan0', rx: 20, tx: 2 }] });
  });

  it('adds live samples', () => {
    const t = periodTotals({ rx_bytes: 0, tx_bytes: 0, series: [] });
    addSample(t, { t: 0, interfaces: [{ interface: 'eth0', rx_bytes: 5, tx_bytes: 1, rx_bps: 5, tx_bps: 1 }] });
    addSample(t, { t: 1, interfaces: [{ interface: 'eth0', rx_bytes: 5, tx_bytes: 1, rx_bps: 5, tx_bps: 1 }] });
    expect(t).toEqual({ total: { rx: 10, tx: 2 }, interfaces: [{ name: 'eth0', rx: 10, tx: 2 }] });
  });
});
