import { describe, expect, it, vi } from 'vitest';
import { ApiError, LIVE_EVENT, NAVIGATE_EVENT, NetworkError, SHOWN_EVENT, createTransport, trafficParams } from './transport.js';

function fakeDesktop() {
  const calls = [];
  const handlers = {};
  const rec =
    (name, value) =>
    (...args) => {
      calls.push([name, ...args]);
      return typeof value === 'function' ? value(...args) : Promise.resolve(value);
    };
  const win = {
    go: {
      desktop: {
        Desktop: {
          Interfaces: rec('Interfaces', [{ name: 'eth0' }]),
          MonitoredInterfaces: rec('MonitoredInterfaces', { interfaces: ['eth0'] }),
          SetMonitoredInterfaces: rec('SetMonitoredInterfaces', (names) => Promise.resolve({ interfaces: names })),
          Traffic: rec('Traffic', { start: 1, end: 2, group_seconds: 1, series: [], rx_bytes: 0, tx_bytes: 0 }),
          Settings: rec('Settings', { rate_unit: 'bits', unit_prefix: 'si', theme: 'dark' }),
          UpdateSettings: rec('UpdateSettings', () => Promise.reject('unknown theme "pink"')),
          Health: rec('Health', { status: 'ok' }),
        },
      },
    },
    runtime: {
      EventsOn: vi.fn((name, cb) => {
        handlers[name] = cb;
        return () => delete handlers[name];
      }),
      EventsOff: vi.fn(),
    },
    fetch: vi.fn(() => Promise.reject(new Error('fetch must not be used in the desktop window'))),
    EventSource: vi.fn(),
  };
  return { win, calls, handlers };
}

function jsonResponse(status, body, statusText = '') {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    json: () => (body === undefined ? Promise.reject(new SyntaxError('no body')) : Promise.resolve(body)),
  };
}

describe('desktop transport', () => {
  it('uses the Wails bindings, never fetch', async () => {
    const { win, calls } = fakeDesktop();
    const t = createTransport(win);
    expect(t.mode).toBe('desktop');
    expect(await t.interfaces()).toEqual([{ name: 'eth0' }]);
    expect(await t.monitored()).toEqual({ interfaces: ['eth0'] });
    expect(await t.setMonitored(['a', 'b'])).toEqual({ interfaces: ['a', 'b'] });
    const q = { window: '1h', group: '10s', interfaces: ['eth0'] };
    await t.traffic(q);
    await t.settings();
    await t.health();
    expect(calls).toEqual([
      ['Interfaces'],
      ['MonitoredInterfaces'],
      ['SetMonitoredInterfaces', ['a', 'b']],
      ['Traffic', q],
      ['Settings'],
      ['Health'],
    ]);
    expect(win.fetch).not.toHaveBeenCalled();
  });

  it('turns a rejected binding into an ApiError with the message', async () => {
    const { win } = fakeDesktop();
    const t = createTransport(win);
    const err = await t.updateSettings({ theme: 'pink' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('unknown theme "pink"');
  });

  it('delivers live samples from Wails events and unsubscribes', () => {
    const { win, handlers } = fakeDesktop();
    const t = createTransport(win);
    const got = [];
    const states = [];
    const stop = t.live((s) => got.push(s), (s) => states.push(s));
    expect(win.runtime.EventsOn).toHaveBeenCalledWith(LIVE_EVENT, expect.any(Function));
    handlers[LIVE_EVENT]({ t: 5, interfaces: [] });
    expect(got).toEqual([{ t: 5, interfaces: [] }]);
    expect(states).toEqual(['open']);
    stop();
    expect(handlers[LIVE_EVENT]).toBeUndefined();
    expect(win.EventSource).not.toHaveBeenCalled();
  });

  it('takes window visibility from the shell, not from WebKit', async () => {
    const { win, handlers } = fakeDesktop();
    win.go.desktop.Desktop.WindowShown = () => Promise.resolve(false);
    win.document = { hidden: false, addEventListener() {}, removeEventListener() {} };
    const t = createTransport(win);
    const seen = [];
    const stop = t.onVisibility((v) => seen.push(v));
    await Promise.resolve();
    expect(seen).toEqual([false]);
    handlers[SHOWN_EVENT](true);
    expect(seen).toEqual([false, true]);
    stop();
    expect(handlers[SHOWN_EVENT]).toBeUndefined();
  });

  it('passes page requests from the tray menu on, and stops on unsubscribe', () => {
    const { win, handlers } = fakeDesktop();
    const t = createTransport(win);
    const pages = [];
    const stop = t.onNavigate((p) => pages.push(p));
    handlers[NAVIGATE_EVENT]('settings');
    expect(pages).toEqual(['settings']);
    stop();
    expect(handlers[NAVIGATE_EVENT]).toBeUndefined();
  });

  it('reports the first chart to the desktop shell, if it listens', async () => {
    const { win, calls } = fakeDesktop();
    await createTransport(win).reportReady('chart');
    expect(calls).toEqual([]);
    win.go.desktop.Desktop.ReportReady = (what) => (calls.push(['ReportReady', what]), Promise.resolve());
    await createTransport(win).reportReady('chart');
    expect(calls).toEqual([['ReportReady', 'chart']]);
    win.go.desktop.Desktop.ReportReady = () => Promise.reject('gone');
    await expect(createTransport(win).reportReady('chart')).resolves.toBeUndefined();
  });

  it('falls back to EventsOff when EventsOn returns nothing', () => {
    const { win } = fakeDesktop();
    win.runtime.EventsOn = vi.fn(() => undefined);
    createTransport(win).live(() => {})();
    expect(win.runtime.EventsOff).toHaveBeenCalledWith(LIVE_EVENT);
  });

  it('offers start at login only where the shell binds it', async () => {
    const { win, calls } = fakeDesktop();
    expect(createTransport(win).canStartAtLogin).toBe(false);
    win.go.desktop.Desktop.StartAtLogin = vi.fn(() => Promise.resolve(false));
    win.go.desktop.Desktop.SetStartAtLogin = vi.fn((on) => Promise.resolve(on));
    const t = createTransport(win);
    expect(t.canStartAtLogin).toBe(true);
    expect(await t.startAtLogin()).toBe(false);
    expect(await t.setStartAtLogin(true)).toBe(true);
    expect(win.go.desktop.Desktop.SetStartAtLogin).toHaveBeenCalledWith(true);
    expect(calls).toEqual([]);
    expect(createTransport({ fetch: vi.fn() }).canStartAtLogin).toBe(false);
  });

  it('detects the desktop only when the bindings exist', () => {
    const { win } = fakeDesktop();
    delete win.go.desktop;
    expect(createTransport(win).mode).toBe('browser');
  });
});

describe('browser transport', () => {
  it('follows the document visibility in a browser', () => {
    const listeners = {};
    const document = {
      hidden: true,
      addEventListener: (n, cb) => (listeners[n] = cb),
      removeEventListener: (n) => delete listeners[n],
    };
    const t = createTransport({ fetch: vi.fn(), EventSource: vi.fn(), document });
    const seen = [];
    const stop = t.onVisibility((v) => seen.push(v));
    document.hidden = false;
    listeners.visibilitychange();
    expect(seen).toEqual([false, true]);
    stop();
    expect(listeners.visibilitychange).toBeUndefined();
  });

  it('has no page requests from outside in a browser', () => {
    const t = createTransport({ fetch: vi.fn(), EventSource: vi.fn() });
    const stop = t.onNavigate(() => {
      throw new Error('no navigation source in a browser');
    });
    expect(typeof stop).toBe('function');
    stop();
  });

  it('GETs JSON from the API paths', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(200, { interfaces: ['eth0'] })));
    const t = createTransport({ fetch });
    expect(t.mode).toBe('browser');
    expect(await t.monitored()).toEqual({ interfaces: ['eth0'] });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('api/config/monitored_interfaces');
    expect(init.method).toBeUndefined();
    expect(init.headers.Accept).toBe('application/json');
  });

  it('POSTs JSON with the JSON content type', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(200, { interfaces: ['a'] })));
    const t = createTransport({ fetch });
    await t.setMonitored(['a']);
    await t.updateSettings({ theme: 'dark' });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('api/config/monitored_interfaces');
    expect(init.method).toBe('POST');
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(init.body)).toEqual({ interfaces: ['a'] });
    expect(fetch.mock.calls[1][0]).toBe('api/config/settings');
    expect(JSON.parse(fetch.mock.calls[1][1].body)).toEqual({ theme: 'dark' });
  });

  it('gets and sets aliases', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(200, { aliases: { eth0: 'Fibre' } })));
    const t = createTransport({ fetch });
    expect(await t.aliases()).toEqual({ aliases: { eth0: 'Fibre' } });
    await t.setAliases({ eth0: 'Fibre', 'web/eth0': '' });
    expect(fetch.mock.calls[0][0]).toBe('api/config/aliases');
    expect(fetch.mock.calls[1][0]).toBe('api/config/aliases');
    expect(fetch.mock.calls[1][1].method).toBe('POST');
    expect(JSON.parse(fetch.mock.calls[1][1].body)).toEqual({ aliases: { eth0: 'Fibre', 'web/eth0': '' } });
  });

  it('encodes traffic queries with repeated interfaces', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(200, {})));
    await createTransport({ fetch }).traffic({ window: '7d', group: '1h', end: '2024-03-05T10:00:00+01:00', interfaces: ['eth0', 'wlan0'], tz: 'Europe/Berlin' });
    const url = new URL(fetch.mock.calls[0][0], 'http://x/');
    expect(url.pathname).toBe('/api/traffic');
    expect(url.searchParams.get('window')).toBe('7d');
    expect(url.searchParams.get('group')).toBe('1h');
    expect(url.searchParams.get('end')).toBe('2024-03-05T10:00:00+01:00');
    expect(url.searchParams.getAll('interface')).toEqual(['eth0', 'wlan0']);
    expect(url.searchParams.get('tz')).toBe('Europe/Berlin');
  });

  it('leaves optional parameters out', () => {
    expect(trafficParams({ window: '1h', group: '10s' })).toBe('window=1h&group=10s');
  });

  it('reports the server error message with the status', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(400, { error: 'group 500ms is below the poll interval 1s' }, 'Bad Request')));
    const err = await createTransport({ fetch }).traffic({ window: '1h', group: '500ms' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.message).toBe('group 500ms is below the poll interval 1s');
  });

  it('falls back to the status line for a non-JSON error', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(500, undefined, 'Internal Server Error')));
    const err = await createTransport({ fetch }).settings().catch((e) => e);
    expect(err.message).toBe('500 Internal Server Error');
  });

  it('returns the health body of an unhealthy server', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(503, { status: 'stalled', errors: ['no poll for 30s'] })));
    expect(await createTransport({ fetch }).health()).toEqual({ status: 'stalled', errors: ['no poll for 30s'] });
  });

  it('turns a failed fetch into a NetworkError and reports reachability', async () => {
    let up = false;
    const fetch = vi.fn(() => (up ? Promise.resolve(jsonResponse(200, [])) : Promise.reject(new TypeError('Failed to fetch'))));
    const t = createTransport({ fetch });
    const seen = [];
    t.onReachability((ok) => seen.push(ok));
    const err = await t.interfaces().catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    up = true;
    await t.interfaces();
    expect(seen).toEqual([false, true]);
  });

  it('treats a proxy error as unreachable', async () => {
    const fetch = vi.fn(() => Promise.resolve(jsonResponse(502, undefined, 'Bad Gateway')));
    expect(await createTransport({ fetch }).health().catch((e) => e)).toBeInstanceOf(NetworkError);
  });

  it('reads live samples from EventSource "rates" events', () => {
    const sources = [];
    class FakeEventSource {
      constructor(url) {
        this.url = url;
        this.readyState = 0;
        this.listeners = {};
        sources.push(this);
      }
      addEventListener(name, cb) {
        this.listeners[name] = cb;
      }
      close() {
        this.closed = true;
      }
    }
    const t = createTransport({ fetch: vi.fn(), EventSource: FakeEventSource });
    const got = [];
    const states = [];
    const stop = t.live((s) => got.push(s), (s) => states.push(s));
    const es = sources[0];
    expect(es.url).toBe('api/live');
    es.onopen();
    es.listeners.rates({ data: '{"t":1700000000000,"interfaces":[{"interface":"eth0","rx_bps":1,"tx_bps":2,"rx_bytes":1,"tx_bytes":2}]}' });
    es.listeners.rates({ data: 'not json' });
    expect(got).toHaveLength(1);
    expect(got[0].interfaces[0].interface).toBe('eth0');
    expect(states).toEqual(['open']);
    stop();
    expect(es.closed).toBe(true);
  });

  it('reopens an EventSource the browser gave up on', () => {
    vi.useFakeTimers();
    const sources = [];
    class FakeEventSource {
      constructor() {
        this.readyState = 0;
        sources.push(this);
      }
      addEventListener() {}
      close() {
        this.readyState = 2;
      }
    }
    const stop = createTransport({ fetch: vi.fn(), EventSource: FakeEventSource }).live(() => {});
    sources[0].readyState = 2;
    sources[0].onerror();
    vi.advanceTimersByTime(1500);
    expect(sources).toHaveLength(2);
    stop();
    vi.useRealTimers();
  });
});

describe('plans and notifiers', () => {
  it('uses the REST paths and methods in a browser', async () => {
    const seen = [];
    const win = {
      fetch: vi.fn((path, init) => {
        seen.push([init.method ?? 'GET', path, init.body]);
        if (init.method === 'DELETE') return Promise.resolve(jsonResponse(204, undefined));
        return Promise.resolve(jsonResponse(init.method === 'POST' ? 201 : 200, { id: 7 }));
      }),
    };
    const t = createTransport(win);
    const plan = { name: 'Home', interfaces: ['eth0'] };
    await t.plans();
    await t.createPlan(plan);
    await t.updatePlan(7, plan);
    expect(await t.deletePlan(7)).toBeNull();
    await t.planCycles(7, 3);
    await t.notifiers();
    await t.createNotifier({ name: 'n', url: 'ntfy://x', events: ['plan'] });
    expect(await t.deleteNotifier(3)).toBeNull();
    await t.testNotifier(3);
    expect(seen.map(([m, p]) => `${m} ${p}`)).toEqual([
      'GET api/plans',
      'POST api/plans',
      'PUT api/plans/7',
      'DELETE api/plans/7',
      'GET api/plans/7/cycles?count=3',
      'GET api/notifiers',
      'POST api/notifiers',
      'DELETE api/notifiers/3',
      'POST api/notifiers/3/test',
    ]);
    expect(JSON.parse(seen[2][2])).toEqual(plan);
  });

  it('reports a failed notifier test as the server error, not as unreachable', async () => {
    const win = { fetch: vi.fn(() => Promise.resolve(jsonResponse(502, { error: 'connection refused' }, 'Bad Gateway'))) };
    const t = createTransport(win);
    const err = await t.testNotifier(1).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('connection refused');
    expect(err.status).toBe(502);
    // Anywhere else a 502 is a proxy in front of a stopped server.
    expect(await t.notifiers().catch((e) => e)).toBeInstanceOf(NetworkError);
  });

  it('keeps the 403 status for a refused notifier write', async () => {
    const win = { fetch: vi.fn(() => Promise.resolve(jsonResponse(403, { error: 'set NETPULSE_PASSWORD' }))) };
    const err = await createTransport(win)
      .createNotifier({})
      .catch((e) => e);
    expect(err.status).toBe(403);
  });

  it('calls the bindings in the desktop window', async () => {
    const calls = [];
    const rec =
      (name) =>
      (...args) => {
        calls.push([name, ...args]);
        return Promise.resolve(null);
      };
    const names = ['Plans', 'CreatePlan', 'UpdatePlan', 'DeletePlan', 'PlanCycles', 'Notifiers', 'CreateNotifier', 'DeleteNotifier', 'TestNotifier'];
    const Desktop = Object.fromEntries(names.map((n) => [n, rec(n)]));
    const t = createTransport({ go: { desktop: { Desktop } }, runtime: {} });
    await t.plans();
    await t.createPlan({ name: 'a' });
    await t.updatePlan(2, { name: 'b' });
    await t.deletePlan(2);
    await t.planCycles(2);
    await t.notifiers();
    await t.createNotifier({ name: 'n' });
    await t.deleteNotifier(4);
    await t.testNotifier(4);
    expect(calls).toEqual([
      ['Plans'],
      ['CreatePlan', { name: 'a' }],
      ['UpdatePlan', 2, { name: 'b' }],
      ['DeletePlan', 2],
      ['PlanCycles', 2, 0],
      ['Notifiers'],
      ['CreateNotifier', { name: 'n' }],
      ['DeleteNotifier', 4],
      ['TestNotifier', 4],
    ]);
  });
});
