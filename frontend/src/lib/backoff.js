// Retry delays for an unreachable server: doubling from `min` up to `max`,
// with up to 20% random spread so many open tabs do not retry in step.

/** createBackoff returns {next(), reset()}; next() gives the delay in ms. */
export function createBackoff({ min = 1000, max = 30000, factor = 2, jitter = 0.2, random = Math.random } = {}) {
  let attempt = 0;
  return {
    next() {
      const base = Math.min(max, min * factor ** attempt);
      attempt++;
      return Math.round(base * (1 - jitter * random()));
    },
    reset() {
      attempt = 0;
    },
    get attempts() {
      return attempt;
    },
  };
}
