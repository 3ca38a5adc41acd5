import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import TimeNav from './TimeNav.svelte';
import { isoDay } from '../lib/viewurl.js';

let app;
let onjump;
beforeEach(() => {
  vi.useFakeTimers();
  onjump = vi.fn();
  app = mount(TimeNav, { target: document.body, props: { end: Date.now() / 1000 - 3 * 86400, onstep() {}, onjump, onnow() {} } });
  flushSync();
});
afterEach(() => {
  unmount(app);
  document.body.innerHTML = '';
  vi.useRealTimers();
});

const field = () => document.querySelector('[data-testid=nav-date]');

// Chromium sets the value and fires change as each part of the date is
// complete: month 11, day 03, then the year digit by digit.
function type(...values) {
  for (const v of values) {
    field().value = v;
    field().dispatchEvent(new Event('change', { bubbles: true }));
    vi.advanceTimersByTime(100);
  }
}

describe('typing a date into the date field', () => {
  it('goes to the date once it is typed, not to the years on the way (0002, 0020, 0202)', () => {
    type('0002-11-03', '0020-11-03', '0202-11-03');
    vi.advanceTimersByTime(5000);
    expect(onjump).not.toHaveBeenCalled();
    expect(field().value).toBe('0202-11-03');
    type('2025-11-03');
    vi.advanceTimersByTime(5000);
    expect(onjump.mock.calls).toEqual([['2025-11-03']]);
  });

  it('fetches nothing for a day typed digit by digit (1, then 15)', () => {
    type('2025-11-01', '2025-11-15');
    vi.advanceTimersByTime(5000);
    expect(onjump.mock.calls).toEqual([['2025-11-15']]);
  });

  it('goes at once on Enter', () => {
    type('2025-11-03');
    field().dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(onjump.mock.calls).toEqual([['2025-11-03']]);
  });

  it('ignores a day after today, and puts the day shown back on leaving', () => {
    const shown = field().value;
    type('2999-01-01');
    vi.advanceTimersByTime(5000);
    expect(onjump).not.toHaveBeenCalled();
    field().dispatchEvent(new FocusEvent('blur'));
    expect(field().value).toBe(shown);
    expect(shown).toBe(isoDay(Date.now() / 1000 - 3 * 86400 - 1));
  });
});
