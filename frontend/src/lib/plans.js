// Data plans on the page: the numbers a plan card shows, and the plan form's
// conversion and checks. The server checks everything again; these checks
// only spare a round trip and put the message next to the field.
//
// Functions that put things into words take tr, the translate function of
// the page's locale ($t from i18n.js), and the locale for numbers and dates.
// This module imports no catalogue, so the browser test can load it in Node;
// without tr, texts come back as their catalogue keys.

import { formatBytes } from './units.js';
import { dateFormat, fixed, numberFormat, numberInput, parseNumber } from './intl.js';

const keyOnly = (key) => key;

/** MAX_THRESHOLDS, THRESHOLD_MIN and THRESHOLD_MAX follow the API's limits. */
export const MAX_THRESHOLDS = 8;
export const THRESHOLD_MIN = 1;
export const THRESHOLD_MAX = 1000;

/** PLAN_FIELDS are the plan's JSON fields, as the server names them in errors. */
export const PLAN_FIELDS = ['name', 'interfaces', 'direction', 'cap_bytes', 'period', 'reset_day', 'reset_hour', 'tz', 'thresholds'];

/** NOTIFIER_FIELDS are the notifier's JSON fields. */
export const NOTIFIER_FIELDS = ['name', 'url', 'events'];

/** CAP_UNITS are the units the cap can be typed in, per prefix system. */
export const CAP_UNITS = {
  si: [
    { unit: 'MB', factor: 1e6 },
    { unit: 'GB', factor: 1e9 },
    { unit: 'TB', factor: 1e12 },
  ],
  iec: [
    { unit: 'MiB', factor: 2 ** 20 },
    { unit: 'GiB', factor: 2 ** 30 },
    { unit: 'TiB', factor: 2 ** 40 },
  ],
};

const DAY = 86400;

/**
 * planLevel is how far a plan is along its thresholds: 'ok' before the
 * first, 'warn' from the first on, 'over' at 100 % of the cap or more.
 * Without a cap there is no level beyond 'ok'.
 */
export function planLevel(percent, thresholds = []) {
  if (percent == null || !Number.isFinite(percent)) return 'ok';
  if (percent >= 100) return 'over';
  const first = thresholds.length ? Math.min(...thresholds) : null;
  return first != null && percent >= first ? 'warn' : 'ok';
}

// The English percents, for callers without a catalogue (the browser test).
const PERCENT = (key, { n }) => (key === 'plan.percentBelow' ? `< ${n} %` : `${n} %`);

/**
 * formatPercent renders a percent the way the card and tray do: "82 %",
 * "0.4 %"; in German "0,4 %". Like whole percents, tenths round down, and
 * some use below a tenth is "< 0.1 %", not a "0.0 %" that reads as none.
 * tr gives the catalogue's plan.percent and plan.percentBelow.
 */
export function formatPercent(p, locale = 'en', tr = PERCENT) {
  if (p == null || !Number.isFinite(p)) return '–';
  if (p > 0 && p < 0.1) return tr('plan.percentBelow', { n: fixed(0.1, 1, locale) });
  const n = p > 0 && p < 1 ? fixed(Math.floor(p * 10) / 10, 1, locale) : fixed(Math.floor(p), 0, locale);
  return tr('plan.percent', { n });
}

/**
 * daysLeft renders the time until the cycle ends: "9 days left", "5 hours
 * left"; in German "noch 9 Tage". Days are counted the way the card's reset
 * date reads: from today's date to that date in the plan's zone (on 7 Dec,
 * a reset on 31 Dec is 24 days off, whatever the hour). Under a day, or on
 * the reset's own date, it is the whole hours left.
 */
export function daysLeft(cycleEnd, nowSec, tr = keyOnly, locale = 'en', tz = undefined) {
  const left = cycleEnd - nowSec;
  if (left <= 0) return tr('plan.resettingNow');
  const d = calendarDays(nowSec, cycleEnd, tz);
  if (left < DAY || d < 1) {
    const h = Math.floor(left / 3600);
    return h < 1 ? tr('plan.lessThanHour') : tr('plan.hoursLeft', { count: h, n: numberFormat(locale).format(h) });
  }
  return tr('plan.daysLeft', { count: d, n: numberFormat(locale).format(d) });
}

// calendarDays is how many dates lie from a's to b's in a zone (the local
// one when tz is empty or unknown): 0 on the same date.
function calendarDays(aSec, bSec, tz) {
  let f;
  try {
    f = dateFormat('en-US', { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: tz || undefined });
  } catch {
    f = dateFormat('en-US', { year: 'numeric', month: 'numeric', day: 'numeric' });
  }
  const date = (t) => {
    const p = Object.fromEntries(f.formatToParts(new Date(t * 1000)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year, p.month - 1, p.day) / 1000;
  };
  return Math.round((date(bSec) - date(aSec)) / DAY);
}

/**
 * formatDate renders a unix time as a short date in the locale and the
 * plan's zone ("15 Dec", "Dec 15"); a zone the browser does not know falls
 * back to the local one.
 */
export function formatDate(unixSec, tz, locale = undefined, withTime = false) {
  const opts = { day: 'numeric', month: 'short' };
  if (withTime) Object.assign(opts, { hour: '2-digit', minute: '2-digit' });
  const d = new Date(unixSec * 1000);
  try {
    return dateFormat(locale, { ...opts, timeZone: tz || undefined }).format(d);
  } catch {
    return dateFormat(locale, opts).format(d);
  }
}

/** weekdayNames lists the days of the week in the locale, Monday first. */
export function weekdayNames(locale = 'en') {
  // 1 January 2024 was a Monday.
  const f = dateFormat(locale, { weekday: 'long', timeZone: 'UTC' });
  return [0, 1, 2, 3, 4, 5, 6].map((i) => f.format(new Date(Date.UTC(2024, 0, 1 + i))));
}

/**
 * planSummary is a plan's line in the Settings list:
 * "eth0 + wlan0 · 500 GB · resets on day 15 at 06:00 Europe/Berlin".
 */
export function planSummary(plan, { prefix = 'si', locale = 'en', tr = keyOnly } = {}) {
  const cap = plan.cap_bytes > 0 ? formatBytes(plan.cap_bytes, prefix, locale) : tr('plan.noCap');
  const time = `${String(plan.reset_hour ?? 0).padStart(2, '0')}:00${plan.tz ? ` ${plan.tz}` : ''}`;
  let reset;
  if (plan.period === 'month') reset = tr('plan.resetsMonthly', { day: plan.reset_day, time });
  else if (plan.period === 'week') {
    const days = weekdayNames(locale);
    reset = tr('plan.resetsWeekly', { weekday: days[(plan.reset_day ?? 1) - 1] ?? days[0], time });
  } else reset = tr('plan.resetsDaily', { time });
  return [(plan.interfaces ?? []).join(' + '), cap, reset].join(' · ');
}

/** NOTIFIER_EVENTS are the kinds of alert a notifier can take. */
export const NOTIFIER_EVENTS = ['plan', 'rate', 'interface', 'health'];

/** eventWords names a kind of alert: "Data plan thresholds"; an unknown one is left as it is. */
export function eventWords(event, tr = keyOnly) {
  return NOTIFIER_EVENTS.includes(event) ? tr(`notifier.event.${event}`) : event;
}

/** eventList names a notifier's kinds of alert: "Data plan thresholds, High rate". */
export function eventList(events, tr = keyOnly) {
  return (events ?? []).map((e) => eventWords(e, tr)).join(tr('common.listSep'));
}

/**
 * planCard is everything one plan's card shows, in the locale of tr and
 * locale. The byte values are the API's, untouched, so a test can compare
 * them.
 */
export function planCard(plan, { nowSec = Date.now() / 1000, prefix = 'si', locale = 'en', tr = keyOnly } = {}) {
  const u = plan.usage ?? {};
  const cap = plan.cap_bytes > 0 ? plan.cap_bytes : 0;
  const thresholds = [...(plan.thresholds ?? [])].sort((a, b) => a - b);
  const percent = cap ? (u.percent ?? (u.used_bytes / cap) * 100) : null;
  const card = {
    id: plan.id,
    name: plan.name,
    hasCap: cap > 0,
    used: u.used_bytes ?? 0,
    cap,
    percent,
    level: cap ? planLevel(percent, thresholds) : 'ok',
    bar: cap ? Math.max(0, Math.min(100, percent)) : 0,
    thresholds,
    reached: u.thresholds_reached ?? [],
    usedText: formatBytes(u.used_bytes ?? 0, prefix, locale),
    capText: cap ? formatBytes(cap, prefix, locale) : '',
    percentText: cap ? formatPercent(percent, locale, tr) : '',
    projected: u.projected_bytes ?? null,
    projectedText: u.projected_bytes != null ? formatBytes(u.projected_bytes, prefix, locale) : '',
    projectedPercentText: cap && u.projected_percent != null ? formatPercent(u.projected_percent, locale, tr) : '',
    left: u.cycle_end ? daysLeft(u.cycle_end, nowSec, tr, locale, plan.tz) : '',
    resetText: u.cycle_end ? formatDate(u.cycle_end, plan.tz, locale) : '',
    capReachedText: '',
    bytesText: ['rx', 'tx', 'both'].includes(plan.direction) ? tr(`plan.bytes.${plan.direction}`) : '',
  };
  // "520 GB (104 %)"
  card.projectedLine = card.projectedPercentText
    ? tr('plan.projectedOf', { bytes: card.projectedText, percent: card.projectedPercentText })
    : card.projectedText;
  if (cap && percent >= 100) card.capReachedText = tr('plan.capReached');
  else if (cap && u.cap_reached_at != null && u.cap_reached_at < (u.cycle_end ?? Infinity)) {
    card.capReachedText = tr('plan.capReachedOn', { date: formatDate(u.cap_reached_at, plan.tz, locale, true) });
  }
  return card;
}

/** capUnits lists the cap's input units for the user's prefix setting. */
export function capUnits(prefix) {
  return CAP_UNITS[prefix] ?? CAP_UNITS.si;
}

/**
 * splitCap picks the largest unit in which cap is at least 1, for the form,
 * the number written the locale's way ("1,5" in German) so that it reads
 * back as it was.
 */
export function splitCap(capBytes, prefix, locale = 'en') {
  const units = capUnits(prefix);
  if (!capBytes) return { value: '', unit: units[1].unit };
  let pick = units[0];
  for (const u of units) if (capBytes >= u.factor) pick = u;
  return { value: numberInput(capBytes / pick.factor, locale), unit: pick.unit };
}

/** emptyPlanForm is the form for a new plan. */
export function emptyPlanForm(prefix = 'si', tz = '') {
  return {
    name: '',
    interfaces: [],
    direction: 'both',
    capValue: '',
    capUnit: capUnits(prefix)[1].unit,
    period: 'month',
    reset_day: '1',
    reset_hour: '0',
    tz,
    thresholds: '80, 100',
  };
}

/** planToForm turns a saved plan into the form's text fields. */
export function planToForm(plan, prefix = 'si', locale = 'en') {
  const cap = splitCap(plan.cap_bytes ?? 0, prefix, locale);
  return {
    name: plan.name ?? '',
    interfaces: [...(plan.interfaces ?? [])],
    direction: plan.direction ?? 'both',
    capValue: cap.value,
    capUnit: cap.unit,
    period: plan.period ?? 'month',
    reset_day: String(plan.reset_day ?? 1),
    reset_hour: String(plan.reset_hour ?? 0),
    tz: plan.tz ?? '',
    thresholds: (plan.thresholds ?? []).join(', '),
  };
}

/**
 * switchPeriod changes the form's period. A reset day means a day of the
 * month for monthly plans and a weekday (1 Monday … 7 Sunday) for weekly
 * ones, so it does not carry over: the day last picked for the new period
 * comes back, else the 1st of the month or Monday.
 */
export function switchPeriod(form, period) {
  if (period === form.period) return form;
  const days = { ...form.resetDays, [form.period]: form.reset_day };
  return { ...form, period, reset_day: days[period] ?? '1', resetDays: days };
}

const isInt = (s) => /^-?\d+$/.test(String(s).trim());

/** MAX_NAME is the longest plan name the form takes. */
export const MAX_NAME = 100;

/**
 * checkPlanForm checks a plan form and converts it to the API's body.
 * It returns {plan} when every field is fine, else {errors: {field: message}}
 * keyed by the API's field names, the messages in the locale of tr. The cap
 * is read the way locale writes numbers (see parseNumber).
 */
export function checkPlanForm(form, prefix = 'si', tr = keyOnly, locale = 'en') {
  const errors = {};
  const name = String(form.name ?? '').trim();
  if (!name) errors.name = tr('plan.err.name');
  else if (name.length > MAX_NAME) errors.name = tr('plan.err.nameLong', { count: MAX_NAME });

  const interfaces = [...new Set(form.interfaces ?? [])];
  if (interfaces.length === 0) errors.interfaces = tr('plan.err.interfaces');

  if (!['both', 'rx', 'tx'].includes(form.direction)) errors.direction = tr('plan.err.direction');

  let cap = 0;
  const capText = String(form.capValue ?? '').trim();
  if (capText !== '') {
    const unit = capUnits(prefix).find((u) => u.unit === form.capUnit) ?? capUnits(prefix)[1];
    const v = parseNumber(capText, locale);
    if (!Number.isFinite(v)) errors.cap_bytes = tr('plan.err.capNumber', { example: numberFormat(locale).format(1500.5) });
    else if (v < 0) errors.cap_bytes = tr('plan.err.capNegative');
    else {
      cap = Math.round(v * unit.factor);
      if (!Number.isSafeInteger(cap)) errors.cap_bytes = tr('plan.err.capLarge');
    }
  }

  if (!['month', 'week', 'day'].includes(form.period)) errors.period = tr('plan.err.period');

  let resetDay = 1;
  if (form.period === 'month' || form.period === 'week') {
    const max = form.period === 'month' ? 31 : 7;
    const text = String(form.reset_day ?? '').trim();
    if (!isInt(text) || Number(text) < 1 || Number(text) > max) {
      errors.reset_day = tr(form.period === 'month' ? 'plan.err.resetDay' : 'plan.err.weekday');
    } else resetDay = Number(text);
  }

  const hourText = String(form.reset_hour ?? '').trim();
  let resetHour = 0;
  if (!isInt(hourText) || Number(hourText) < 0 || Number(hourText) > 23) errors.reset_hour = tr('plan.err.resetHour');
  else resetHour = Number(hourText);

  const tz = String(form.tz ?? '').trim();
  if (tz && !validZone(tz)) errors.tz = tr('plan.err.tz', { tz });

  const parts = String(form.thresholds ?? '')
    .split(/[,;\s]+/)
    .map((s) => s.replace(/%$/, '').trim())
    .filter(Boolean);
  const thresholds = [];
  for (const p of parts) {
    if (!isInt(p) || Number(p) < THRESHOLD_MIN || Number(p) > THRESHOLD_MAX) {
      errors.thresholds = tr('plan.err.threshold', { min: THRESHOLD_MIN, max: THRESHOLD_MAX, value: p });
      break;
    }
    if (!thresholds.includes(Number(p))) thresholds.push(Number(p));
  }
  if (!errors.thresholds && thresholds.length > MAX_THRESHOLDS) {
    errors.thresholds = tr('plan.err.thresholdCount', { count: MAX_THRESHOLDS });
  }

  if (Object.keys(errors).length) return { errors };
  const plan = {
    name,
    interfaces,
    direction: form.direction,
    cap_bytes: cap,
    period: form.period,
    reset_day: resetDay,
    reset_hour: resetHour,
    thresholds: thresholds.sort((a, b) => a - b),
  };
  if (tz) plan.tz = tz;
  return { plan };
}

function validZone(tz) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** checkNotifierForm checks a notifier form: {notifier} or {errors}, the messages in the locale of tr. */
export function checkNotifierForm(form, tr = keyOnly) {
  const errors = {};
  const name = String(form.name ?? '').trim();
  if (!name) errors.name = tr('notifier.err.name');
  const url = String(form.url ?? '').trim();
  if (!url) errors.url = tr('notifier.err.url');
  else if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(url)) errors.url = tr('notifier.err.scheme');
  const events = [...new Set(form.events ?? [])];
  if (events.length === 0) errors.events = tr('notifier.err.events');
  if (Object.keys(errors).length) return { errors };
  return { notifier: { name, url, events } };
}

/**
 * fieldOf finds the field a server message names ("reset_day: must be …",
 * "unknown interface \"x\" in interfaces"), or '' when it names none.
 */
export function fieldOf(message, fields = PLAN_FIELDS) {
  const text = String(message ?? '');
  let best = '';
  let at = Infinity;
  for (const f of fields) {
    const m = new RegExp(`(^|[^a-z_])${f}([^a-z_]|$)`).exec(text);
    if (m && m.index < at) {
      at = m.index;
      best = f;
    }
  }
  if (!best && fields === PLAN_FIELDS && /\binterface\b/i.test(text)) return 'interfaces';
  return best;
}

/**
 * needsPassword tells whether an error is the server's refusal to change or
 * test notifiers: it does so while it listens beyond loopback without a
 * password, since a notifier makes it send requests wherever its URL points.
 */
export function needsPassword(err) {
  return err?.status === 403;
}
