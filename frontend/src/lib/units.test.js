import { describe, expect, it } from 'vitest';
import { formatAxis, formatBytes, formatRate, niceTicks, scale } from './units.js';

describe('formatBytes', () => {
  it.each([
    [0, 'si', '0 B'],
    [1, 'si', '1 B'],
    [999, 'si', '999 B'],
    [1000, 'si', '1.00 kB'],
    [1023, 'si', '1.02 kB'],
    [1024, 'si', '1.02 kB'],
    [999, 'iec', '999 B'],
    [1000, 'iec', '1000 B'],
    [1023, 'iec', '1023 B'],
    [1024, 'iec', '1.00 KiB'],
    [1536, 'iec', '1.50 KiB'],
    [12_345_678, 'si', '12.3 MB'],
    [999_999, 'si', '1.00 MB'],
    [999_499, 'si', '999 kB'],
    [1024 ** 3, 'iec', '1.00 GiB'],
    [1e15, 'si', '1.00 PB'],
    [1024 ** 5, 'iec', '1.00 PiB'],
    [2.5e15, 'si', '2.50 PB'],
    [123e15, 'si', '123 PB'],
    [1e18, 'si', '1.00 EB'],
  ])('%d bytes (%s) → %s', (n, prefix, want) => {
    expect(formatBytes(n, prefix)).toBe(want);
  });

  it('renders missing values as a dash', () => {
    expect(formatBytes(null)).toBe('–');
    expect(formatBytes(NaN)).toBe('–');
  });
});

describe('formatRate', () => {
  const bits = { rate_unit: 'bits', unit_prefix: 'si' };
  const bytes = { rate_unit: 'bytes', unit_prefix: 'si' };
  const bitsIec = { rate_unit: 'bits', unit_prefix: 'iec' };
  const bytesIec = { rate_unit: 'bytes', unit_prefix: 'iec' };

  it.each([
    [0, bits, '0 bit/s'],
    [0, bytes, '0 B/s'],
    [1, bits, '8 bit/s'],
    [124, bits, '992 bit/s'],
    [125, bits, '1.00 kbit/s'],
    [999, bytes, '999 B/s'],
    [1000, bytes, '1.00 kB/s'],
    [1023, bytesIec, '1023 B/s'],
    [1024, bytesIec, '1.00 KiB/s'],
    [128, bitsIec, '1.00 Kibit/s'],
    [1_250_000, bits, '10.0 Mbit/s'],
    [125_000_000, bits, '1.00 Gbit/s'],
    [1e15, bytes, '1.00 PB/s'],
    [1e15, bits, '8.00 Pbit/s'],
    [0.25, bytes, '0.3 B/s'],
  ])('%d B/s as %o → %s', (n, units, want) => {
    expect(formatRate(n, units)).toBe(want);
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
