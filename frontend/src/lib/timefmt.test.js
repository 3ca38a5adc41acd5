import { describe, expect, it } from 'vitest';
import { bucketRange } from './timefmt.js';

const at = (...a) => new Date(...a).getTime() / 1000;

describe('bucketRange', () => {
  it('gives the start and end of a bucket in local time', () => {
    expect(bucketRange(at(2024, 2, 5, 14, 5, 10), 10)).toMatch(/^14.05.10 – 14.05.20$/);
    expect(bucketRange(at(2024, 2, 5, 14, 0), 3600)).toMatch(/^14.00 – 15.00$/);
  });
  it('adds the day for long windows and names whole days', () => {
    expect(bucketRange(at(2024, 2, 5, 14, 0), 3600, true)).toMatch(/5.*14.00 – 15.00$/);
    expect(bucketRange(at(2024, 2, 5), 86400)).toMatch(/2024/);
  });
});
