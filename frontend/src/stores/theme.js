// Applies the theme setting to the page: data-theme="light"|"dark" on <html>,
// which the CSS variables in app.css key on. "system" follows the OS setting
// and changes with it.

import { derived, readable } from 'svelte/store';
import { settings } from './settings.js';

const prefersDark = readable(false, (set) => {
  const mq = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  if (!mq) return;
  set(mq.matches);
  const on = (e) => set(e.matches);
  mq.addEventListener('change', on);
  return () => mq.removeEventListener('change', on);
});

/** resolveTheme maps a theme setting to "light" or "dark". */
export function resolveTheme(choice, systemDark) {
  if (choice === 'light' || choice === 'dark') return choice;
  return systemDark ? 'dark' : 'light';
}

/** theme is the theme in effect: "light" or "dark". */
export const theme = derived([settings, prefersDark], ([$s, $dark]) => resolveTheme($s.theme, $dark));

/** applyTheme keeps <html data-theme> in step with the theme store. */
export function applyTheme(root = document.documentElement) {
  return theme.subscribe((t) => {
    root.dataset.theme = t;
    root.style.colorScheme = t;
  });
}
