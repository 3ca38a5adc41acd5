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
