import { describe, expect, it } from 'vitest';
import { displayName, groupInterfaces, kindWords, sameSet, sortInterfaces } from './interfaces.js';

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

describe('displayName', () => {
  it('uses the alias when there is one', () => {
    const aliases = { eth0: 'Fibre', 'jellyfin/eth0': 'Media' };
    expect(displayName('eth0', aliases)).toBe('Fibre');
    expect(displayName('jellyfin/eth0', aliases)).toBe('Media');
    expect(displayName('wlan0', aliases)).toBe('wlan0');
    expect(displayName('wlan0', undefined)).toBe('wlan0');
  });
});

describe('groupInterfaces', () => {
  it('puts containers apart from host interfaces', () => {
    const list = [
      { name: 'web/eth0', kind: 'container', present: true },
      { name: 'eth0', kind: 'physical', present: true, default_route: true },
      { name: 'old/eth0', kind: 'container', present: false },
      { name: 'db/eth0', kind: 'container', present: true },
      { name: 'lo', kind: 'loopback', present: true, loopback: true },
    ];
    const g = groupInterfaces(list);
    expect(g.host.map((i) => i.name)).toEqual(['eth0', 'lo']);
    expect(g.containers.map((i) => i.name)).toEqual(['db/eth0', 'web/eth0', 'old/eth0']);
  });
});
