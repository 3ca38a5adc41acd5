import { afterEach, describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import { createTransport } from '../lib/transport.js';
import { health, online, reconnects, retryAt, startConnection } from './connection.js';

const ok = (body) => Promise.resolve({ ok: true, status: 200, statusText: 'OK', json: () => Promise.resolve(body) });

afterEach(() => vi.useRealTimers());

describe('connection', () => {
  it('goes offline on a failed request, retries with backoff and clears itself', async () => {
    vi.useFakeTimers();
    let up = true;
    const fetch = vi.fn(() => (up ? ok({ status: 'ok', interval_seconds: 1 }) : Promise.reject(new TypeError('Failed to fetch'))));
    const t = createTransport({ fetch });
    const c = startConnection(t, { healthyEvery: 60_000 });
    await vi.advanceTimersByTimeAsync(10);
    expect(get(health)).toEqual({ status: 'ok', interval_seconds: 1 });
    expect(get(online)).toBe(true);

    up = false;
    await t.traffic({ window: '1h', group: '10s' }).catch(() => {});
    expect(get(online)).toBe(false);
    expect(get(retryAt)).toBeGreaterThan(performance.now());
    const before = fetch.mock.calls.length;
    // Retries follow: about 1 s, 2 s, 4 s...
    await vi.advanceTimersByTimeAsync(8000);
    expect(fetch.mock.calls.length - before).toBeGreaterThanOrEqual(3);
    expect(fetch.mock.calls.length - before).toBeLessThanOrEqual(5);
    expect(get(online)).toBe(false);

    const n = get(reconnects);
    up = true;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(get(online)).toBe(true);
    expect(get(retryAt)).toBeNull();
    expect(get(reconnects)).toBe(n + 1);
    c.stop();
  });
});
