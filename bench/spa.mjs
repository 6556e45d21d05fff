// Single-page app navigation (BENCH_ONLY=spa): an app whose page has long loaded changes its
// route to the one that shows Spotnana; from that moment (t0, the app appends
// `<spotnana-embed>`) to the frame holding its tokens and painted in the element's box.
//
// Variants, alternating run by run, each run in a fresh browser context:
//   element    the element mounts at the route change, nothing before
//   prerender  the app called SpotnanaEmbed.prerender(...) at start-up, and the route changes
//              once the prerendered frame holds its tokens
//   docs       the docs' hand-written integration (pages.mjs: its listener from start-up, its
//              launchSpotnana() creating the iframe at the route change)
//
// Browsers: Chromium and Firefox (puppeteer-core; Firefox over WebDriver BiDi). Firefox has no
// network emulation the bench can drive (WebDriver BiDi emulates only offline), so every
// browser here meets the network of shaper.mjs: a TCP proxy in front of each server, with the
// profiles of network.mjs (loopback, Slow 4G, 3G), connection set-up included.
//
// Three origins, as in network.mjs but all three shaped: the app and its token endpoint
// (127.0.0.1), the CDN file (127.0.0.2), the fake Spotnana frame (127.0.0.3: another site).
//
// The end of a run is the later of: the frame received TOKEN_EXCHANGE_RESPONSE (its own clock,
// reported to its own server, as in network.mjs: the marker of "authenticated"), and the first
// paint after which the frame's rect is the element's (the page checks in each animation frame,
// and takes the time in a task queued from that frame's callbacks, which runs after its paint).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { chromeArgs, chromeHint, findChrome, findFirefox, firefoxHint } from '../scripts/find-chrome.mjs';
import { PROFILES } from './network.mjs';
import { baselineScript, esc, js } from './pages.mjs';
import { startShaper, SHAPED_SETUP_ROUND_TRIPS } from './shaper.mjs';
import { round } from './stats.mjs';

export const SPA_CASE = { boot: 2000, exchange: 800, label: 'frame boot 2 s, exchange 800 ms' };

export const SPA_VARIANTS = [
  { key: 'element', label: 'without prerender (element mounts at the route change)' },
  { key: 'prerender', label: 'with prerender (at start-up)' },
  { key: 'docs', label: "docs' hand-written page (iframe created at the route change)" },
];

export const SPA_BROWSERS = [
  { key: 'chromium', label: 'Chromium' },
  { key: 'firefox', label: 'Firefox' },
];

/** The goal: with prerender at most this fraction of the time without, on these profiles. */
export const SPA_GOAL = { max: 0.02, profiles: ['slow-4g', '3g'] };

const ORG_ID = 'bench-org';
const IDLE_KEEP_ALIVE_MS = 120_000;
const RUN_TIMEOUT_MS = Number(process.env.BENCH_NET_TIMEOUT) || 90_000;
/** After a prerendered takeover: time for a wrongly reloaded frame to show up, ms (plus a round trip). */
const SETTLE_MS = 300;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fake Spotnana app: boots `boot` ms after its load, asks its parent, reports each answer to its own server. */
function framePage(hostOrigin) {
  return `<!doctype html><meta charset="utf-8"><title>fake Spotnana</title><body style="margin:0;background:#e8f0fe">fake Spotnana embed app
<script>
(() => {
  const q = new URLSearchParams(location.search);
  const run = q.get('run') || 'anon';
  const boot = Number(q.get('boot')) || 0;
  const HOST = ${js(hostOrigin)};
  const now = () => performance.timeOrigin + performance.now();
  let loadAt, askedAt;
  addEventListener('message', (e) => {
    if (e.source !== parent || e.origin !== HOST || !e.data || e.data.type !== 'TOKEN_EXCHANGE_RESPONSE') return;
    const receivedAt = now();
    const p = e.data.payload;
    const ok = !!p && typeof p.accessToken === 'string' && p.accessToken !== '' && typeof p.refreshToken === 'string' && p.refreshToken !== '';
    const report = { documentAt: performance.timeOrigin, loadAt, askedAt, receivedAt, ok };
    fetch('/report?run=' + encodeURIComponent(run), { method: 'POST', body: JSON.stringify(report), keepalive: true });
  });
  addEventListener('load', () => {
    loadAt = now();
    setTimeout(() => {
      askedAt = now();
      parent.postMessage({ type: 'TOKEN_EXCHANGE_REQUEST', from: 'spotnana-embed' }, HOST);
    }, boot);
  });
})();
</script>`;
}

/**
 * The app: a home view; `spaBench.routeChange()` replaces it with the travel view and resolves
 * with the times (epoch ms) of the route change and of the first paint with the frame in its
 * box. The element's events after the route change are kept in `spaBench.events`.
 */
function appPage({ variant, cdnUrl, tokenEndpoint, embedOrigin, path }) {
  const options = { embedUrl: embedOrigin, path, orgId: ORG_ID, tokenEndpoint };
  const attributes = { 'embed-url': embedOrigin, path, 'org-id': ORG_ID, 'token-endpoint': tokenEndpoint };
  const usesElement = variant !== 'docs';
  // The docs' page's container holds an inline iframe (and the line's descender): the app's
  // stylesheet makes the iframe a block, as the element's does, so that the container is its box.
  const module = usesElement
    ? `<script type="module" src="${esc(cdnUrl)}"></script>`
    : '<style>#spotnana-container iframe{display:block}</style>';
  // At start-up, once the element is defined: the app prerenders the route it expects next.
  const startUp =
    variant === 'prerender'
      ? `customElements.whenDefined('spotnana-embed').then(() => customElements.get('spotnana-embed').prerender(${js(options)}));`
      : '';
  const docs = variant === 'docs' ? baselineScript({ tokenEndpoint, embedUrl: embedOrigin, path, launch: false }) : '';
  const mount =
    variant === 'docs'
      ? `const box = document.createElement('div');
      box.id = 'spotnana-container';
      view.append(box);
      launchSpotnana();
      return { box, frame: () => box.querySelector('iframe') };`
      : `const box = document.createElement('spotnana-embed');
      for (const [name, value] of Object.entries(${js(attributes)})) box.setAttribute(name, value);
      view.append(box);
      return { box, frame: () => box.shadowRoot && box.shadowRoot.querySelector('iframe') };`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench: SPA, ${esc(variant)}</title><link rel="icon" href="data:,">${module}</head>
<body style="margin:0">
<nav><a href="#home">Home</a> <a href="#travel">Travel</a></nav>
<main id="view"><h1>Home</h1><p>The app's start page.</p></main>
<script>
${docs}
  ${startUp}
  const now = () => performance.timeOrigin + performance.now();
  const events = [];
  for (const type of ['spotnana-load', 'spotnana-token-sent', 'spotnana-error'])
    document.addEventListener(type, (e) => events.push({ type, at: now(), detail: e.detail }));
  const view = document.getElementById('view');
  const sameRect = (a, b) =>
    a.width > 0 && a.height > 0 && ['left', 'top', 'width', 'height'].every((k) => Math.abs(a[k] - b[k]) < 0.5);
  window.spaBench = {
    events,
    ready: ${usesElement ? "customElements.whenDefined('spotnana-embed').then(() => true)" : 'Promise.resolve(true)'},
    routeChange() {
      const routeAt = now();
      const visible = document.visibilityState;
      history.pushState(null, '', '#travel');
      view.replaceChildren();
      const { box, frame } = (() => {
      ${mount}
      })();
      return new Promise((resolve) => {
        const check = () => {
          const f = frame();
          if (f && f.isConnected && sameRect(f.getBoundingClientRect(), box.getBoundingClientRect())) {
            const inBoxAt = now();
            // A task queued from an animation frame's callbacks runs after that frame's paint.
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              channel.port1.close();
              const frames = document.querySelectorAll('iframe').length + (box.shadowRoot ? box.shadowRoot.querySelectorAll('iframe').length : 0);
              resolve({ routeAt, inBoxAt, paintedAt: now(), frames, visible });
            };
            channel.port2.postMessage(0);
            return;
          }
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      });
    },
  };
</script>
</body></html>`;
}

function send(res, status, headers, body) {
  res.writeHead(status, { 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
const html = (res, body) => send(res, 200, { 'content-type': 'text/html; charset=utf-8' }, body);

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function listen(server, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

/**
 * The three servers, each behind a shaper; `setProfile(profile)` sets the network of the
 * connections opened from then on.
 */
export async function startSpaServers({ cdnFile }) {
  const cdnGzip = gzipSync(await readFile(cdnFile), { level: 9 });
  let profile = PROFILES[0];
  const runs = new Map(); // run id -> { tokens: [], frameLoads, reports: [], waiters: [] }
  const entry = (run) =>
    runs.get(run) ?? runs.set(run, { tokens: [], frameLoads: 0, reports: [], waiters: [] }).get(run);

  const servers = [];
  const shapers = [];
  /** An HTTP server on an inner port, and its shaper on `address`, which the browser sees. */
  const origin = async (address, route) => {
    const server = createServer({ keepAliveTimeout: IDLE_KEEP_ALIVE_MS });
    const innerPort = await listen(server, '127.0.0.1');
    const shaper = await startShaper({
      host: address,
      target: { host: '127.0.0.1', port: innerPort },
      profile: () => profile.conditions,
    });
    const url = `http://${address}:${shaper.port}`;
    server.on('request', async (req, res) => {
      try {
        await route(req, res, new URL(req.url, url));
      } catch (error) {
        if (!res.headersSent) send(res, 500, { 'content-type': 'text/plain' }, String(error));
        else res.destroy();
      }
    });
    servers.push(server);
    shapers.push(shaper);
    return url;
  };

  // Each route reads the others' origins when a request comes, once all three are known.
  const origins = {};
  origins.host = await origin('127.0.0.1', async (req, res, url) => {
    const run = url.searchParams.get('run') ?? 'anon';
    const variant = url.searchParams.get('variant') ?? 'element';
    if (url.pathname === '/spa/app') {
      const path = `/frame?run=${encodeURIComponent(run)}&boot=${SPA_CASE.boot}`;
      const cdnUrl = `${origins.cdn}/spotnana-embed.min.js`;
      const tokenEndpoint = `/token?run=${encodeURIComponent(run)}`;
      return html(res, appPage({ variant, cdnUrl, tokenEndpoint, embedOrigin: origins.frame, path }));
    }
    if (url.pathname === '/token') {
      if (req.method !== 'POST') return send(res, 405, { allow: 'POST' }, 'POST only');
      const token = { receivedAt: Date.now(), servedAt: undefined };
      entry(run).tokens.push(token);
      await readBody(req);
      await sleep(SPA_CASE.exchange);
      token.servedAt = Date.now();
      const body = JSON.stringify({
        accessToken: `bench-access-${run}`,
        refreshToken: `bench-refresh-${run}`,
        expiresIn: 3600,
      });
      return send(res, 200, { 'content-type': 'application/json; charset=utf-8' }, body);
    }
    return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
  });
  origins.cdn = await origin('127.0.0.2', async (req, res, url) => {
    if (url.pathname !== '/spotnana-embed.min.js') return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
    return send(
      res,
      200,
      {
        'content-type': 'text/javascript; charset=utf-8',
        'content-encoding': 'gzip',
        'cache-control': 'public, max-age=31536000, immutable',
        'access-control-allow-origin': '*',
      },
      cdnGzip,
    );
  });
  origins.frame = await origin('127.0.0.3', async (req, res, url) => {
    const run = url.searchParams.get('run') ?? 'anon';
    if (url.pathname === '/frame') {
      entry(run).frameLoads++;
      return html(res, framePage(origins.host));
    }
    if (url.pathname === '/report' && req.method === 'POST') {
      const data = JSON.parse(await readBody(req));
      send(res, 204, {}, '');
      const e = entry(run);
      e.reports.push(data);
      for (const wake of e.waiters.splice(0)) wake();
      return;
    }
    return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
  });

  return {
    hostOrigin: origins.host,
    cdnOrigin: origins.cdn,
    frameOrigin: origins.frame,
    setProfile: (p) => (profile = p),
    logOf: (run) => entry(run),
    /** Resolves once `run` has `count` reports from its frame. */
    async waitReports(run, count, timeout) {
      const e = entry(run);
      const deadline = performance.now() + timeout;
      while (e.reports.length < count) {
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`run ${run}: no answer in the frame within ${timeout} ms`);
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, left);
          e.waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return e.reports;
    },
    async close() {
      await Promise.all(shapers.map((s) => s.close()));
      await Promise.all(
        servers.map(
          (server) =>
            new Promise((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

/** Launches one browser of SPA_BROWSERS: Chromium as found for the tests, Firefox (ESR) over WebDriver BiDi. */
export async function launchSpaBrowser(key) {
  if (key === 'firefox') {
    const executablePath = findFirefox();
    if (!executablePath) throw new Error(firefoxHint);
    return puppeteer.launch({ browser: 'firefox', executablePath, headless: true });
  }
  const executablePath = findChrome();
  if (!executablePath) throw new Error(chromeHint);
  // Site isolation as shipped: the frame is out of process, as on users' machines.
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [...chromeArgs, '--disable-features=BackForwardCache'],
  });
}

let runCounter = 0;

/** Rejects after `ms`, with `what`. */
function deadline(promise, ms, what) {
  let timer;
  const limit = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * One run in a fresh browser context: the app loads (and, for `prerender`, its frame signs
 * in), then its route changes; ms from the route change.
 */
async function runOnce(browser, servers, { browserKey, profile, variant }) {
  const run = `spa-${++runCounter}-${variant.key}`;
  const rtt = profile.conditions?.latency ?? 0;
  const log = servers.logOf(run);
  const context = await browser.createBrowserContext();
  try {
    // Firefox opens a new page as a tab of one window, where only the selected tab is visible
    // and a hidden one gets no animation frames (3G runs overlap): a window of its own per run.
    const page = await context.newPage(browserKey === 'firefox' ? { type: 'window' } : undefined);
    const url = `${servers.hostOrigin}/spa/app?run=${run}&variant=${variant.key}`;
    await page.goto(url, { waitUntil: 'load', timeout: RUN_TIMEOUT_MS });
    await deadline(
      page.evaluate(() => window.spaBench.ready),
      RUN_TIMEOUT_MS,
      `run ${run}: the element's definition`,
    );
    // Prerender: the route changes once the prerendered frame holds its tokens.
    if (variant.key === 'prerender') await servers.waitReports(run, 1, RUN_TIMEOUT_MS);
    const reportsBefore = log.reports.length;
    const framesBefore = log.frameLoads;
    const tokensBefore = log.tokens.length;
    const shown = await deadline(
      page.evaluate(() => window.spaBench.routeChange()),
      RUN_TIMEOUT_MS,
      `run ${run}: the frame in the element's box`,
    );
    // Without prerender: the frame signs in after the route change.
    if (variant.key !== 'prerender') await servers.waitReports(run, 1, RUN_TIMEOUT_MS);
    // A frame loaded again or a second answer would show up here.
    await sleep(SETTLE_MS + rtt);
    const events = await page.evaluate(() => window.spaBench.events);
    const report = log.reports.at(-1);
    if (!report?.ok) throw new Error(`run ${run}: the frame's answer carried no tokens`);
    const since = (t) => (Number.isFinite(t) ? round(t - shown.routeAt) : null);
    const endAt = Math.max(report.receivedAt, shown.paintedAt);
    const prerendered = (type) => events.some((e) => e.type === type && e.detail?.prerendered === true);
    return {
      run,
      ms: since(endAt),
      inBoxMs: since(shown.inBoxAt),
      paintedMs: since(shown.paintedAt),
      tokensMs: since(report.receivedAt),
      frameLoadMs: since(report.loadAt),
      frameAskedMs: since(report.askedAt),
      frameLoads: log.frameLoads,
      frameLoadsAfterRoute: log.frameLoads - framesBefore,
      tokenRequests: log.tokens.length,
      tokenRequestsAfterRoute: log.tokens.length - tokensBefore,
      answers: log.reports.length,
      answersAfterRoute: log.reports.length - reportsBefore,
      iframes: shown.frames,
      visibility: shown.visible,
      prerenderedLoad: prerendered('spotnana-load'),
      prerenderedTokenSent: prerendered('spotnana-token-sent'),
      errors: events.filter((e) => e.type === 'spotnana-error').map((e) => e.detail?.code ?? '?'),
    };
  } finally {
    await context.close().catch(() => {});
  }
}

/** What must hold in a run of `variant`; a list of what did not. */
export function spaProblems(variant, s) {
  const problems = [];
  if (s.frameLoads !== 1) problems.push(`frame loaded ${s.frameLoads} times`);
  if (s.tokenRequests !== 1) problems.push(`${s.tokenRequests} token requests`);
  if (s.answers !== 1) problems.push(`${s.answers} answers`);
  if (s.iframes !== 1) problems.push(`${s.iframes} iframes in the page`);
  if (s.visibility !== 'visible') problems.push(`the page was ${s.visibility} at the route change`);
  if (s.errors?.length) problems.push(`errors ${s.errors.join(', ')}`);
  if (variant === 'prerender') {
    if (s.frameLoadsAfterRoute || s.tokenRequestsAfterRoute || s.answersAfterRoute)
      problems.push('the route change loaded, fetched or answered again');
    if (!s.prerenderedLoad || !s.prerenderedTokenSent) problems.push('no prerendered spotnana-load / token-sent');
  }
  return problems;
}

/**
 * Every browser × profile: a discarded warm-up round, then `runs` rounds of the variants,
 * alternating run by run; `parallel` runs at a time on profiles whose runs may overlap (3G).
 */
export async function measureSpa(servers, { browsers, profiles, runs, parallel, log }) {
  const samples = {};
  const failures = [];
  const versions = {};
  for (const b of SPA_BROWSERS.filter((x) => browsers.includes(x.key))) {
    let browser;
    try {
      browser = await launchSpaBrowser(b.key);
      versions[b.key] = await browser.version();
      for (const profile of PROFILES.filter((p) => profiles.includes(p.key))) {
        servers.setProfile(profile);
        const cell = `${b.key}/${profile.key}`;
        samples[cell] = Object.fromEntries(SPA_VARIANTS.map((v) => [v.key, []]));
        const started = performance.now();
        const queue = SPA_VARIANTS.map((v) => ({ v, what: `${cell} warm-up ${v.key}`, keep: false }));
        for (let i = 0; i < runs; i++)
          for (const v of SPA_VARIANTS) queue.push({ v, what: `${cell} ${v.key} run ${i + 1}`, keep: true });
        const attempt = async ({ v, what, keep }) => {
          for (let i = 1; i <= 2; i++) {
            try {
              const sample = await runOnce(browser, servers, { browserKey: b.key, profile, variant: v });
              const problems = spaProblems(v.key, sample);
              if (problems.length) throw new Error(problems.join('; '));
              if (keep) samples[cell][v.key].push(sample);
              return;
            } catch (error) {
              if (keep) failures.push({ what, try: i, error: String(error?.message ?? error) });
              log(`  ! ${what} (try ${i}): ${error?.message ?? error}`);
            }
          }
        };
        const worker = async () => {
          for (let job = queue.shift(); job; job = queue.shift()) await attempt(job);
        };
        await Promise.all(Array.from({ length: profile.sideBySide ? parallel : 1 }, worker));
        const med = (key) => {
          const xs = samples[cell][key].map((s) => s.ms).sort((a, b) => a - b);
          return xs.length ? xs[xs.length >> 1].toFixed(0) : '—';
        };
        log(
          `  ${cell}: ${SPA_VARIANTS.map((v) => `${v.key} ~${med(v.key)}`).join(', ')} ms (${((performance.now() - started) / 1000).toFixed(0)} s)`,
        );
      }
    } catch (error) {
      failures.push({ what: b.key, try: 1, error: String(error?.message ?? error) });
      log(`  ! ${b.key}: ${error?.stack ?? error}`);
    } finally {
      await browser?.close().catch(() => {});
    }
  }
  return { samples, failures, versions, setupRoundTrips: SHAPED_SETUP_ROUND_TRIPS, case: SPA_CASE };
}
