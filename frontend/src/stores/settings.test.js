import { beforeEach, describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, settings } from './settings.js';
import { resolveTheme } from './theme.js';
import { ApiError } from '../lib/transport.js';

beforeEach(() => settings.set({ ...DEFAULT_SETTINGS }));

describe('settings store', () => {
  it('applies a change at once and keeps the server answer', async () => {
    let seenDuringSave;
    const transport = {
      updateSettings: vi.fn(async (patch) => {
        seenDuringSave = get(settings).theme;
        return { ...DEFAULT_SETTINGS, ...patch };
      }),
    };
    await saveSettings(transport, { theme: 'dark' });
    expect(seenDuringSave).toBe('dark');
    expect(get(settings).theme).toBe('dark');
    expect(JSON.parse(localStorage.getItem('netpulse.settings')).theme).toBe('dark');
  });

  it('puts the old value back when the server refuses', async () => {
    const transport = { updateSettings: vi.fn(() => Promise.reject(new ApiError('theme: "x" is not one of [system light dark]', 400))) };
    await expect(saveSettings(transport, { theme: 'x' })).rejects.toThrow('not one of');
    expect(get(settings).theme).toBe('system');
  });

  it('loads the server settings', async () => {
    await loadSettings({ settings: async () => ({ rate_unit: 'bytes', unit_prefix: 'iec', theme: 'light', language: 'de' }) });
    expect(get(settings)).toEqual({ rate_unit: 'bytes', unit_prefix: 'iec', theme: 'light', language: 'de' });
  });
});

describe('settings changed in another window', () => {
  // The browser fires "storage" in every other window of the page when one
  // of them writes localStorage.
  const fromElsewhere = (key, value) => window.dispatchEvent(new StorageEvent('storage', { key, newValue: value }));

  it('apply here too', () => {
    fromElsewhere('netpulse.settings', JSON.stringify({ ...DEFAULT_SETTINGS, theme: 'dark', language: 'de' }));
    expect(get(settings)).toMatchObject({ theme: 'dark', language: 'de', unit_prefix: 'si' });
  });

  it('are left alone when they are not the settings, or not readable', () => {
    fromElsewhere('netpulse.view', JSON.stringify({ theme: 'dark' }));
    fromElsewhere('netpulse.settings', '{not json');
    fromElsewhere('netpulse.settings', null);
    expect(get(settings)).toEqual(DEFAULT_SETTINGS);
  });
});

describe('resolveTheme', () => {
  it('follows the system only for "system"', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});
