import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, unmount } from 'svelte';
import { settle } from '../lib/settle.testutil.js';

// The components talk to the server through the transport module only.
const api = vi.hoisted(() => ({
  plans: vi.fn(),
  interfaces: vi.fn(),
  createPlan: vi.fn(),
  deletePlan: vi.fn(),
  notifiers: vi.fn(),
  createNotifier: vi.fn(),
  testNotifier: vi.fn(),
}));
vi.mock('../lib/transport.js', async (orig) => ({ ...(await orig()), transport: { ...api, mode: 'browser' } }));

const { ApiError } = await import('../lib/transport.js');
const PlanSettings = (await import('./PlanSettings.svelte')).default;
const PlanCards = (await import('./PlanCards.svelte')).default;
const NotifierSettings = (await import('./NotifierSettings.svelte')).default;
const { DEFAULT_SETTINGS, settings } = await import('../stores/settings.js');

let app;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
  vi.clearAllMocks();
  settings.set({ ...DEFAULT_SETTINGS });
});

const language = (l) => settings.update((s) => ({ ...s, language: l }));

function input(sel, value) {
  const el = document.querySelector(sel);
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

function click(text) {
  const b = [...document.querySelectorAll('button')].find((x) => x.textContent.trim() === text);
  if (!b) throw new Error(`no button "${text}"`);
  b.click();
}

describe('PlanSettings', () => {
  it("puts the server's message by the field it names and keeps the form", async () => {
    api.plans.mockResolvedValue([]);
    api.interfaces.mockResolvedValue([{ name: 'eth0', present: true, monitored: true }]);
    api.createPlan.mockRejectedValue(new ApiError('interfaces: "eth0" is neither present now nor known from history', 400));
    app = mount(PlanSettings, { target: document.body });
    await settle();
    click('Add a plan');
    await settle();
    input('#plan-name', 'Home');
    await settle();
    click('Create plan');
    await settle();
    expect(api.createPlan).toHaveBeenCalledTimes(1);
    expect(document.querySelector('#plan-interfaces-err').textContent).toContain('neither present now');
    expect(document.querySelector('[data-testid=plan-form]')).not.toBeNull();
  });

  it('sends nothing when a value is bad', async () => {
    api.plans.mockResolvedValue([]);
    api.interfaces.mockResolvedValue([{ name: 'eth0', present: true, monitored: true }]);
    app = mount(PlanSettings, { target: document.body });
    await settle();
    click('Add a plan');
    await settle();
    input('#plan-name', 'Home');
    input('#plan-reset-day', '32');
    await settle();
    click('Create plan');
    await settle();
    expect(api.createPlan).not.toHaveBeenCalled();
    expect(document.querySelector('#plan-reset_day-err').textContent).toMatch(/1 to 31/);
  });
});

describe('PlanSettings period and cap', () => {
  async function openForm() {
    api.plans.mockResolvedValue([]);
    api.interfaces.mockResolvedValue([{ name: 'eth0', present: true, monitored: true }]);
    app = mount(PlanSettings, { target: document.body });
    await settle();
    document.querySelector('[data-testid=plan-settings] .btn').click();
    await settle();
  }
  function choose(sel, value) {
    const el = document.querySelector(sel);
    el.value = value;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }

  it('switching a plan resetting on the 31st to weekly shows Monday, not a blank weekday', async () => {
    await openForm();
    input('#plan-reset-day', '31');
    await settle();
    choose('#plan-period', 'week');
    await settle();
    const day = document.querySelector('#plan-reset-day');
    expect(day.value).toBe('1');
    expect(day.selectedOptions[0]?.textContent).toBe('Monday');
    choose('#plan-period', 'month');
    await settle();
    expect(document.querySelector('#plan-reset-day').value).toBe('31');
  });

  it('saves a German cap of 1.000 GB as 1000 GB', async () => {
    language('de');
    api.createPlan.mockResolvedValue({ id: 1, name: 'Zuhause' });
    await openForm();
    input('#plan-name', 'Zuhause');
    input('#plan-cap', '1.000');
    await settle();
    click('Tarif anlegen');
    await settle();
    expect(api.createPlan.mock.calls[0][0].cap_bytes).toBe(1000e9);
  });

  it('refuses an English cap of 1,5 by the field instead of saving 15 or 1.5', async () => {
    await openForm();
    input('#plan-name', 'Home');
    input('#plan-cap', '1,5');
    await settle();
    click('Create plan');
    await settle();
    expect(api.createPlan).not.toHaveBeenCalled();
    expect(document.querySelector('#plan-cap_bytes-err').textContent).toContain('1,500.5');
  });
});

describe('deleting a plan with the keyboard', () => {
  it('leaves the focus on the list heading once the row is gone, not on the page', async () => {
    const home = { id: 1, name: 'Home', interfaces: ['eth0'], cap_bytes: 0, period: 'day', reset_day: 1, reset_hour: 0, thresholds: [] };
    api.plans.mockResolvedValueOnce([home, { ...home, id: 2, name: 'Work' }]).mockResolvedValue([{ ...home, id: 2, name: 'Work' }]);
    api.interfaces.mockResolvedValue([]);
    api.deletePlan.mockResolvedValue({});
    app = mount(PlanSettings, { target: document.body });
    await settle();
    const row = document.querySelector('[data-plan-id="1"]');
    const press = async (text) => {
      const b = [...row.querySelectorAll('button')].find((x) => x.textContent.trim() === text);
      b.focus();
      b.click();
      await settle();
    };
    await press('Delete');
    await press('Delete "Home"');
    expect(api.deletePlan).toHaveBeenCalledWith(1);
    expect(document.querySelector('[data-plan-id="1"]')).toBeNull();
    expect(document.activeElement).toBe(document.querySelector('#plans-title'));
  });
});

describe('PlanSettings in German', () => {
  it('labels the form and says why a value is refused in German', async () => {
    language('de');
    api.plans.mockResolvedValue([]);
    api.interfaces.mockResolvedValue([{ name: 'eth0', present: true, monitored: true }]);
    app = mount(PlanSettings, { target: document.body });
    await settle();
    click('Tarif hinzufügen');
    await settle();
    expect(document.querySelector('label[for=plan-cap]').textContent).toBe('Limit');
    expect(document.querySelector('#plan-period option[value=week]').textContent).toBe('wöchentlich');
    input('#plan-name', 'Zuhause');
    input('#plan-reset-day', '32');
    await settle();
    click('Tarif anlegen');
    await settle();
    expect(api.createPlan).not.toHaveBeenCalled();
    expect(document.querySelector('#plan-reset_day-err').textContent).toBe('Der Rücksetztag muss ein Tag des Monats sein, 1 bis 31.');
    expect(document.body.textContent).toContain('Nicht gespeichert: Bitte prüfen Sie die markierten Felder.');
  });
});

describe('PlanCards', () => {
  // Noon, local time, days from today: the days left read off the dates.
  const noonIn = (days) => {
    const d = new Date();
    d.setHours(12, 0, 0, 0);
    d.setDate(d.getDate() + days);
    return d.getTime() / 1000;
  };
  const card = {
    id: 7,
    name: 'Home',
    interfaces: ['eth0'],
    direction: 'rx',
    cap_bytes: 500e9,
    period: 'month',
    reset_day: 1,
    reset_hour: 0,
    thresholds: [80, 100],
    usage: { used_bytes: 412e9, percent: 82.4, cycle_end: noonIn(9), projected_bytes: 520e9, projected_percent: 104 },
  };
  const cases = [
    { name: 'English', lang: 'en', used: '412 GB of 500 GB', left: /· 9 days left$/, words: ['Projected', 'Resets', 'Bytes received'] },
    { name: 'German', lang: 'de', used: '412 GB von 500 GB', left: /· noch 9 Tage$/, words: ['Hochgerechnet', 'Rücksetzung', 'Empfangene Bytes'] },
    { name: 'Chinese', lang: 'zh', used: '已用 412 GB，上限 500 GB', left: /· 剩余 9 天$/, words: ['预计', '重置', '接收的字节'] },
  ];
  for (const c of cases) {
    it(`shows a plan in ${c.name}`, async () => {
      language(c.lang);
      api.plans.mockResolvedValue([card]);
      app = mount(PlanCards, { target: document.body });
      await settle();
      const el = document.querySelector('[data-testid=plan-card]');
      expect(el.querySelector('.used').textContent.trim()).toBe(c.used);
      expect(el.querySelector('[data-testid=plan-used]').dataset.bytes).toBe('412000000000');
      expect(el.querySelector('[data-testid=plan-reset]').textContent).toMatch(c.left);
      for (const w of c.words) expect(el.textContent).toContain(w);
      expect(el.textContent).not.toMatch(/\{\w+\}|plan\./);
    });
  }
});

describe('NotifierSettings', () => {
  it('says to set NETPULSE_PASSWORD when the server refuses with 403', async () => {
    api.notifiers.mockResolvedValue([]);
    api.createNotifier.mockRejectedValue(new ApiError('Net-Pulse listens beyond this machine without a password', 403));
    app = mount(NotifierSettings, { target: document.body });
    await settle();
    click('Add a notifier');
    await settle();
    input('#notifier-name', 'Phone');
    input('#notifier-url', 'ntfy://ntfy.sh/topic');
    await settle();
    click('Add notifier');
    await settle();
    expect(document.querySelector('[data-testid=notifier-password]').textContent).toContain('NETPULSE_PASSWORD');
  });

  it('shows the last delivery error', async () => {
    api.notifiers.mockResolvedValue([{ id: 1, name: 'Phone', url: 'ntfy://ntfy.sh/***', events: ['plan'], last_error: 'connection refused' }]);
    app = mount(NotifierSettings, { target: document.body });
    await settle();
    expect(document.querySelector('[data-testid=notifier-last-error]').textContent).toContain('connection refused');
  });

  it('shows the intro with its examples as code, and the kinds of alert, in German', async () => {
    language('de');
    api.notifiers.mockResolvedValue([{ id: 1, name: 'Phone', url: 'ntfy://ntfy.sh/***', events: ['plan', 'rate'] }]);
    app = mount(NotifierSettings, { target: document.body });
    await settle();
    const intro = document.querySelector('.intro');
    expect([...intro.querySelectorAll('code')].map((c) => c.textContent)).toEqual([
      'http://',
      'https://',
      'ntfy://ntfy.sh/my-topic',
      'gotify://',
      'discord://',
      'telegram://',
      'smtp://',
    ]);
    expect(intro.textContent).toMatch(/^Benachrichtigungen gehen an jedes Ziel/);
    expect(intro.textContent).not.toMatch(/\{\w+\}/);
    expect(document.querySelector('[data-testid=notifier-list]').textContent).toContain('Schwellen der Datentarife, Hohe Rate');
    api.testNotifier.mockResolvedValue({});
    click('Test senden');
    await settle();
    expect(document.querySelector('[data-testid=notifier-list] [role=status]').textContent.trim()).toBe('Test gesendet.');
  });
});
