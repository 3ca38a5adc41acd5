// The dashboard's view choices (window, grouping, view mode, peaks) are kept
// in this browser only: they are how one person looks, not server settings.

import { DEFAULT_WINDOW, adjustGroup, findWindow, defaultGroup } from './ranges.js';

const KEY = 'netpulse.view';

/** loadView returns the saved view or the defaults, made valid. */
export function loadView(storage = globalThis.localStorage, intervalSec = 1) {
  let v = {};
  try {
    v = JSON.parse(storage?.getItem(KEY) ?? '{}') ?? {};
  } catch {
    v = {};
  }
  const w = findWindow(v.windowSec) ?? findWindow(DEFAULT_WINDOW);
  const groupSec = Number.isFinite(v.groupSec) ? adjustGroup(w.seconds, v.groupSec, intervalSec) : defaultGroup(w.seconds, intervalSec);
  return {
    windowSec: w.seconds,
    groupSec,
    mode: v.mode === 'interfaces' ? 'interfaces' : 'combined',
    showPeaks: v.showPeaks !== false,
  };
}

/** saveView stores the view; storage errors are ignored. */
export function saveView(view, storage = globalThis.localStorage) {
  try {
    storage?.setItem(KEY, JSON.stringify(view));
  } catch {
    // Private mode or storage disabled: the view just is not remembered.
  }
}
