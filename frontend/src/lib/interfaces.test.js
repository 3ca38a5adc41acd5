import { describe, expect, it } from 'vitest';
import { displayName, groupInterfaces, keepEdits, kindWords, sameSet, sortInterfaces } from './interfaces.js';

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

describe('keepEdits: a reload after a reconnect keeps what was not saved yet', () => {
  const cases = [
    { name: 'an untick not saved yet stays unticked', draft: { eth0: false, wlan0: true }, before: { eth0: true, wlan0: true }, after: { eth0: true, wlan0: true }, want: { eth0: false, wlan0: true } },
    { name: 'a change saved elsewhere comes in where the user changed nothing', draft: { eth0: true, wlan0: false }, before: { eth0: true, wlan0: false }, after: { eth0: true, wlan0: true }, want: { eth0: true, wlan0: true } },
    { name: 'a new interface comes as the server has it', draft: { eth0: true }, before: { eth0: true }, after: { eth0: true, usb0: false }, want: { eth0: true, usb0: false } },
    { name: 'one the server no longer lists goes', draft: { eth0: true, tun0: false }, before: { eth0: true, tun0: true }, after: { eth0: true }, want: { eth0: true } },
    { name: 'a typed alias stays', draft: { eth0: 'Fibre' }, before: { eth0: '' }, after: { eth0: 'Uplink' }, want: { eth0: 'Fibre' } },
    { name: 'an alias cleared on purpose stays cleared', draft: { eth0: '' }, before: { eth0: 'Old' }, after: { eth0: 'Old' }, want: { eth0: '' } },
  ];
  for (const c of cases) it(c.name, () => expect(keepEdits(c.draft, c.before, c.after)).toEqual(c.want));
});
