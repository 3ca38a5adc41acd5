import { describe, expect, it } from 'vitest';
// The cases the tray's Go tests (app/trayview_test.go) run too.
import shared from '../../../testdata/format-cases.json';
import { formatAxis, formatBytes, formatRate, niceTicks, scale } from './units.js';

describe('formatBytes', () => {
  it.each(shared.bytes.map((c) => [c.n, c.prefix, c.want]))('%d bytes (%s) → %s', (n, prefix, want) => {
    expect(formatBytes(n, prefix, 'en')).toBe(want);
  });

  it('renders missing values as a dash', () => {
    expect(formatBytes(null)).toBe('–');
    expect(formatBytes(NaN)).toBe('–');
  });

  it('follows the locale', () => {
    expect(formatBytes(1_500_000, 'si', 'de')).toBe('1,50 MB');
  });
});

describe('formatRate', () => {
  it.each(shared.rates.map((c) => [c.bps, { rate_unit: c.rate_unit, unit_prefix: c.prefix }, c.want]))(
    '%d B/s as %o → %s',
    (n, units, want) => {
      expect(formatRate(n, units, 'en')).toBe(want);
    },
  );

  it('shows a slow average as a fraction', () => {
    expect(formatRate(0.25, { rate_unit: 'bytes', unit_prefix: 'si' })).toBe('0.3 B/s');
  });

  it('defaults to bits with SI prefixes', () => {
    expect(formatRate(125_000)).toBe('1.00 Mbit/s');
  });
});

describe('scale', () => {
  it('stops at the largest prefix', () => {
    expect(scale(1e30, 'si').index).toBe(6);
  });
});

describe('niceTicks', () => {
  it('gives round SI steps covering the maximum', () => {
    const t = niceTicks(9_300_000, 'si');
    expect(t.ticks[0]).toBe(0);
    expect(t.max).toBeGreaterThanOrEqual(9_300_000);
    expect(t.step).toBe(2_000_000);
  });

  it('gives round IEC steps', () => {
    const t = niceTicks(7 * 1024 ** 2, 'iec');
    expect(t.step / 1024 ** 2).toBe(2);
    expect(t.max).toBe(8 * 1024 ** 2);
  });

  it('never leaves the maximum above the last tick', () => {
    for (const prefix of ['si', 'iec']) {
      for (let max = 0.3; max < 1e16; max *= 1.37) {
        const t = niceTicks(max, prefix);
        expect(t.max).toBeGreaterThanOrEqual(max);
        expect(t.ticks.length).toBeLessThanOrEqual(12);
        expect(t.ticks.length).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('handles an empty chart', () => {
    expect(niceTicks(0).ticks).toEqual([0, 1]);
  });
});

describe('formatAxis', () => {
  it('drops trailing zeros', () => {
    expect(formatAxis(2_500_000, { rate_unit: 'bits', unit_prefix: 'si' })).toBe('2.5 Mbit/s');
    expect(formatAxis(2 * 1024 ** 2, { rate_unit: 'bytes', unit_prefix: 'iec' })).toBe('2 MiB/s');
    expect(formatAxis(0)).toBe('0');
  });
});
