// One live-sample subscription for the whole page. `latest` holds the newest
// sample for readouts; onSample() hands every sample to views that merge them.

import { writable } from 'svelte/store';

/** latest is the newest live sample, or null. */
export const latest = writable(null);
/** latestAt is when `latest` arrived (performance.now(), ms). */
export const latestAt = writable(0);
/** liveState is "connecting", "open" or "error". */
export const liveState = writable('connecting');

const listeners = new Set();
let lastT = -Infinity;

/** onSample calls cb with every sample from now on; returns the unsubscribe. */
export function onSample(cb) {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

/** pageVisible is whether anyone can see the page (transport.onVisibility). */
export const pageVisible = writable(true);

/**
 * startLive opens the transport's live feed while the page is visible and
 * closes it while hidden (a background tab, the desktop window hidden in the
 * tray): drawing samples nobody sees costs CPU. Views catch up on their own
 * when the page shows again. Returns the stop function.
 */
export function startLive(transport) {
  let stop = null;
  const offVisibility = transport.onVisibility((visible) => {
    pageVisible.set(visible);
    if (visible) {
      stop ??= subscribe(transport);
    } else {
      stop?.();
      stop = null;
    }
  });
  return () => {
    offVisibility();
    stop?.();
    stop = null;
  };
}

function subscribe(transport) {
  return transport.live(
    (sample) => {
      if (!sample || !Array.isArray(sample.interfaces)) return;
      // On (re)connecting the server repeats its latest sample; one already
      // handed out must not be counted twice.
      if (sample.t <= lastT) return;
      lastT = sample.t;
      latest.set(sample);
      latestAt.set(performance.now());
      for (const cb of listeners) cb(sample);
    },
    (state) => liveState.set(state),
  );
}
