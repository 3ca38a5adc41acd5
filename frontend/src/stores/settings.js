// The user's display settings, shared by every component. Changes are applied
// at once and then saved; a refused save puts the previous value back.

import { get, writable } from 'svelte/store';

const KEY = 'netpulse.settings';

/** DEFAULT_SETTINGS match the server's defaults. */
export const DEFAULT_SETTINGS = { rate_unit: 'bits', unit_prefix: 'si', theme: 'system', language: 'auto' };

// The last known settings are cached locally so the first paint already has
// the right theme and units, before the server answers.
function cached() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY));
    if (v && typeof v === 'object') return { ...DEFAULT_SETTINGS, ...v };
  } catch {
    // No storage or bad JSON: use the defaults.
  }
  return { ...DEFAULT_SETTINGS };
}

function remember(v) {
  try {
    localStorage.setItem(KEY, JSON.stringify(v));
  } catch {
    // Storage may be disabled; the server keeps the real copy.
  }
}

/** settings holds {rate_unit, unit_prefix, theme, language}. */
export const settings = writable(cached());
settings.subscribe(remember);

/** loadSettings replaces the settings with the server's. */
export async function loadSettings(transport) {
  const s = await transport.settings();
  settings.set({ ...DEFAULT_SETTINGS, ...s });
  return s;
}

/** saveSettings applies a partial change now and saves it. */
export async function saveSettings(transport, patch) {
  const before = get(settings);
  settings.set({ ...before, ...patch });
  try {
    const s = await transport.updateSettings(patch);
    settings.set({ ...DEFAULT_SETTINGS, ...s });
    return s;
  } catch (e) {
    settings.set(before);
    throw e;
  }
}
