// The user's display settings, shared by every component. Changes are applied
// at once and then saved; a refused save puts the previous value back. Other
// open windows of the page follow through localStorage.

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

/**
 * fromOtherWindow applies settings another tab or window of this page saved:
 * every change ends up in localStorage, and the browser tells the other
 * windows with a storage event. Writing them back there changes nothing,
 * so no event echoes back.
 */
export function fromOtherWindow(e) {
  if (e.key !== KEY || e.newValue == null) return;
  try {
    const v = JSON.parse(e.newValue);
    if (v && typeof v === 'object') settings.set({ ...DEFAULT_SETTINGS, ...v });
  } catch {
    // Not ours to read; the server keeps the real copy.
  }
}
globalThis.addEventListener?.('storage', fromOtherWindow);

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
