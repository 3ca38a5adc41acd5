import { afterEach, describe, expect, it, vi } from 'vitest';
import { mount, unmount } from 'svelte';
import { settle } from '../lib/settle.testutil.js';

// The components talk to the server through the transport module only.
const api = vi.hoisted(() => ({ interfaces: vi.fn() }));
vi.mock('../lib/transport.js', async (orig) => ({ ...(await orig()), transport: { ...api, mode: 'browser' } }));

const InterfacePicker = (await import('./InterfacePicker.svelte')).default;
const AliasEditor = (await import('./AliasEditor.svelte')).default;
const { reconnects } = await import('../stores/connection.js');

let app;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
  vi.clearAllMocks();
});

const iface = (name, over = {}) => ({ name, present: true, up: true, monitored: false, kind: 'physical', ...over });

describe('a reconnect while editing Settings', () => {
  it('keeps the interface ticks not saved yet, and takes in the rest', async () => {
    api.interfaces.mockResolvedValue([iface('eth0', { monitored: true }), iface('wlan0')]);
    app = mount(InterfacePicker, { target: document.body });
    await settle();
    const box = (n) => document.querySelector(`input[value="${n}"]`);
    box('eth0').click();
    await settle();
    expect(box('eth0').checked).toBe(false);
    // Meanwhile someone else ticked wlan0 and saved.
    api.interfaces.mockResolvedValue([iface('eth0', { monitored: true }), iface('wlan0', { monitored: true })]);
    reconnects.update((n) => n + 1);
    await settle();
    expect(api.interfaces).toHaveBeenCalledTimes(2);
    expect(box('eth0').checked).toBe(false);
    expect(box('wlan0').checked).toBe(true);
    expect(document.body.textContent).toContain('Unsaved changes');
  });

  it('keeps the display names typed but not applied', async () => {
    api.interfaces.mockResolvedValue([iface('eth0'), iface('wlan0', { alias: 'Wi-Fi' })]);
    app = mount(AliasEditor, { target: document.body });
    await settle();
    const field = document.querySelector('#alias-eth0');
    field.value = 'Fibre';
    field.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    api.interfaces.mockResolvedValue([iface('eth0'), iface('wlan0', { alias: 'Wireless' })]);
    reconnects.update((n) => n + 1);
    await settle();
    expect(api.interfaces).toHaveBeenCalledTimes(2);
    expect(document.querySelector('#alias-eth0').value).toBe('Fibre');
    expect(document.querySelector('#alias-wlan0').value).toBe('Wireless');
  });
});
