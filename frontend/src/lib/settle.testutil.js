import { flushSync, tick } from 'svelte';

// settle lets a mounted component finish what a change set going: its
// effects, the promises of mocked requests, and the updates they cause.
// For tests only.
export async function settle() {
  for (let i = 0; i < 5; i++) {
    await tick();
    await new Promise((r) => setTimeout(r, 0));
  }
  flushSync();
}
