import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';

// The components talk to the server through the transport module only.
const api = vi.hoisted(() => ({
  plans: vi.fn(),
  interfaces: vi.fn(),
  createPlan: vi.fn(),
  notifiers: vi.fn(),
  createNotifier: vi.fn(),
}));
vi.mock('../lib/transport.js', async (orig) => ({ ...(await orig()), transport: { ...api, mode: 'browser' } }));

const { ApiError } = await import('../lib/transport.js');
const PlanSettings = (await import('./PlanSettings.svelte')).default;
const NotifierSettings = (await import('./NotifierSettings.svelte')).default;

let app;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
  vi.clearAllMocks();
});

async function settle() {
  for (let i = 0; i < 5; i++) {
    await tick();
    await new Promise((r) => setTimeout(r, 0));
  }
  flushSync();
}

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
});
