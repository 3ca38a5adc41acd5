import { describe, expect, it } from 'vitest';
import { withAlpha } from './color.js';

describe('withAlpha', () => {
  it('turns hex colours into rgba', () => {
    expect(withAlpha('#1d6fd6', 0.5)).toBe('rgba(29, 111, 214, 0.5)');
    expect(withAlpha(' #fff ', 0.1)).toBe('rgba(255, 255, 255, 0.1)');
  });
  it('leaves other colours alone', () => {
    expect(withAlpha('rgb(1, 2, 3)', 0.5)).toBe('rgb(1, 2, 3)');
  });
});
