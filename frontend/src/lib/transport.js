// The one place that knows how the dashboard talks to Net-Pulse. Inside the
// desktop window it calls the Wails bindings (window.go.desktop.Desktop) and
// listens to Wails events; in a browser it uses fetch and EventSource against
// the HTTP API. Both return the same shapes, so nothing else needs to know.

import { createBackoff } from './backoff.js';

/** LIVE_EVENT is the Wails event that carries live samples. */
export const LIVE_EVENT = 'traffic:rates';

/** NAVIGATE_EVENT is the Wails event by which the tray menu opens a page. */
export const NAVIGATE_EVENT = 'app:navigate';

/** SHOWN_EVENT is the Wails event sent when a window started hidden is shown. */
export const SHOWN_EVENT = 'app:visibility';

/** ApiError is a refused request: the server's message and HTTP status. */
export class ApiError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** NetworkError means the server could not be reached at all. */
export class NetworkError extends Error {
  constructor(message = 'The Net-Pulse server cannot be reached.') {
    super(message);
    this.name = 'NetworkError';
    this.offline = true;
  }
}

function desktopBackend(win, d) {
  const call = async (method, ...args) => {
    try {
      return await d[method](...args);
    } catch (e) {
      // Wails rejects bound calls with the Go error's text.
      throw new ApiError(typeof e === 'string' ? e : (e?.message ?? String(e)));
    }
  };
  return {
    mode: 'desktop',
    interfaces: () => call('Interfaces'),
    monitored: () => call('MonitoredInterfaces'),
    setMonitored: (names) => call('SetMonitoredInterfaces', names),
    traffic: (q) => call('Traffic', q),
    settings: () => call('Settings'),
    updateSettings: (patch) => call('UpdateSettings', patch),
    aliases: () => call('Aliases'),
    setAliases: (patch) => call('SetAliases', patch),
    health: () => call('Health'),
    plans: () => call('Plans'),
    createPlan: (plan) => call('CreatePlan', plan),
    updatePlan: (id, plan) => call('UpdatePlan', id, plan),
    deletePlan: (id) => call('DeletePlan', id),
    planCycles: (id, count) => call('PlanCycles', id, count ?? 0),
    notifiers: () => call('Notifiers'),
    createNotifier: (n) => call('CreateNotifier', n),
    deleteNotifier: (id) => call('DeleteNotifier', id),
    testNotifier: (id) => call('TestNotifier', id),
    // Tells the desktop shell the first chart is on screen (its tests wait
    // for this); older shells without the binding are fine.
    reportReady: (what) => (typeof d.ReportReady === 'function' ? call('ReportReady', what) : Promise.resolve()),
    // The OS's login entry; shells without it leave the switch out.
    ...(typeof d.StartAtLogin === 'function' && {
      startAtLogin: () => call('StartAtLogin'),
      setStartAtLogin: (on) => call('SetStartAtLogin', on),
    }),
    // WebKitGTK calls a window that was never shown "visible", so the shell
    // says whether it is on screen.
    onVisibility(cb) {
      if (typeof d.WindowShown === 'function') {
        d.WindowShown().then((v) => cb(v !== false), () => cb(true));
      } else {
        cb(true);
      }
      const off = win.runtime.EventsOn(SHOWN_EVENT, (v) => cb(v !== false));
      return () => (typeof off === 'function' ? off() : win.runtime.EventsOff(SHOWN_EVENT));
    },
    onNavigate(cb) {
      const off = win.runtime.EventsOn(NAVIGATE_EVENT, (page) => cb(page));
      return () => (typeof off === 'function' ? off() : win.runtime.EventsOff(NAVIGATE_EVENT));
    },
    live(onSample, onState) {
      const off = win.runtime.EventsOn(LIVE_EVENT, (sample) => onSample(sample));
      onState?.('open');
      return () => (typeof off === 'function' ? off() : win.runtime.EventsOff(LIVE_EVENT));
    },
  };
}

async function errorMessage(res) {
  try {
    const body = await res.json();
    if (body && typeof body.error === 'string') return body.error;
  } catch {
    // Not JSON: fall back to the status line.
  }
  return `${res.status} ${res.statusText}`.trim();
}

function browserVisibility(win, cb) {
  const doc = win?.document;
  if (!doc) {
    cb(true);
    return () => {};
  }
  const sync = () => cb(!doc.hidden);
  sync();
  doc.addEventListener('visibilitychange', sync);
  return () => doc.removeEventListener('visibilitychange', sync);
}

function browserBackend(win) {
  // apiStatus lists gateway statuses that come from Net-Pulse itself (a
  // notifier test answers 502 with the delivery error), not from a proxy.
  const request = async (path, init = {}, { acceptStatus = [], apiStatus = [] } = {}) => {
    let res;
    try {
      res = await win.fetch(path, {
        ...init,
        credentials: 'same-origin',
        headers: { Accept: 'application/json', ...(init.headers ?? {}) },
      });
    } catch (e) {
      if (e?.name === 'AbortError') throw e;
      throw new NetworkError();
    }
    // A proxy in front of a stopped server answers 502 or 504.
    if ((res.status === 502 || res.status === 504) && !apiStatus.includes(res.status)) throw new NetworkError();
    if (res.status === 204) return null;
    if (res.ok || acceptStatus.includes(res.status)) return res.json();
    throw new ApiError(await errorMessage(res), res.status);
  };
  const send = (method, path, body, opts) =>
    request(path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body ?? {}) }, opts);
  const post = (path, body) => send('POST', path, body);
  const id = (v) => encodeURIComponent(v);

  return {
    mode: 'browser',
    interfaces: () => request('api/interfaces'),
    monitored: () => request('api/config/monitored_interfaces'),
    setMonitored: (names) => post('api/config/monitored_interfaces', { interfaces: names }),
    traffic: (q) => request(`api/traffic?${trafficParams(q)}`),
    settings: () => request('api/config/settings'),
    updateSettings: (patch) => post('api/config/settings', patch),
    aliases: () => request('api/config/aliases'),
    setAliases: (patch) => post('api/config/aliases', { aliases: patch }),
    // An unhealthy server answers 503 with the same body, which the UI shows.
    health: () => request('api/health', {}, { acceptStatus: [503] }),
    plans: () => request('api/plans'),
    createPlan: (plan) => post('api/plans', plan),
    updatePlan: (pid, plan) => send('PUT', `api/plans/${id(pid)}`, plan),
    deletePlan: (pid) => request(`api/plans/${id(pid)}`, { method: 'DELETE' }),
    planCycles: (pid, count) => request(`api/plans/${id(pid)}/cycles${count ? `?count=${count}` : ''}`),
    notifiers: () => request('api/notifiers'),
    createNotifier: (n) => post('api/notifiers', n),
    deleteNotifier: (nid) => request(`api/notifiers/${id(nid)}`, { method: 'DELETE' }),
    testNotifier: (nid) => send('POST', `api/notifiers/${id(nid)}/test`, {}, { apiStatus: [502] }),
    reportReady: () => Promise.resolve(),
    downloadURL: (what, q) => downloadPath(what, q),
    live(onSample, onState) {
      const backoff = createBackoff();
      let es;
      let timer;
      let closed = false;
      const open = () => {
        es = new win.EventSource('api/live');
        es.addEventListener('rates', (e) => {
          let sample;
          try {
            sample = JSON.parse(e.data);
          } catch {
            return;
          }
          onSample(sample);
        });
        es.onopen = () => {
          backoff.reset();
          onState?.('open');
        };
        es.onerror = () => {
          onState?.('error');
          // CONNECTING means the browser retries by itself; CLOSED (e.g. after
          // an error status) means it gave up, so retry here.
          if (es.readyState === 2 && !closed) {
            es.close();
            timer = setTimeout(open, backoff.next());
          }
        };
      };
      open();
      return () => {
        closed = true;
        clearTimeout(timer);
        es?.close();
      };
    },
  };
}

/** trafficParams encodes a traffic query for GET /api/traffic. */
export function trafficParams({ window, group, end, interfaces, tz }) {
  const p = new URLSearchParams({ window, group });
  if (end) p.set('end', end);
  for (const name of interfaces ?? []) p.append('interface', name);
  if (tz) p.set('tz', tz);
  return p.toString();
}

/**
 * downloadPath is the path of a file the server sends as an attachment:
 * 'traffic-csv' is the traffic query q as CSV, 'backup' a snapshot of the
 * database. A link to it downloads the file with the page's credentials.
 */
export function downloadPath(what, q) {
  switch (what) {
    case 'traffic-csv':
      return `api/traffic?${trafficParams(q)}&format=csv`;
    case 'backup':
      return 'api/backup';
    default:
      throw new Error(`unknown download ${what}`);
  }
}

const REQUESTS = [
  'interfaces',
  'monitored',
  'setMonitored',
  'traffic',
  'settings',
  'updateSettings',
  'aliases',
  'setAliases',
  'health',
  'plans',
  'createPlan',
  'updatePlan',
  'deletePlan',
  'planCycles',
  'notifiers',
  'createNotifier',
  'deleteNotifier',
  'testNotifier',
];

/**
 * createTransport picks the backend for a window object: the Wails bindings
 * when window.go.desktop.Desktop exists, HTTP otherwise. The choice is made on
 * first use, after the desktop runtime has had its chance to load.
 * onReachability(cb) reports true after any answered request and false when a
 * request could not reach the server.
 */
export function createTransport(win) {
  let backend;
  const listeners = new Set();
  const pick = () => {
    if (!backend) {
      const d = win?.go?.desktop?.Desktop;
      backend = d ? desktopBackend(win, d) : browserBackend(win);
    }
    return backend;
  };
  const report = (ok) => listeners.forEach((cb) => cb(ok));

  const t = {
    get mode() {
      return pick().mode;
    },
    live: (onSample, onState) => pick().live(onSample, onState),
    // Pages asked for from outside the page (the desktop tray menu); a
    // browser has no such source.
    onNavigate: (cb) => pick().onNavigate?.(cb) ?? (() => {}),
    // Whether anyone can see the page: cb(true|false) now and on changes.
    onVisibility: (cb) => (pick().onVisibility ? pick().onVisibility(cb) : browserVisibility(win, cb)),
    reportReady: (what) => pick().reportReady(what).catch(() => {}),
    // Start at login exists in the desktop app only.
    get canStartAtLogin() {
      return typeof pick().startAtLogin === 'function';
    },
    startAtLogin: () => pick().startAtLogin(),
    setStartAtLogin: (on) => pick().setStartAtLogin(on),
    // The address of a download, or null where files are not served over
    // HTTP (the desktop window).
    downloadURL: (what, q) => pick().downloadURL?.(what, q) ?? null,
    onReachability(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
  for (const name of REQUESTS) {
    t[name] = async (...args) => {
      try {
        const v = await pick()[name](...args);
        report(true);
        return v;
      } catch (e) {
        if (e instanceof NetworkError) report(false);
        else if (e instanceof ApiError) report(true);
        throw e;
      }
    };
  }
  return t;
}

/** transport is the instance the dashboard uses. */
export const transport = createTransport(typeof window === 'undefined' ? undefined : window);
