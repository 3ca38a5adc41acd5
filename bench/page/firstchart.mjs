// Measures the dashboard in headless Chromium: the time from navigation
// start to the first frame in which the throughput chart holds data, over
// several cold loads (a fresh browser context each, so no cache), and the
// gzip size of the built JavaScript. Prints JSON.
//
//   node bench/page/firstchart.mjs --url http://127.0.0.1:8080/ [--runs 7] [--dist frontend/dist]
//
// playwright-core comes from the front end's node_modules; the browser is
// Debian's chromium.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const require = createRequire(new URL('../../frontend/package.json', import.meta.url));
const { chromium } = require('playwright-core');

function flag(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

const url = flag('url');
const runs = Number(flag('runs', '7'));
const dist = flag('dist', 'frontend/dist');
const executablePath = flag('chromium', process.env.CHROMIUM ?? '/usr/bin/chromium');
if (!url) {
  console.error('usage: firstchart.mjs --url URL [--runs N] [--dist DIR] [--chromium PATH]');
  process.exit(2);
}

// The chart component keeps its Chart.js instance on the canvas for tests.
// The chart counts as drawn once a dataset has a point; chart.update() draws
// synchronously, so the frame this check runs in is the first one showing it.
function chartDrawn() {
  for (const c of document.querySelectorAll('canvas')) {
    const ch = c.__chart;
    if (ch && ch.data.datasets.some((d) => d.data.some((p) => p != null && p.y != null))) {
      return performance.now();
    }
  }
  return false;
}

function bundle(dir) {
  const assets = join(dir, 'assets');
  const files = readdirSync(assets).filter((f) => f.endsWith('.js'));
  let raw = 0;
  let gz = 0;
  const perFile = {};
  for (const f of files) {
    const data = readFileSync(join(assets, f));
    const g = gzipSync(data, { level: 9 }).length;
    raw += data.length;
    gz += g;
    perFile[f] = { bytes: data.length, gzip_bytes: g };
  }
  return { js_bytes: raw, js_gzip_bytes: gz, files: perFile };
}

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const loads = [];
const chromiumVersion = browser.version();
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    let scriptBytes = 0;
    page.on('response', async (r) => {
      if (r.request().resourceType() === 'script') {
        try {
          scriptBytes += (await r.body()).length;
        } catch {
          // the page went away first
        }
      }
    });
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(chartDrawn, null, { polling: 'raf', timeout: 20000 });
    const firstChart = await handle.jsonValue();
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return { ttfb: n.responseStart, dom_content_loaded: n.domContentLoadedEventEnd };
    });
    loads.push({ first_chart_ms: firstChart, ttfb_ms: nav.ttfb, dom_content_loaded_ms: nav.dom_content_loaded, script_bytes: scriptBytes });
    await context.close();
  }
} finally {
  await browser.close();
}

const sorted = loads.map((l) => l.first_chart_ms).sort((a, b) => a - b);
const result = {
  url,
  runs,
  chromium: chromiumVersion,
  first_chart_ms_median: sorted[Math.floor(sorted.length / 2)],
  first_chart_ms_max: sorted[sorted.length - 1],
  first_chart_ms_first_load: loads[0].first_chart_ms,
  loads,
  ...bundle(dist),
};
console.log(JSON.stringify(result, null, 2));
