import { describe, expect, it } from 'vitest';
import { get } from 'svelte/store';
import { latest, liveState, onSample, pageVisible, startLive } from './live.js';

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
      onVisibility(cb) {
        cb(true);
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

  it('keeps the feed closed while the page is hidden', () => {
    let opened = 0;
    let closed = 0;
    let setVisible;
    const transport = {
      live() {
        opened++;
        return () => closed++;
      },
      onVisibility(cb) {
        setVisible = cb;
        cb(false);
        return () => (setVisible = null);
      },
    };
    const stop = startLive(transport);
    expect(opened).toBe(0);
    expect(get(pageVisible)).toBe(false);
    setVisible(true);
    expect(opened).toBe(1);
    expect(get(pageVisible)).toBe(true);
    setVisible(true); // still visible: no second feed
    expect(opened).toBe(1);
    setVisible(false);
    expect(closed).toBe(1);
    stop();
    expect(setVisible).toBeNull();
    expect(closed).toBe(1);
  });
});
