import { describe, expect, it } from 'vitest';
import { createBackoff } from './backoff.js';

describe('createBackoff', () => {
  it('doubles up to the maximum and resets', () => {
    const b = createBackoff({ min: 1000, max: 8000, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([1000, 2000, 4000, 8000, 8000]);
    b.reset();
    expect(b.next()).toBe(1000);
  });

  it('spreads delays downwards only', () => {
    const b = createBackoff({ min: 1000, max: 1000, jitter: 0.2, random: () => 1 });
    expect(b.next()).toBe(800);
  });
});
