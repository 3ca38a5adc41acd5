// Formatting of byte counts and rates. Values arrive from the API in bytes and
// bytes per second; the user picks bits or bytes and SI (1000) or IEC (1024)
// prefixes in Settings.

import { fixed, numberFormat } from './intl.js';

const SYSTEMS = {
  si: { base: 1000, prefixes: ['', 'k', 'M', 'G', 'T', 'P', 'E'] },
  iec: { base: 1024, prefixes: ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] },
};

/** DEFAULT_UNITS are used until the server's settings arrive. */
export const DEFAULT_UNITS = { rate_unit: 'bits', unit_prefix: 'si' };

function system(prefix) {
  return SYSTEMS[prefix] ?? SYSTEMS.si;
}

/**
 * scale splits a value into a mantissa and a prefix index so that the
 * mantissa is below the base (1000 or 1024).
 */
export function scale(value, prefix = 'si') {
  const { base, prefixes } = system(prefix);
  let v = Math.abs(value);
  let i = 0;
  while (v >= base && i < prefixes.length - 1) {
    v /= base;
    i++;
  }
  return { value: Math.sign(value) * v, index: i };
}

// Three significant digits; a value in the base unit is shown whole unless it
// is a small fraction (a slow rate averaged over a long bucket).
function decimals(v, index) {
  const a = Math.abs(v);
  if (index === 0) return a > 0 && a < 10 && !Number.isInteger(a) ? 1 : 0;
  if (a < 10) return 2;
  if (a < 100) return 1;
  return 0;
}

// rounded is v as fixed() shows it: Intl rounds the shortest decimal form half
// away from zero (1.005 → "1.01"), where toFixed rounds the binary value.
function rounded(v, d) {
  return Number(fixed(v, d, 'en'));
}

// digits counts the three significant digits after rounding, so 9.995 kB
// shows as "10.0 kB", not "10.00 kB".
function digits(v, index) {
  const d = decimals(v, index);
  return index > 0 ? decimals(rounded(v, d), index) : d;
}

function format(value, prefix, unit, locale) {
  if (value == null || !Number.isFinite(value)) return '–';
  const { base, prefixes } = system(prefix);
  let { value: v, index } = scale(value, prefix);
  let d = digits(v, index);
  // Rounding can reach the base ("1000 kB"); move to the next prefix instead.
  // IEC keeps four digits below 1024 ("1010 KiB"), which is the usual style.
  if (Math.abs(rounded(v, d)) >= base && index < prefixes.length - 1) {
    index++;
    v /= base;
    d = digits(v, index);
  }
  return `${fixed(v, d, locale)} ${prefixes[index]}${unit}`;
}

/**
 * formatBytes renders a byte count: "0 B", "1.50 MB", "2.00 GiB"; numbers
 * follow the locale ("1,50 MB" in German).
 */
export function formatBytes(bytes, prefix = 'si', locale = 'en') {
  return format(bytes, prefix, 'B', locale);
}

/** rateFactor converts bytes per second into the unit the user chose. */
export function rateFactor(rateUnit) {
  return rateUnit === 'bytes' ? 1 : 8;
}

/** rateUnitName is the unit without prefix: "bit/s" or "B/s". */
export function rateUnitName(rateUnit) {
  return rateUnit === 'bytes' ? 'B/s' : 'bit/s';
}

/**
 * formatRate renders a rate given in bytes per second in the user's unit:
 * "12.5 Mbit/s" or "1.56 MB/s".
 */
export function formatRate(bytesPerSec, units = DEFAULT_UNITS, locale = 'en') {
  if (bytesPerSec == null || !Number.isFinite(bytesPerSec)) return '–';
  return format(bytesPerSec * rateFactor(units.rate_unit), units.unit_prefix, rateUnitName(units.rate_unit), locale);
}

/**
 * formatAxis renders a value already in the display unit (bits or bytes per
 * second) for an axis label: short, no trailing zeros ("2.5 Mbit/s").
 */
export function formatAxis(value, units = DEFAULT_UNITS, locale = 'en') {
  if (value === 0) return '0';
  const { value: v, index } = scale(value, units.unit_prefix);
  const text = numberFormat(locale, { maximumSignificantDigits: 3, useGrouping: false }).format(v);
  return `${text} ${system(units.unit_prefix).prefixes[index]}${rateUnitName(units.rate_unit)}`;
}

/**
 * niceTicks picks about `count` evenly spaced tick values from 0 to at least
 * max, with a step of 1, 2, 2.5 or 5 times a power of ten in the prefix that
 * fits max. With IEC prefixes that gives "0, 2, 4, 6 MiB/s" rather than the
 * decimal steps a plain linear axis would choose.
 */
export function niceTicks(max, prefix = 'si', count = 5) {
  if (!(max > 0) || !Number.isFinite(max)) return { step: 1, max: 1, ticks: [0, 1] };
  const { base } = system(prefix);
  const { index } = scale(max, prefix);
  const unit = base ** index;
  const raw = max / unit / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const mult = [1, 2, 2.5, 5, 10].find((m) => m * pow >= raw) ?? 10;
  const step = mult * pow * unit;
  const n = Math.max(1, Math.ceil(max / step - 1e-9));
  const ticks = [];
  for (let i = 0; i <= n; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { step, max: ticks[ticks.length - 1], ticks };
}
