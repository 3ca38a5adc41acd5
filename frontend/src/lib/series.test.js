import { describe, expect, it } from 'vitest';
import { bucketSeconds, chartModel, combine, countTotals, fromTraffic, hasPoints, replaceTail, tailWindow, withGaps } from './series.js';
import { inZone } from './inzone.testutil.js';

const pt = (t, rx, tx, rxp = rx, txp = tx) => ({ t, rx_bytes: rx, tx_bytes: tx, rx_peak_bps: rxp, tx_peak_bps: txp });

function traffic() {
  return {
    start: 1000,
    end: 1100,
    group_seconds: 10,
    series: [
      { interface: 'eth0', rx_bytes: 600, tx_bytes: 60, points: [pt(1000, 100, 10), pt(1010, 200, 20), pt(1040, 300, 30)] },
      { interface: 'wlan0', rx_bytes: 50, tx_bytes: 5, points: [pt(1010, 50, 5)] },
    ],
    rx_bytes: 650,
    tx_bytes: 65,
  };
}

describe('withGaps', () => {
  it('inserts a break where buckets are missing', () => {
    expect(withGaps([0, 10, 40, 50], 10)).toEqual([
      { t: 0, gap: false },
      { t: 10, gap: false },
      { t: 20, gap: true },
      { t: 40, gap: false },
      { t: 50, gap: false },
    ]);
  });

  it('leaves consecutive buckets alone', () => {
    expect(withGaps([0, 10, 20], 10).some((p) => p.gap)).toBe(false);
  });

  it('tolerates 23- and 25-hour days', () => {
    const d = 86400;
    expect(withGaps([0, 23 * 3600, 23 * 3600 + 25 * 3600], d).some((p) => p.gap)).toBe(false);
    expect(withGaps([0, 2 * d], d).filter((p) => p.gap)).toHaveLength(1);
  });

  it('does not break one-poll buckets for a single empty one', () => {
    // 1 s buckets, 1 s polls: a poll drifting over an edge empties a bucket.
    expect(withGaps([0, 1, 3, 4], 1, 1).some((p) => p.gap)).toBe(false);
    expect(withGaps([0, 1, 4, 5], 1, 1).filter((p) => p.gap)).toEqual([{ t: 2, gap: true }]);
    // 10 s buckets hold ten polls: one empty bucket is a real gap.
    expect(withGaps([0, 10, 30], 10, 1).filter((p) => p.gap)).toHaveLength(1);
  });

  it('handles empty and single inputs', () => {
    expect(withGaps([], 10)).toEqual([]);
    expect(withGaps([5], 10)).toEqual([{ t: 5, gap: false }]);
  });
});

describe('chartModel', () => {
  it('draws gaps as nulls, not zeros', () => {
    const m = chartModel(fromTraffic(traffic()), 'combined');
    expect(m.times.map((p) => p.t)).toEqual([1000, 1010, 1020, 1040]);
    const rx = m.lines[0].rx;
    expect(rx[2]).toBeNull();
    expect(rx[0]).toBe(10); // 100 bytes over 10 s
    expect(rx[1]).toBe(25); // (200 + 50) / 10
    expect(rx[3]).toBe(30);
  });

  it('gives each interface its own line on a shared grid', () => {
    const m = chartModel(fromTraffic(traffic()), 'interfaces');
    expect(m.lines.map((l) => l.name)).toEqual(['eth0', 'wlan0']);
    for (const l of m.lines) expect(l.rx).toHaveLength(m.times.length);
    expect(m.lines[1].rx).toEqual([null, 5, null, null]);
  });

  it('keeps peaks at or above the average', () => {
    const s = fromTraffic({ ...traffic(), series: [{ interface: 'a', rx_bytes: 100, tx_bytes: 0, points: [pt(1000, 100, 0, 5, 0)] }] });
    const m = chartModel(s, 'combined');
    expect(m.lines[0].rxPeak[0]).toBe(10);
  });

  it('uses the recorded peak', () => {
    const s = fromTraffic({ ...traffic(), series: [{ interface: 'a', rx_bytes: 100, tx_bytes: 0, points: [pt(1000, 100, 0, 900, 0)] }] });
    expect(chartModel(s).lines[0].rxPeak[0]).toBe(900);
  });

  it('is empty without a state', () => {
    expect(chartModel(null).lines).toEqual([]);
  });
});

describe('bucketSeconds', () => {
  it('divides a full bucket by the group', () => {
    expect(bucketSeconds(1000, 60, 2000)).toBe(60);
  });
  it('divides the bucket still filling by the time elapsed', () => {
    expect(bucketSeconds(1000, 60, 1015)).toBe(15);
    expect(bucketSeconds(1000, 60, 1000.2, 1)).toBe(1);
  });
});

describe('day groups on days the clocks change (Berlin)', () => {
  // 29 March 2026 has 23 hours there, 25 October 2026 has 25.
  const spring = Date.UTC(2026, 2, 28, 23) / 1000;
  const autumn = Date.UTC(2026, 9, 24, 22) / 1000;
  const plain = Date.UTC(2026, 4, 31, 22) / 1000; // 1 June
  const cases = [
    { name: 'the 23-hour day: 23 h of 1000 B/s is 1000 B/s', t: spring, hours: 23 },
    { name: 'the 25-hour day: 25 h of 1000 B/s is 1000 B/s', t: autumn, hours: 25 },
    { name: 'an ordinary day', t: plain, hours: 24 },
  ];
  for (const c of cases) {
    it(c.name, () =>
      inZone('Europe/Berlin', () => {
        const state = fromTraffic({ start: c.t, end: c.t + 30 * 86400, group_seconds: 86400, series: [{ interface: 'eth0', points: [pt(c.t, c.hours * 3600 * 1000, 0)] }] }, 90 * 86400);
        expect(chartModel(state).lines[0].rx[0]).toBe(1000);
        expect(bucketSeconds(c.t, 86400, null)).toBe(c.hours * 3600);
      }),
    );
  }
  it('the short day still filling is divided by the time so far', () =>
    inZone('Europe/Berlin', () => expect(bucketSeconds(spring, 86400, spring + 3600)).toBe(3600)));
});

describe('combine', () => {
  it('adds bytes and peaks per bucket', () => {
    const c = combine(fromTraffic(traffic()).series);
    expect(c.find((p) => p.t === 1010)).toEqual(pt(1010, 250, 25, 250, 25));
  });
});

describe('packets, errors, drops and imported buckets', () => {
  const counted = (t, extra) => ({ ...pt(t, 100, 10), rx_packets: 3, tx_packets: 2, rx_errors: 0, tx_errors: 0, rx_drops: 0, tx_drops: 0, ...extra });
  const state = () =>
    fromTraffic({
      start: 0,
      end: 20,
      group_seconds: 10,
      series: [
        { interface: 'eth0', points: [counted(0, { tx_drops: 4 }), counted(10, { imported: true })] },
        { interface: 'wlan0', points: [counted(0, { rx_errors: 1 }), counted(10)] },
      ],
    });
  it('adds the counts per bucket; a sum is imported only when all its points are', () => {
    const c = combine(state().series);
    expect(c[0]).toMatchObject({ rx_packets: 6, tx_packets: 4, rx_errors: 1, tx_drops: 4 });
    expect(c[1].imported).toBe(false);
  });
  it('gives the chart each bucket\'s details', () => {
    const m = chartModel(state(), 'interfaces');
    expect(m.lines[0].details).toEqual([
      { rxPackets: 3, txPackets: 2, errors: 0, drops: 4, imported: false },
      { rxPackets: 3, txPackets: 2, errors: 0, drops: 0, imported: true },
    ]);
    expect(chartModel(state()).lines[0].details[0]).toMatchObject({ errors: 1, drops: 4 });
  });
  it('treats live samples without counts as zero', () => {
    const s = state();
    s.series[0].points.push(pt(20, 5, 5));
    expect(chartModel(s, 'interfaces').lines[0].details.at(-1)).toEqual({ rxPackets: 0, txPackets: 0, errors: 0, drops: 0, imported: false });
  });
});

describe('fromTraffic', () => {
  it('keeps the answer totals', () => {
    const s = fromTraffic(traffic(), 100);
    expect(s.rx_bytes).toBe(650);
    expect(s.tx_bytes).toBe(65);
    expect(s.window).toBe(100);
    expect(hasPoints(s)).toBe(true);
  });
  it('Received and Sent leave out the group that began before the window', () => {
    // A 100 s window ending at 1105 starts at 1005; the API's first 10 s
    // group starts at 1000 and the chart shows only its last 5 s.
    const s = fromTraffic({ ...traffic(), start: 1000, end: 1105 }, 100);
    expect(s.start).toBe(1005);
    expect(s.rx_bytes).toBe(200 + 300 + 50);
    expect(s.tx_bytes).toBe(20 + 30 + 5);
    expect(s.series.map((x) => x.rx_bytes)).toEqual([500, 50]);
    // The chart still gets the group, for its line to come in from the edge.
    expect(s.series[0].points[0].t).toBe(1000);
  });
  it('counts the window start in whole seconds, as the API does', () => {
    const one = (t, rx) => ({ ...pt(t, rx, 0) });
    const s = countTotals({ start: 1005.4, group: 1, series: [{ interface: 'eth0', points: [one(1004, 1), one(1005, 2), one(1006, 4)] }] });
    expect(s.rx_bytes).toBe(6);
  });
  it('copies the points so live merging cannot change the answer', () => {
    const t = traffic();
    const s = fromTraffic(t);
    s.series[0].points[0].rx_bytes = 0;
    expect(t.series[0].points[0].rx_bytes).toBe(100);
  });
  it('copes with missing series', () => {
    expect(hasPoints(fromTraffic({ start: 0, end: 10, group_seconds: 1, series: null, rx_bytes: 0, tx_bytes: 0 }))).toBe(false);
  });
});

describe('replaceTail', () => {
  it('replaces the newest buckets and sums the totals again', () => {
    const s = fromTraffic(traffic(), 100);
    // The live feed had counted a poll twice into the 1040 bucket.
    s.series[0].points[2].rx_bytes += 300;
    s.rx_bytes += 300;
    replaceTail(s, {
      start: 1030,
      end: 1105,
      group_seconds: 10,
      series: [{ interface: 'eth0', rx_bytes: 0, tx_bytes: 0, points: [pt(1040, 300, 30), pt(1050, 7, 1)] }],
    });
    expect(s.series[0].points.map((p) => p.t)).toEqual([1000, 1010, 1040, 1050]);
    // The window now starts at 1005: the 1000 bucket began before it.
    expect(s.series[0].rx_bytes).toBe(200 + 300 + 7);
    expect(s.rx_bytes).toBe(507 + 50);
    expect(s.tx_bytes).toBe(20 + 30 + 1 + 5);
    expect(s.end).toBe(1105);
    expect(s.start).toBe(1005);
  });

  it('adds an interface the state did not have', () => {
    const s = fromTraffic(traffic(), 100);
    replaceTail(s, { start: 1090, end: 1100, group_seconds: 10, series: [{ interface: 'new0', points: [pt(1090, 1, 1)] }] });
    expect(s.series.find((x) => x.interface === 'new0').rx_bytes).toBe(1);
    expect(s.rx_bytes).toBe(651);
  });
});

describe('tailWindow', () => {
  it('reaches back to the anchor bucket in whole groups', () => {
    const s = { group: 10, end: 1095.5 };
    const w = tailWindow(s, 1060);
    expect(w % 10).toBe(0);
    // A request ending at or after the state's end starts at or before the anchor.
    expect(Math.floor((s.end - w) / 10) * 10).toBeLessThanOrEqual(1060);
    expect(w).toBe(50);
  });
  it('asks for at least two buckets', () => {
    expect(tailWindow({ group: 60, end: 1000 }, 960)).toBe(120);
  });
});
