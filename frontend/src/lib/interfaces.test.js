import { describe, expect, it } from 'vitest';
import { kindWords, sameSet, sortInterfaces } from './interfaces.js';

describe('sortInterfaces', () => {
  it('puts the default route first and absent ones last', () => {
    const list = [
      { name: 'lo', present: true, loopback: true },
      { name: 'old0', present: false },
      { name: 'wlan0', present: true },
      { name: 'eth0', present: true, default_route: true },
      { name: 'docker0', present: true },
    ];
    expect(sortInterfaces(list).map((i) => i.name)).toEqual(['eth0', 'docker0', 'wlan0', 'lo', 'old0']);
  });
});

describe('sameSet', () => {
  it('ignores order', () => {
    expect(sameSet(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameSet(['a'], ['a', 'b'])).toBe(false);
    expect(sameSet([], [])).toBe(true);
  });
});

describe('kindWords', () => {
  it('names known kinds and hides unknown ones', () => {
    expect(kindWords('vlan')).toBe('VLAN');
    expect(kindWords('')).toBe('');
    expect(kindWords(undefined)).toBe('');
  });
});
