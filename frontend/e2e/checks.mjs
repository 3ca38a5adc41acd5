// Checks the browser test runs on several pages: History against the API,
// sideways scrolling, axe-core, keyboard focus and untranslated keys.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const KEYS = Object.keys(JSON.parse(readFileSync(new URL('../src/locales/en.json', import.meta.url), 'utf8')));

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

/**
 * historyTotals reloads the History page for one interface and returns, for
 * today, this month, this year and the last 24 hours, the page's total next
 * to /api/traffic's for the same period, asked in the page's time zone.
 */
export async function historyTotals(page, name) {
  await page.reload();
  await page.locator('[data-testid=history-interface]').selectOption(name);
  await page.locator('[data-testid=history-hours-sum]').waitFor();
  return page.evaluate(async (name) => {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const api = async (from, group) => {
      const q = new URLSearchParams({ window: String((now - from) / 1000), group, end: now.toISOString().replace('.000Z', 'Z'), tz, interface: name });
      const r = await (await fetch(`/api/traffic?${q}`)).json();
      return r.rx_bytes + r.tx_bytes;
    };
    const cell = (sel) => Number(document.querySelector(sel)?.querySelector('td:nth-of-type(3)')?.dataset.bytes);
    const day = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    const month = new Date(now.getFullYear(), now.getMonth(), 1);
    const year = new Date(now.getFullYear(), 0, 1);
    const hour = new Date((Math.floor(now / 3_600_000) - 23) * 3_600_000);
    const at = (id, d) => `[data-testid=history-${id}] tr[data-start="${d.getTime() / 1000}"]`;
    return [
      { period: 'today', page: cell(at('days', day)), api: await api(day, '1d') },
      { period: 'month', page: cell(at('months', month)), api: await api(month, '1d') },
      { period: 'year', page: cell(at('years', year)), api: await api(year, '1d') },
      { period: '24 hours', page: cell('[data-testid=history-hours-sum]'), api: await api(hour, '1h') },
    ];
  }, name);
}

/** noSidewaysScroll fails when the page, or a table in it, is wider than its room. */
export async function noSidewaysScroll(page, what) {
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert(scroll <= client, `${what}: the page is ${scroll} px wide in a ${client} px window`);
  const regions = await page.evaluate(() => [...document.querySelectorAll('[role=region]')].map((e) => [e.getAttribute('aria-label'), e.scrollWidth, e.clientWidth]));
  for (const [name, s, c] of regions) assert(s <= c, `${what}: "${name}" is ${s} px wide in ${c} px`);
}

/** accessibility runs axe-core on the page and lists serious and critical violations. */
export async function accessibility(page) {
  // Evaluated scripts are not subject to the page's Content-Security-Policy.
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await globalThis.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
  });
}

/**
 * tabUntil presses Tab (or Shift+Tab) until the focused element matches
 * `match` (run in the page with the element), and checks that the focus is
 * visible there. The host may list many interfaces, hence the many presses.
 */
export async function tabUntil(page, match, backwards = false) {
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const el = await page.evaluateHandle(() => document.activeElement);
    if (await el.evaluate(match)) {
      const outline = await el.evaluate((e) => {
        const s = getComputedStyle(e);
        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
      });
      assert(outline, 'the focused element shows no focus outline');
      return;
    }
  }
  throw new Error(`no element matching ${match} within 300 presses of Tab`);
}

/** keysShown lists catalogue keys and unfilled {placeholders} the page shows. */
export async function keysShown(page) {
  const text = await page.evaluate(() => {
    const attrs = [...document.querySelectorAll('[aria-label], [title], [placeholder], [aria-valuetext]')].flatMap((e) =>
      ['aria-label', 'title', 'placeholder', 'aria-valuetext'].map((a) => e.getAttribute(a) ?? ''),
    );
    return [document.body.innerText, document.title, ...attrs].join('\n');
  });
  const found = KEYS.filter((k) => text.includes(k));
  const holes = text.match(/\{\w+\}/g) ?? [];
  return [...found, ...holes];
}
