import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { latest, liveState, onSample, startLive } from './live.js';

describe('live store', () => {
  it('hands every new sample out once, in order', () => {
    let push;
    let state;
    const transport = {
      live(onS, onState) {
        push = onS;
        state = onState;
        return () => {};
      },
    };
    const got = [];
    const off = onSample((s) => got.push(s.t));
    startLive(transport);
    state('open');
    push({ t: 5000, interfaces: [] });
    // A reconnect repeats the latest sample; older ones are stale.
    push({ t: 5000, interfaces: [] });
    push({ t: 4000, interfaces: [] });
    push({ t: 6000, interfaces: [] });
    push({ t: 7000 }); // malformed: no interfaces
    off();
    push({ t: 8000, interfaces: [] });
    expect(got).toEqual([5000, 6000]);
    expect(get(latest).t).toBe(8000);
    expect(get(liveState)).toBe('open');
  });
});
