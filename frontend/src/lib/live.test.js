import { describe, expect, it } from 'vitest';
import { bucketStart, dropBefore, mergeSample, sampleTotals } from './live.js';
import { fromTraffic } from './series.js';

const pt = (t, rx, tx) => ({ t, rx_bytes: rx, tx_bytes: tx, rx_peak_bps: rx, tx_peak_bps: tx });
const sample = (tSec, ...ifs) => ({
  t: tSec * 1000,
  interfaces: ifs.map(([name, rx, tx]) => ({ interface: name, rx_bps: rx, tx_bps: tx, rx_bytes: rx, tx_bytes: tx })),
});

function state() {
  // A 60 s window of 10 s buckets ending at 1065.
  return fromTraffic(
    {
      start: 1005,
      end: 1065,
      group_seconds: 10,
      series: [{ interface: 'eth0', rx_bytes: 600, tx_bytes: 60, points: [pt(1000, 100, 10), pt(1010, 200, 20), pt(1060, 300, 30)] }],
      rx_bytes: 600,
      tx_bytes: 60,
    },
    60,
  );
}

describe('mergeSample', () => {
  it('adds a sample to the bucket it falls in', () => {
    const s = state();
    const r = mergeSample(s, sample(1066, ['eth0', 50, 5]));
    expect(r).toEqual({ merged: true, newBucket: false });
    const last = s.series[0].points.at(-1);
    expect(last).toEqual({ t: 1060, rx_bytes: 350, tx_bytes: 35, rx_peak_bps: 300, tx_peak_bps: 30 });
    // The window starts at 1006: the 1000 bucket began before it.
    expect(s.rx_bytes).toBe(200 + 350);
    expect(s.series[0].rx_bytes).toBe(200 + 350);
  });

  it('raises the peak', () => {
    const s = state();
    mergeSample(s, sample(1066, ['eth0', 999, 0]));
    expect(s.series[0].points.at(-1).rx_peak_bps).toBe(999);
  });

  it('starts a new bucket when the sample is past the last one', () => {
    const s = state();
    const r = mergeSample(s, sample(1071, ['eth0', 40, 4]));
    expect(r.newBucket).toBe(true);
    expect(s.series[0].points.at(-1)).toEqual({ t: 1070, rx_bytes: 40, tx_bytes: 4, rx_peak_bps: 40, tx_peak_bps: 4 });
  });

  it('drops buckets that fall off the left edge; Received no longer counts the one the edge cuts', () => {
    const s = state();
    mergeSample(s, sample(1071, ['eth0', 40, 4]));
    // Window now starts at 1011: the 1000 bucket (ends 1010) is gone, 1010
    // stays for the line but began before the window.
    expect(s.start).toBe(1011);
    expect(s.series[0].points.map((p) => p.t)).toEqual([1010, 1060, 1070]);
    expect(s.rx_bytes).toBe(300 + 40);
    expect(s.tx_bytes).toBe(30 + 4);
  });

  it('ignores samples the fetched answer already holds', () => {
    const s = state();
    expect(mergeSample(s, sample(1065, ['eth0', 50, 5])).merged).toBe(false);
    expect(mergeSample(s, sample(1030, ['eth0', 50, 5])).merged).toBe(false);
    expect(s.rx_bytes).toBe(200 + 300);
  });

  it('adds an interface that appears in the live feed', () => {
    const s = state();
    mergeSample(s, sample(1066, ['eth0', 1, 1], ['wlan0', 7, 3]));
    const w = s.series.find((x) => x.interface === 'wlan0');
    expect(w.points).toEqual([{ t: 1060, rx_bytes: 7, tx_bytes: 3, rx_peak_bps: 7, tx_peak_bps: 3 }]);
    expect(s.rx_bytes).toBe(200 + 300 + 1 + 7);
  });

  it('keeps totals equal to the sum of the groups inside the window over many samples', () => {
    const s = state();
    for (let t = 1066; t < 1300.5; t += 0.7) mergeSample(s, sample(t, ['eth0', 3, 2]));
    const inside = s.series[0].points.filter((p) => p.t >= Math.floor(s.start));
    const sum = (k) => inside.reduce((a, p) => a + p[k], 0);
    expect(s.rx_bytes).toBe(sum('rx_bytes'));
    expect(s.tx_bytes).toBe(sum('tx_bytes'));
    expect(s.series[0].points.length).toBeLessThanOrEqual(7);
    expect(s.series[0].points[0].t + 10).toBeGreaterThan(s.start);
  });

  it('does nothing without a state', () => {
    expect(mergeSample(null, sample(1, ['x', 1, 1])).merged).toBe(false);
  });
});

describe('bucketStart', () => {
  it('aligns sub-day buckets to the epoch', () => {
    expect(bucketStart(1065.7, 10)).toBe(1060);
    expect(bucketStart(7199, 3600)).toBe(3600);
  });
  it('starts day buckets at local midnight', () => {
    const noon = new Date(2024, 2, 5, 12, 30).getTime() / 1000;
    expect(bucketStart(noon, 86400)).toBe(new Date(2024, 2, 5).getTime() / 1000);
  });
});

describe('dropBefore', () => {
  it('keeps a bucket that still overlaps the window', () => {
    const s = state();
    dropBefore(s, 1009);
    expect(s.series[0].points[0].t).toBe(1000);
  });
});

describe('sampleTotals', () => {
  it('adds the interfaces', () => {
    expect(sampleTotals(sample(1, ['a', 1, 2], ['b', 3, 4]))).toEqual({ rx: 4, tx: 6 });
    expect(sampleTotals(null)).toEqual({ rx: 0, tx: 0 });
  });
});
