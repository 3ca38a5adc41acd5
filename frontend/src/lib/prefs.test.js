import { describe, expect, it } from 'vitest';
import { loadView, saveView } from './prefs.js';

function memory() {
  const m = new Map();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => m.set(k, v) };
}

describe('view preferences', () => {
  it('defaults to the last hour', () => {
    expect(loadView(memory())).toEqual({ windowSec: 3600, groupSec: 10, mode: 'combined', showPeaks: true });
  });

  it('round-trips a saved view', () => {
    const s = memory();
    saveView({ windowSec: 7 * 86400, groupSec: 3600, mode: 'interfaces', showPeaks: false }, s);
    expect(loadView(s)).toEqual({ windowSec: 7 * 86400, groupSec: 3600, mode: 'interfaces', showPeaks: false });
  });

  it('repairs a saved grouping that is not valid', () => {
    const s = memory();
    saveView({ windowSec: 365 * 86400, groupSec: 1 }, s);
    expect(loadView(s).groupSec).toBe(86400);
    s.setItem('netpulse.view', '{broken');
    expect(loadView(s).windowSec).toBe(3600);
  });
});
