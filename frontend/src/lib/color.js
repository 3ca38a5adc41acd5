// Colour helpers for the chart, which reads its colours from the theme's CSS
// variables.

/** withAlpha turns "#rrggbb" (or "#rgb") into rgba() with the given alpha. */
export function withAlpha(color, alpha) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color?.trim() ?? '');
  if (!m) return color;
  let hex = m[1];
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
  const n = parseInt(hex, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

// The channels of "#rrggbb" or "#rgb", 0–255.
function channels(color) {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color?.trim() ?? '');
  if (!m) throw new Error(`not a hex colour: ${color}`);
  let hex = m[1];
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
  const n = parseInt(hex, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** luminance is a hex colour's relative luminance (WCAG 2). */
export function luminance(color) {
  const [r, g, b] = channels(color).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** contrast is the WCAG 2 contrast ratio of two hex colours, 1 to 21; text needs 4.5 (AA). */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** over is a hex colour drawn at opacity alpha over a background, as the eye gets it. */
export function over(color, alpha, background) {
  const [f, g] = [channels(color), channels(background)];
  return `#${f.map((c, i) => Math.round(c * alpha + g[i] * (1 - alpha)).toString(16).padStart(2, '0')).join('')}`;
}
