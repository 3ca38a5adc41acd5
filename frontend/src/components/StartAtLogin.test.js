import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';

// The component reads the shared transport; each test decides what the
// shell offers.
const fake = vi.hoisted(() => ({ transport: {} }));
vi.mock('../lib/transport.js', () => fake);

import StartAtLogin from './StartAtLogin.svelte';

let app;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
});

async function render() {
  app = mount(StartAtLogin, { target: document.body });
  flushSync();
  await tick();
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

describe('StartAtLogin', () => {
  it('is left out where the shell cannot start at login (the browser)', async () => {
    fake.transport = { canStartAtLogin: false };
    await render();
    expect(document.body.textContent.trim()).toBe('');
  });

  it('shows the state the OS reports, and what it holds after a change', async () => {
    let state = true;
    fake.transport = {
      canStartAtLogin: true,
      startAtLogin: vi.fn(() => Promise.resolve(state)),
      setStartAtLogin: vi.fn((on) => Promise.resolve((state = on))),
    };
    await render();
    const box = document.querySelector('[data-testid=start-at-login]');
    expect(box.checked).toBe(true);
    expect(box.disabled).toBe(false);
    box.click();
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(fake.transport.setStartAtLogin).toHaveBeenCalledWith(false);
    expect(box.checked).toBe(false);
    expect(document.querySelector('[role=status]').textContent).toContain('no longer starts');
  });

  it('puts the switch back and says why when the OS refuses', async () => {
    fake.transport = {
      canStartAtLogin: true,
      startAtLogin: vi.fn(() => Promise.resolve(false)),
      setStartAtLogin: vi.fn(() => Promise.reject(new Error('permission denied'))),
    };
    await render();
    const box = document.querySelector('[data-testid=start-at-login]');
    box.click();
    await new Promise((r) => setTimeout(r, 0));
    flushSync();
    expect(box.checked).toBe(false);
    expect(document.querySelector('[role=alert]').textContent).toContain('permission denied');
  });
});
