// Formatting of byte counts and rates. Values arrive from the API in bytes and
// bytes per second; the user picks bits or bytes and SI (1000) or IEC (1024)
// prefixes in Settings.

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
function digits(v, index) {
  const a = Math.abs(v);
  if (index === 0) {
    if (a > 0 && a < 10 && !Number.isInteger(a)) return v.toFixed(1);
    return String(Math.round(v));
  }
  if (a < 10) return v.toFixed(2);
  if (a < 100) return v.toFixed(1);
  return String(Math.round(v));
}

function format(value, prefix, unit) {
  if (value == null || !Number.isFinite(value)) return '–';
  const { base, prefixes } = system(prefix);
  let { value: v, index } = scale(value, prefix);
  let text = digits(v, index);
  // Rounding can reach the base ("1000 kB"); move to the next prefix instead.
  // IEC keeps four digits below 1024 ("1010 KiB"), which is the usual style.
  if (Math.abs(Number(text)) >= base && index < prefixes.length - 1) {
    index++;
    v /= base;
    text = digits(v, index);
  }
  return `${text} ${prefixes[index]}${unit}`;
}

/** formatBytes renders a byte count: "0 B", "1.50 MB", "2.00 GiB". */
export function formatBytes(bytes, prefix = 'si') {
  return format(bytes, prefix, 'B');
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
export function formatRate(bytesPerSec, units = DEFAULT_UNITS) {
  if (bytesPerSec == null || !Number.isFinite(bytesPerSec)) return '–';
  return format(bytesPerSec * rateFactor(units.rate_unit), units.unit_prefix, rateUnitName(units.rate_unit));
}

/**
 * formatAxis renders a value already in the display unit (bits or bytes per
 * second) for an axis label: short, no trailing zeros ("2.5 Mbit/s").
 */
export function formatAxis(value, units = DEFAULT_UNITS) {
  if (value === 0) return '0';
  const { value: v, index } = scale(value, units.unit_prefix);
  const text = String(Number(v.toPrecision(3)));
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
