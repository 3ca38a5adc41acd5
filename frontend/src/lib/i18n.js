// The message catalogue. Every text the dashboard shows comes from
// src/locales/<locale>.json through t(key, vars):
//
//   import { t } from '../lib/i18n.js';
//   <h2>{$t('history.title')}</h2>
//   <p>{$t('history.rows', { count: rows.length })}</p>
//
// A message may hold {name} placeholders, filled from vars. A message that
// depends on a number is an object of plural forms ({"one": …, "other": …},
// the categories of Intl.PluralRules) picked by vars.count. A key missing
// from a catalogue falls back to English, and a key missing from English is
// shown as the key itself, so a forgotten entry is visible rather than blank.
//
// The locale follows the "language" setting; "auto" takes the first of the
// browser's languages (in the desktop app: the system's) that has a
// catalogue, and English otherwise.

import { derived } from 'svelte/store';
import { settings } from '../stores/settings.js';
import en from '../locales/en.json';
import de from '../locales/de.json';
import zh from '../locales/zh.json';

/** CATALOGUES maps each supported locale to its messages. */
export const CATALOGUES = { en, de, zh };

/** LOCALES lists the supported locales, as the language setting names them. */
export const LOCALES = Object.keys(CATALOGUES);

/**
 * detectLocale picks the first supported locale from a list of BCP 47 tags
 * (navigator.languages): "de-AT" gives "de", "zh-Hans-CN" gives "zh".
 */
export function detectLocale(tags = []) {
  for (const tag of tags) {
    const base = String(tag).toLowerCase().split(/[-_]/)[0];
    if (LOCALES.includes(base)) return base;
  }
  return 'en';
}

/** resolveLocale turns the language setting into a supported locale. */
export function resolveLocale(setting, tags = browserLanguages()) {
  return LOCALES.includes(setting) ? setting : detectLocale(tags);
}

function browserLanguages() {
  const nav = globalThis.navigator;
  if (!nav) return [];
  return nav.languages?.length ? nav.languages : [nav.language].filter(Boolean);
}

const plurals = new Map();
function pluralForm(locale, count) {
  if (!plurals.has(locale)) plurals.set(locale, new Intl.PluralRules(locale));
  return plurals.get(locale).select(count);
}

/** translate looks a key up for a locale and fills in its placeholders. */
export function translate(locale, key, vars = {}) {
  let msg = CATALOGUES[locale]?.[key] ?? en[key];
  if (msg == null) return key;
  if (typeof msg === 'object') msg = msg[pluralForm(locale, vars.count ?? 0)] ?? msg.other;
  return msg.replace(/\{(\w+)\}/g, (m, name) => (vars[name] == null ? m : String(vars[name])));
}

/**
 * fragments splits a message into its text and its placeholders, for a
 * message whose values are markup rather than text (a <code>, a number with
 * a test id): "{used} of {cap}" gives
 * [{slot: "used"}, {text: " of "}, {slot: "cap"}]. Pass the message without
 * vars, $t('plan.usedOf'), so its placeholders stay in place.
 */
export function fragments(msg) {
  return String(msg)
    .split(/(\{\w+\})/)
    .filter((p) => p !== '')
    .map((p) => {
      const m = /^\{(\w+)\}$/.exec(p);
      return m ? { slot: m[1] } : { text: p };
    });
}

/** locale is the locale in effect: "en", "de" or "zh". */
export const locale = derived(settings, ($s) => resolveLocale($s.language));

/** t is a store holding the translate function for the current locale: $t(key, vars). */
export const t = derived(locale, ($l) => (key, vars) => translate($l, key, vars));

/** applyLocale keeps <html lang> in step with the locale. */
export function applyLocale(root = document.documentElement) {
  return locale.subscribe((l) => {
    root.lang = l === 'zh' ? 'zh-Hans' : l;
  });
}
