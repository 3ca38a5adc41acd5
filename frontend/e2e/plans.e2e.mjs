// The data plan steps of the browser test (dashboard.e2e.mjs runs them):
// bad values in the Settings form show a message and save nothing, a plan
// created there is saved as typed, and the Dashboard's plan card shows the
// numbers of the API answer it was drawn from. The page is on #/settings and
// the units are IEC when they start.

import { createServer } from 'node:http';
import { formatBytes } from '../src/lib/units.js';
import { formatPercent } from '../src/lib/plans.js';

/**
 * planTests runs the steps; h carries the runner's helpers:
 * {test, assert, until, page, server, iface, screenshot, beyondLoopback},
 * where beyondLoopback() gives a server on the same data listening on a
 * non-loopback address of this host.
 */
export async function planTests({ test, assert, until, page, server, iface, screenshot, beyondLoopback }) {
  const planPosts = [];
  page.on('request', (r) => {
    if (/\/api\/plans(\/|$)/.test(r.url()) && r.method() !== 'GET') planPosts.push(`${r.method()} ${r.url()}`);
  });
  const form = page.locator('[data-testid=plan-form]');
  const fill = async (values) => {
    for (const [id, v] of Object.entries(values)) await form.locator(`#${id}`).fill(v);
  };

  await test('plans: each bad value shows a message by its field and saves nothing', async () => {
    await page.getByRole('button', { name: 'Add a plan' }).click();
    await form.waitFor();
    const good = { 'plan-name': 'Home fibre', 'plan-cap': '1', 'plan-reset-day': '15', 'plan-reset-hour': '0', 'plan-thresholds': '50, 100' };
    const box = form.locator(`input[type=checkbox][value="${iface}"]`);
    const cases = [
      ['no name', { 'plan-name': ' ' }, 'name'],
      ['reset day 0', { 'plan-reset-day': '0' }, 'reset_day'],
      ['reset day 32', { 'plan-reset-day': '32' }, 'reset_day'],
      ['negative cap', { 'plan-cap': '-5' }, 'cap_bytes'],
      ['cap not a number', { 'plan-cap': 'lots' }, 'cap_bytes'],
      ['reset hour 24', { 'plan-reset-hour': '24' }, 'reset_hour'],
      ['threshold 0', { 'plan-thresholds': '0, 80' }, 'thresholds'],
      ['threshold 1001', { 'plan-thresholds': '1001' }, 'thresholds'],
      ['nine thresholds', { 'plan-thresholds': '10 20 30 40 50 60 70 80 90' }, 'thresholds'],
      ['unknown time zone', { 'plan-tz': 'Mars/Olympus' }, 'tz'],
      ['no interface', {}, 'interfaces'],
    ];
    for (const [name, change, field] of cases) {
      await fill({ ...good, 'plan-tz': 'Europe/Berlin', ...change });
      if (field === 'interfaces') await box.uncheck();
      else await box.check();
      await form.getByRole('button', { name: 'Create plan' }).click();
      const msg = form.locator(`#plan-${field}-err`);
      await msg.waitFor({ timeout: 2000 }).catch(() => {
        throw new Error(`${name}: no message by the ${field} field`);
      });
      assert((await msg.innerText()).trim().length > 5, `${name}: empty message`);
      assert((await form.locator('.field-err').count()) === 1, `${name}: more than one field marked`);
    }
    assert(planPosts.length === 0, `bad values reached the server: ${planPosts.join(', ')}`);
    const saved = await server.api('/api/plans');
    assert(saved.length === 0, `plans saved: ${JSON.stringify(saved)}`);
  });

  await test('plans: creating a plan in Settings saves it as typed', async () => {
    await fill({ 'plan-name': 'Home fibre', 'plan-cap': '1', 'plan-reset-day': '15', 'plan-reset-hour': '6', 'plan-thresholds': '100, 50', 'plan-tz': 'Europe/Berlin' });
    await form.locator('select[name=cap_unit]').selectOption('GiB');
    await form.locator(`input[type=checkbox][value="${iface}"]`).check();
    await form.getByRole('button', { name: 'Create plan' }).click();
    await page.getByText('Saved plan "Home fibre".').waitFor();
    const [p] = await server.api('/api/plans');
    assert(p, 'the plan is not in /api/plans');
    const want = { name: 'Home fibre', interfaces: [iface], direction: 'both', cap_bytes: 2 ** 30, period: 'month', reset_day: 15, reset_hour: 6, tz: 'Europe/Berlin', thresholds: [50, 100] };
    for (const [k, v] of Object.entries(want)) {
      assert(JSON.stringify(p[k]) === JSON.stringify(v), `saved ${k} = ${JSON.stringify(p[k])}, want ${JSON.stringify(v)}`);
    }
    await until('the plan in the list', async () => (await page.locator('[data-testid=plan-list]').innerText()).includes('Home fibre'));
    await screenshot('settings-plans.png', { fullPage: true });
  });

  await test("plans: the Dashboard card shows the API's numbers", async () => {
    const resp = page.waitForResponse((r) => /\/api\/plans$/.test(new URL(r.url()).pathname) && r.request().method() === 'GET');
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    const [api] = await (await resp).json();
    const card = page.locator('[data-testid=plan-card]');
    await card.waitFor();
    const ui = await card.evaluate((el) => ({
      used: Number(el.querySelector('[data-testid=plan-used]').dataset.bytes),
      usedText: el.querySelector('[data-testid=plan-used]').textContent.trim(),
      cap: Number(el.querySelector('[data-testid=plan-cap]').dataset.bytes),
      capText: el.querySelector('[data-testid=plan-cap]').textContent.trim(),
      percent: el.querySelector('[data-testid=plan-percent]').textContent.trim(),
      reset: el.querySelector('[data-testid=plan-reset]').textContent.trim(),
      name: el.querySelector('h2').textContent.trim(),
    }));
    const u = api.usage;
    assert(u.used_bytes > 0, `the plan counted nothing: ${JSON.stringify(u)}`);
    assert(ui.used === u.used_bytes && ui.usedText === formatBytes(u.used_bytes, 'iec'), `used: page ${ui.used} "${ui.usedText}", API ${u.used_bytes}`);
    assert(ui.cap === api.cap_bytes && ui.capText === '1.00 GiB', `cap: page ${ui.cap} "${ui.capText}"`);
    assert(ui.percent === formatPercent(u.percent), `percent: page "${ui.percent}", API ${u.percent}`);
    const resetDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'Europe/Berlin' }).format(new Date(u.cycle_end * 1000));
    assert(ui.reset.startsWith(resetDay) && /\d+ (days?|hours?) left|less than an hour left/.test(ui.reset), `reset "${ui.reset}", want ${resetDay}`);
    assert(ui.name === 'Home fibre', `card title "${ui.name}"`);
    await screenshot('plan-card.png', { clip: await card.boundingBox() });
  });

  await test('plans: edit and delete from Settings', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const list = page.locator('[data-testid=plan-list]');
    await list.getByRole('button', { name: 'Edit' }).click();
    await form.locator('#plan-name').fill('Home');
    await form.getByRole('button', { name: 'Save plan' }).click();
    await page.getByText('Saved plan "Home".').waitFor();
    const [p] = await server.api('/api/plans');
    assert(p.name === 'Home' && p.cap_bytes === 2 ** 30 && p.reset_day === 15, `after the edit: ${JSON.stringify(p)}`);
    await list.getByRole('button', { name: 'Delete', exact: true }).click();
    await list.getByRole('button', { name: 'Delete "Home"' }).click();
    await page.getByText('Deleted plan "Home".').waitFor();
    assert((await server.api('/api/plans')).length === 0, 'the plan is still there');
  });

  await test('notifiers: add, send a test to a local webhook, delete', async () => {
    const got = [];
    const sink = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        got.push({ type: req.headers['content-type'], body });
        res.end('ok');
      });
    });
    await new Promise((r) => sink.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${sink.address().port}/hook`;
      const section = page.locator('[data-testid=notifier-settings]');
      await section.getByRole('button', { name: 'Add a notifier' }).click();
      const nform = section.locator('[data-testid=notifier-form]');
      await nform.locator('#notifier-name').fill('Sink');
      await nform.locator('#notifier-url').fill('example.com/hook');
      await nform.getByRole('button', { name: 'Add notifier' }).click();
      await nform.locator('#notifier-url-err').waitFor({ timeout: 2000 });
      assert((await server.api('/api/notifiers')).length === 0, 'a URL without a scheme was saved');
      await nform.locator('#notifier-url').fill(url);
      await nform.getByRole('button', { name: 'Add notifier' }).click();
      await page.getByText('Added notifier "Sink".').waitFor();
      const [n] = await server.api('/api/notifiers');
      assert(n?.name === 'Sink' && JSON.stringify(n.events) === '["plan"]', `saved ${JSON.stringify(n)}`);
      await section.getByRole('button', { name: 'Send test' }).click();
      await section.getByText('Test sent.').waitFor({ timeout: 15_000 });
      assert(got.length === 1 && /application\/json/.test(got[0].type), `the sink got ${JSON.stringify(got)}`);
      assert(typeof JSON.parse(got[0].body).event === 'string', `webhook body ${got[0].body}`);
      await section.getByRole('button', { name: 'Delete', exact: true }).click();
      await section.getByRole('button', { name: 'Delete "Sink"' }).click();
      await page.getByText('Deleted notifier "Sink".').waitFor();
      assert((await server.api('/api/notifiers')).length === 0, 'the notifier is still there');
    } finally {
      sink.close();
    }
  });

  await test('notifiers: beyond loopback without a password the page says to set NETPULSE_PASSWORD', async () => {
    // A page of its own: the 403 it gets is expected, not a problem.
    const other = beyondLoopback();
    const p2 = await page.context().newPage();
    await page.goto('about:blank');
    await server.stop();
    try {
      await other.start();
      await p2.goto(`${other.base}/#/settings`);
      const section = p2.locator('[data-testid=notifier-settings]');
      await section.getByRole('button', { name: 'Add a notifier' }).click();
      await section.locator('#notifier-name').fill('Phone');
      await section.locator('#notifier-url').fill('ntfy://ntfy.sh/netpulse-test');
      await section.getByRole('button', { name: 'Add notifier' }).click();
      const hint = section.locator('[data-testid=notifier-password]');
      await hint.waitFor({ timeout: 5000 });
      assert((await hint.innerText()).includes('NETPULSE_PASSWORD'), `hint "${await hint.innerText()}"`);
      assert((await other.api('/api/notifiers')).length === 0, 'a notifier was saved');
    } finally {
      await p2.close();
      await other.stop();
      await server.start();
    }
    await page.goto(`${server.base}/#/settings`);
  });
}
