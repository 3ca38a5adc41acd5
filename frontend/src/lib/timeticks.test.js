import { describe, expect, it } from 'vitest';
import { pickStep, tickLabel, timeTicks } from './timeticks.js';

const at = (...a) => new Date(...a).getTime();

describe('pickStep', () => {
  it('chooses the finest step within the tick budget', () => {
    expect(pickStep(3600, 8)).toEqual({ unit: 'second', n: 600 });
    expect(pickStep(300, 10)).toEqual({ unit: 'second', n: 30 });
    expect(pickStep(86400, 8)).toEqual({ unit: 'second', n: 3 * 3600 });
    expect(pickStep(7 * 86400, 8)).toEqual({ unit: 'day', n: 1 });
    expect(pickStep(30 * 86400, 8)).toEqual({ unit: 'day', n: 7 });
    expect(pickStep(365 * 86400, 8)).toEqual({ unit: 'month', n: 2 });
  });
});

describe('timeTicks', () => {
  it('puts ticks on round local times', () => {
    const { ticks } = timeTicks(at(2024, 2, 5, 14, 7, 13), at(2024, 2, 5, 15, 7, 13), 8);
    expect(ticks.map((t) => new Date(t.value).getMinutes())).toEqual([10, 20, 30, 40, 50, 0]);
    expect(ticks.every((t) => new Date(t.value).getSeconds() === 0)).toBe(true);
  });

  it('marks midnight as major', () => {
    const { ticks } = timeTicks(at(2024, 2, 5, 20), at(2024, 2, 6, 4), 8);
    const major = ticks.filter((t) => t.major);
    expect(major).toHaveLength(1);
    expect(major[0].value).toBe(at(2024, 2, 6));
  });

  it('uses Mondays for weekly ticks and month starts for long windows', () => {
    const w = timeTicks(at(2024, 2, 1), at(2024, 2, 31), 8);
    expect(w.step).toEqual({ unit: 'day', n: 7 });
    expect(w.ticks.every((t) => new Date(t.value).getDay() === 1)).toBe(true);
    const y = timeTicks(at(2023, 2, 5), at(2024, 2, 5), 14);
    expect(y.step.unit).toBe('month');
    expect(y.ticks.every((t) => new Date(t.value).getDate() === 1)).toBe(true);
    expect(y.ticks.filter((t) => t.major).map((t) => new Date(t.value).getMonth())).toEqual([0]);
  });

  it('never exceeds the budget by more than the edges allow', () => {
    for (const span of [300, 900, 3600, 6 * 3600, 86400, 2 * 86400, 7 * 86400, 30 * 86400, 90 * 86400, 365 * 86400]) {
      for (const max of [3, 6, 10, 16]) {
        const end = at(2024, 5, 15, 13, 27, 41);
        const { ticks } = timeTicks(end - span * 1000, end, max);
        expect(ticks.length, `${span}s / ${max}`).toBeLessThanOrEqual(max + 1);
        expect(ticks.length).toBeGreaterThan(0);
        for (let i = 1; i < ticks.length; i++) expect(ticks[i].value).toBeGreaterThan(ticks[i - 1].value);
      }
    }
  });
});

describe('tickLabel', () => {
  it('shows seconds only for sub-minute steps', () => {
    const t = at(2024, 2, 5, 14, 7, 30);
    expect(tickLabel(t, { unit: 'second', n: 10 }, false)).toMatch(/14.07.30/);
    expect(tickLabel(t, { unit: 'second', n: 600 }, false)).toMatch(/^14.07$/);
  });
  it('labels majors with the date or the year', () => {
    expect(tickLabel(at(2024, 2, 6), { unit: 'second', n: 3600 }, true)).toMatch(/6/);
    expect(tickLabel(at(2024, 0, 1), { unit: 'month', n: 1 }, true)).toBe('2024');
  });
});
