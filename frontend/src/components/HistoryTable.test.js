import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import axe from 'axe-core';
import HistoryTable from './HistoryTable.svelte';

const apps = [];
afterEach(() => {
  while (apps.length) unmount(apps.pop());
  document.body.innerHTML = '';
});

const row = (start) => ({ start, recorded: true, rx: 1000, tx: 500, total: 1500, share: 1, rxPeak: 10, txPeak: 5 });

// The History page's tables side by side, as it shows them.
function render() {
  document.body.innerHTML = '<main></main>';
  const main = document.querySelector('main');
  for (const [id, title] of [
    ['hours', 'Last 24 hours'],
    ['days', 'Last 30 days'],
  ]) {
    apps.push(mount(HistoryTable, { target: main, props: { id, title, rows: [row(0), row(3600)], label: String } }));
  }
  flushSync();
}

describe('History tables for screen readers', () => {
  it('name every landmark once (axe landmark-unique)', async () => {
    render();
    const r = await axe.run(document, { runOnly: ['landmark-unique', 'region', 'aria-allowed-attr', 'scrollable-region-focusable'] });
    expect(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`)).toEqual([]);
  });

  it('keep each table in one region named by its heading', () => {
    render();
    const regions = [...document.querySelectorAll('section[aria-label], section[aria-labelledby], [role=region]')];
    const names = regions.map((r) => document.getElementById(r.getAttribute('aria-labelledby'))?.textContent ?? r.getAttribute('aria-label'));
    expect(names).toEqual(['Last 24 hours', 'Last 30 days']);
  });
});
