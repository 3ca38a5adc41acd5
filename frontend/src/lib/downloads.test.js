import { describe, expect, it } from 'vitest';
import { createTransport } from './transport.js';

describe('download addresses', () => {
  const browser = createTransport({ fetch: () => {}, EventSource: function () {} });

  it.each([
    ['the chart as CSV', 'traffic-csv', { window: '24h', group: '5m' }, 'api/traffic?window=24h&group=5m&format=csv'],
    [
      'a day chart in its zone, named interfaces',
      'traffic-csv',
      { window: '30d', group: '1d', tz: 'Europe/Berlin', interfaces: ['eth0', 'wg 0'] },
      'api/traffic?window=30d&group=1d&interface=eth0&interface=wg+0&tz=Europe%2FBerlin&format=csv',
    ],
    ['a backup', 'backup', undefined, 'api/backup'],
  ])('%s', (_, what, q, want) => {
    expect(browser.downloadURL(what, q)).toBe(want);
  });

  it('refuses an unknown download', () => {
    expect(() => browser.downloadURL('passwords')).toThrow(/unknown download/);
  });

  it('has none in the desktop window', () => {
    const win = { go: { desktop: { Desktop: {} } }, runtime: {} };
    expect(createTransport(win).downloadURL('backup')).toBeNull();
  });
});
