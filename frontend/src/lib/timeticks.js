// Ticks for the chart's time axis, in local time and on round values
// (every 5 minutes, every 3 hours, each midnight, each 1st of the month...).
// Chart.js's own time scale would need a date library and places ticks at
// odd offsets from the window's start; a linear axis with these ticks needs
// neither.

import { dateFormat } from './intl.js';

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

// Sub-day steps divide a day evenly, so every day repeats the same ticks.
const CLOCK_STEPS = [1, 2, 5, 10, 15, 30, MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR];
const DAY_STEPS = [1, 2, 7];
const MONTH_STEPS = [1, 2, 3, 6, 12];

/**
 * pickStep chooses the finest step that yields at most maxCount ticks over
 * the span: {unit: "second"|"day"|"month", n}.
 */
export function pickStep(spanSec, maxCount) {
  const count = Math.max(1, maxCount);
  for (const s of CLOCK_STEPS) if (spanSec / s <= count) return { unit: 'second', n: s };
  for (const d of DAY_STEPS) if (spanSec / (d * DAY) <= count) return { unit: 'day', n: d };
  for (const m of MONTH_STEPS) if (spanSec / (m * 30.44 * DAY) <= count) return { unit: 'month', n: m };
  return { unit: 'month', n: 12 * Math.ceil(spanSec / (365.25 * DAY) / count) };
}

function midnight(ms) {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d;
}

/**
 * timeTicks returns tick values (ms) between minMs and maxMs with the step
 * used. A tick is major when it starts a new day (sub-day steps) or a new
 * year (month steps); majors are labelled with the date.
 */
export function timeTicks(minMs, maxMs, maxCount) {
  const step = pickStep((maxMs - minMs) / 1000, maxCount);
  const ticks = [];
  const push = (d, major) => {
    const v = d.getTime();
    if (v >= minMs && v <= maxMs && (ticks.length === 0 || ticks[ticks.length - 1].value < v)) ticks.push({ value: v, major });
  };
  if (step.unit === 'second') {
    // Walk day by day so ticks stay on round local times across DST changes.
    for (let day = midnight(minMs); day.getTime() <= maxMs; day.setDate(day.getDate() + 1)) {
      for (let s = 0; s < DAY; s += step.n) {
        const d = new Date(day);
        d.setSeconds(s);
        if (d.getTime() > maxMs) break;
        push(d, s === 0);
      }
    }
  } else if (step.unit === 'day') {
    for (let d = midnight(minMs); d.getTime() <= maxMs; d.setDate(d.getDate() + 1)) {
      const keep = step.n === 7 ? d.getDay() === 1 : Math.round(d.getTime() / (DAY * 1000)) % step.n === 0;
      if (keep) push(new Date(d), d.getDate() === 1);
    }
  } else {
    const d = midnight(minMs);
    d.setDate(1);
    for (; d.getTime() <= maxMs; d.setMonth(d.getMonth() + 1)) {
      if (d.getMonth() % Math.min(step.n, 12) === 0 || (step.n > 12 && d.getMonth() === 0)) push(new Date(d), d.getMonth() === 0);
    }
  }
  return { step, ticks };
}

const F = {
  sec: { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
  min: { hour: '2-digit', minute: '2-digit', hour12: false },
  day: { day: 'numeric', month: 'short' },
  month: { month: 'short' },
  year: { year: 'numeric' },
};

/** tickLabel formats a tick for its step in the locale; majors show the date or year. */
export function tickLabel(ms, step, major, locale = undefined) {
  const d = new Date(ms);
  const f = (opts) => dateFormat(locale, opts);
  if (step.unit === 'second') {
    if (major) return f(F.day).format(d);
    return f(step.n < MIN ? F.sec : F.min).format(d);
  }
  if (step.unit === 'day') return f(F.day).format(d);
  return f(major ? F.year : F.month).format(d);
}
