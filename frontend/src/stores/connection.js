// Whether the server is reachable, and its health. A failed request marks the
// server unreachable; health is then polled with backoff until it answers,
// which marks it reachable again and bumps `reconnects` so views reload.

import { get, writable } from 'svelte/store';
import { createBackoff } from '../lib/backoff.js';
import { NetworkError } from '../lib/transport.js';

/** online is false while the server cannot be reached. */
export const online = writable(true);
/** retryAt is when the next attempt happens while offline (performance.now(), ms), else null. */
export const retryAt = writable(null);
/** health is the last /api/health answer, or null before the first. */
export const health = writable(null);
/** reconnects counts returns from offline; views reload when it changes. */
export const reconnects = writable(0);

const HEALTHY_EVERY = 30_000;

/**
 * startConnection watches the transport's reachability and polls health.
 * It returns {retryNow, stop}.
 */
export function startConnection(transport, { healthyEvery = HEALTHY_EVERY } = {}) {
  const backoff = createBackoff({ min: 1000, max: 30_000 });
  let timer;
  let stopped = false;

  const schedule = (ms) => {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(check, ms);
  };
  const goOffline = () => {
    const d = backoff.next();
    retryAt.set(performance.now() + d);
    schedule(d);
  };

  async function check() {
    try {
      health.set(await transport.health());
      schedule(healthyEvery);
    } catch (e) {
      if (e instanceof NetworkError) goOffline();
      else schedule(healthyEvery);
    }
  }

  const off = transport.onReachability((ok) => {
    if (ok && !get(online)) {
      online.set(true);
      retryAt.set(null);
      backoff.reset();
      reconnects.update((n) => n + 1);
      schedule(0);
    } else if (!ok && get(online)) {
      online.set(false);
      goOffline();
    }
  });

  check();
  return {
    retryNow: () => schedule(0),
    stop() {
      stopped = true;
      clearTimeout(timer);
      off();
    },
  };
}
