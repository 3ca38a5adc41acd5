// Cached Intl formatters: building one costs far more than using it, and the
// chart formats hundreds of labels per draw.

const cache = new Map();

function cached(kind, locale, opts) {
  const key = `${kind}|${locale ?? ''}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) {
    f = kind === 'n' ? new Intl.NumberFormat(locale, opts) : new Intl.DateTimeFormat(locale, opts);
    cache.set(key, f);
  }
  return f;
}

/** numberFormat is Intl.NumberFormat(locale, opts), made once. */
export function numberFormat(locale, opts = {}) {
  return cached('n', locale, opts);
}

/** dateFormat is Intl.DateTimeFormat(locale, opts), made once. */
export function dateFormat(locale, opts = {}) {
  return cached('d', locale, opts);
}

/** fixed renders a number with exactly `digits` decimals in the locale: "1,50". */
export function fixed(value, digits, locale) {
  return numberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(value);
}

/**
 * separators are the locale's group and decimal marks: {group: ',',
 * decimal: '.'} in English, {group: '.', decimal: ','} in German.
 */
export function separators(locale) {
  const parts = numberFormat(locale).formatToParts(12345.6);
  return {
    group: parts.find((p) => p.type === 'group')?.value ?? ',',
    decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
  };
}

/**
 * parseNumber reads a number written the locale's way: "1,000.5" in English,
 * "1.000,5" in German. Group marks must stand between groups of three
 * digits, so what the locale would not write ("1,5" in English, "1.5" in
 * German) is NaN: a guess could be off by a factor of a thousand.
 */
export function parseNumber(text, locale) {
  const { group, decimal } = separators(locale);
  // Locales that group with a (narrow) no-break space are typed with a plain one.
  let s = String(text ?? '').trim();
  if (/^\s$/u.test(group)) s = s.replace(/\s/gu, group);
  const sign = /^[-\u2212]/.test(s) ? -1 : 1;
  if (sign < 0) s = s.slice(1);
  const [whole, fraction, ...more] = s.split(decimal);
  if (more.length || (fraction !== undefined && !/^\d+$/.test(fraction))) return NaN;
  const grouped = whole.split(group);
  const ok =
    grouped.length === 1
      ? /^\d*$/.test(whole) && (whole !== '' || fraction !== undefined)
      : /^\d{1,3}$/.test(grouped[0]) && grouped.slice(1).every((g) => /^\d{3}$/.test(g));
  if (!ok) return NaN;
  return sign * Number(`${grouped.join('') || '0'}.${fraction ?? '0'}`);
}

/** numberInput writes a number for a form field: the locale's decimal mark, no grouping. */
export function numberInput(value, locale) {
  return numberFormat(locale, { maximumSignificantDigits: 12, useGrouping: false }).format(value);
}
