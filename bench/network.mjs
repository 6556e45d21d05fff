// Time to authenticated on an emulated mobile network, with each new connection's set-up
// modeled, for the ways a page can integrate the embed (BENCH_ONLY=network).
//
// Three loopback origins, over real HTTP, as a partner's page would meet them:
//   host   http://127.0.0.1:P1  the partner's pages and its token endpoint
//   CDN    http://127.0.0.2:P2  the CDN file (gzip, CORS), on an origin of its own
//   frame  http://localhost:P3  the fake Spotnana app (another origin again)
//
// Network profiles: Chromium's presets (puppeteer's PredefinedNetworkConditions: "Slow 4G" and
// "Slow 3G", which DevTools calls "3G"), applied with CDP Network.emulateNetworkConditions to
// the page and, since the browser runs without site isolation, to the frame in its process.
// Chromium's emulation delays each response until `latency` ms after its request started, so a
// server's own delay overlaps with it, and it adds nothing for a new connection. So the
// servers model what the emulation leaves out:
//   - connection set-up (DNS, TCP, TLS): a socket's first response is held until the socket
//     is SETUP_ROUND_TRIPS round trips old (a preconnected socket has that time behind it);
//   - the token endpoint answers after its exchange time plus one round trip, so that the
//     emulated round trip adds to the exchange instead of hiding in it.
//
// Variants (each run in a fresh browser context: empty cache, no open connection):
//   docs         the hand-written page of Spotnana's documentation (pages.mjs)
//   element      the element as the CDN markup has it: a module script and the tag
//   early        the early frame: the recommended markup (preconnect to the CDN and the embed
//                origin, modulepreload), the early listener, iframe[slot="frame"] in the HTML
//   early-token  the same, with the early listener starting the token request
//   limit        the physical limit: the iframe in the HTML and the tokens already in memory
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import puppeteer, { PredefinedNetworkConditions } from 'puppeteer-core';
import { chromeArgs, chromeHint, findChrome } from '../scripts/find-chrome.mjs';
import { baselinePage, esc, js } from './pages.mjs';
import { round } from './stats.mjs';

/** DNS, TCP and TLS: the round trips a new connection costs before its first response. */
export const SETUP_ROUND_TRIPS = 3;

/**
 * `sideBySide`: runs of the profile may share the machine (BENCH_NET_PARALLEL at a time). Only
 * 3G's: a 3G run is 13 to 20 s of mostly waiting. A Slow 4G run is about 4 s, and runs started
 * together stay in step, so their pages and frames load in the same instants on 2 cores: side
 * by side, the early frame with the early token request measured 1.06 × the limit (medians of
 * 15; the frame's load 230 ms late), one at a time 1.01 ×, in the same hour.
 */
export const PROFILES = [
  { key: 'loopback', label: 'loopback (no emulation)', conditions: null, sideBySide: false },
  { key: 'slow-4g', label: 'Slow 4G', conditions: PredefinedNetworkConditions['Slow 4G'], sideBySide: false },
  { key: '3g', label: '3G', conditions: PredefinedNetworkConditions['Slow 3G'], sideBySide: true },
];

/** Frame boot after its load, and the token endpoint's exchange time, in ms. */
export const CASES = [
  { key: 'short', label: 'frame boot 300 ms, token 300 ms', boot: 300, exchange: 300 },
  { key: 'realistic', label: 'frame boot 2 s, exchange 800 ms', boot: 2000, exchange: 800 },
];

export const NETWORK_VARIANTS = [
  { key: 'docs', label: "docs' hand-written page" },
  { key: 'element', label: 'element' },
  { key: 'early', label: 'early frame' },
  { key: 'earlyToken', label: 'early frame + early token request' },
  { key: 'limit', label: 'limit (frame in HTML, tokens in memory)' },
];

const ORG_ID = 'bench-org';
const IDLE_KEEP_ALIVE_MS = 120_000;
const REPORT_PREFIX = 'spotnana-bench-report:';
/** Time for a wrongly repeated answer or token request to show up before the run ends, ms. */
const SETTLE_MS = 50;
/** A run's time limit: generous, since a 3G run with cold connections takes 15-25 s. */
const RUN_TIMEOUT_MS = Number(process.env.BENCH_NET_TIMEOUT) || 90_000;

/**
 * The early listener, from the build (spotnana-embed/early-frame, dist/early-frame.js) when it
 * has one; otherwise an older listener's text, written out here, so that the bench runs
 * against an older build too.
 */
async function loadEarlyListener() {
  const built = new URL('../dist/early-frame.js', import.meta.url);
  if (existsSync(built)) {
    const module = await import(built.href);
    if (typeof module.earlyListenerScript === 'function')
      return { script: module.earlyListenerScript, from: 'dist/early-frame.js' };
  }
  const script = (tokenEndpoint) => {
    const token = tokenEndpoint
      ? `;q.u=${JSON.stringify(tokenEndpoint)};q.t=fetch(q.u,{method:'POST',headers:{Accept:'application/json'},cache:'no-store',redirect:'manual'})`
      : '';
    return `(()=>{const q=window.spotnanaEmbedEarly={m:[],l:new WeakSet};addEventListener('message',e=>customElements.get('spotnana-embed')||q.m.push(e));document.addEventListener('load',e=>q.l.add(e.target),true)${token}})()`;
  };
  return { script, from: 'the bench (no dist/early-frame.js in this build)' };
}

/**
 * The URL the element builds for its iframe (config.ts): `path` resolved on the embed origin,
 * then `idp` set and `orgId` set, through URLSearchParams as the element does.
 */
export function elementFrameUrl(embedOrigin, path, orgId) {
  const url = new URL(path, embedOrigin);
  url.searchParams.set('idp', 'token-exchange-auth');
  url.searchParams.delete('orgId');
  url.searchParams.set('orgId', orgId);
  return url.href;
}

/**
 * The fake Spotnana app: after its `load` it boots for `boot` ms, then asks its parent for
 * tokens and reports the times through the console (not the network, which is throttled).
 */
function framePage(hostOrigin) {
  return `<!doctype html><meta charset="utf-8"><title>fake Spotnana</title><body>fake Spotnana embed app
<script>
(() => {
  const boot = Number(new URLSearchParams(location.search).get('boot')) || 0;
  const HOST = ${js(hostOrigin)};
  const now = () => performance.timeOrigin + performance.now();
  let loadAt;
  let askedAt;
  let answers = 0;
  addEventListener('message', (e) => {
    if (e.source !== parent || e.origin !== HOST || !e.data || e.data.type !== 'TOKEN_EXCHANGE_RESPONSE') return;
    const receivedAt = now();
    const p = e.data.payload;
    const ok = !!p && typeof p.accessToken === 'string' && p.accessToken !== '' && typeof p.refreshToken === 'string' && p.refreshToken !== '';
    // Where the frame's own load went: its navigation's start, first and last response byte.
    const nav = performance.getEntriesByType('navigation')[0];
    const navAt = (t) => (nav && t > 0 ? performance.timeOrigin + t : null);
    const frameNav = { startAt: performance.timeOrigin, responseStartAt: navAt(nav?.responseStart), responseEndAt: navAt(nav?.responseEnd) };
    console.info(${js(REPORT_PREFIX)} + JSON.stringify({ receivedAt, loadAt, askedAt, ok, answer: ++answers, frameNav }));
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

const head = (title, extra = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>${extra}</head>`;

/** The README's CDN markup as it stood: the module script and the tag, nothing else. */
function elementPage({ cdnUrl, tokenEndpoint, embedOrigin, path }) {
  return `${head('bench: element', `<script type="module" src="${esc(cdnUrl)}"></script>`)}
<body>
<spotnana-embed token-endpoint="${esc(tokenEndpoint)}" embed-url="${esc(embedOrigin)}" path="${esc(path)}" org-id="${ORG_ID}"></spotnana-embed>
</body></html>`;
}

/** The recommended markup for CDN users: connection hints, the early listener and the early frame. */
function earlyPage({ cdnUrl, cdnOrigin, tokenEndpoint, embedOrigin, path, listener }) {
  const hints =
    `<link rel="preconnect" href="${esc(cdnOrigin)}" crossorigin>` +
    `<link rel="preconnect" href="${esc(embedOrigin)}">` +
    `<link rel="modulepreload" href="${esc(cdnUrl)}">` +
    `<script type="module" src="${esc(cdnUrl)}"></script>`;
  return `${head('bench: early frame', hints)}
<body>
<script>${listener}</script>
<spotnana-embed token-endpoint="${esc(tokenEndpoint)}" embed-url="${esc(embedOrigin)}" path="${esc(path)}" org-id="${ORG_ID}"><iframe slot="frame" src="${esc(elementFrameUrl(embedOrigin, path, ORG_ID))}" title="Spotnana" referrerpolicy="strict-origin-when-cross-origin"></iframe></spotnana-embed>
</body></html>`;
}

/** The limit: the frame in the HTML, and an answer that needs no network (tokens in memory). */
function limitPage({ embedOrigin, path }) {
  return `${head('bench: limit')}
<body>
<script>
  const FRAME_ORIGIN = ${js(embedOrigin)};
  const TOKENS = { accessToken: 'bench-access-in-memory', refreshToken: 'bench-refresh-in-memory' };
  addEventListener('message', (e) => {
    if (e.origin === FRAME_ORIGIN && e.data && e.data.type === 'TOKEN_EXCHANGE_REQUEST') {
      e.source.postMessage({ type: 'TOKEN_EXCHANGE_RESPONSE', payload: TOKENS }, FRAME_ORIGIN);
    }
  });
</script>
<iframe src="${esc(elementFrameUrl(embedOrigin, path, ORG_ID))}" title="Spotnana" referrerpolicy="strict-origin-when-cross-origin" style="width:100%;height:600px;border:0"></iframe>
</body></html>`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function send(res, status, headers, body) {
  res.writeHead(status, { 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
const html = (res, body) => send(res, 200, { 'content-type': 'text/html; charset=utf-8' }, body);

async function drain(req) {
  for await (const chunk of req) void chunk;
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
 * An HTTP server whose sockets remember when they opened: `setupHold(req, rtt)` waits until
 * the socket of `req` is SETUP_ROUND_TRIPS round trips old, for its first response only.
 */
function modeledServer() {
  // Keep idle connections open as CDNs and web servers do (Node's default of 5 s would close
  // them within one 3G round trip or two, and charge every later request a new connection).
  const server = createServer({ keepAliveTimeout: IDLE_KEEP_ALIVE_MS });
  const opened = new WeakMap(); // socket -> ms (performance clock) when it connected
  const answered = new WeakSet();
  server.on('connection', (socket) => opened.set(socket, performance.now()));
  server.setupHold = async (req, rtt) => {
    const socket = req.socket;
    if (answered.has(socket)) return;
    answered.add(socket);
    const wait = (opened.get(socket) ?? performance.now()) + SETUP_ROUND_TRIPS * rtt - performance.now();
    if (wait > 0) await sleep(wait);
  };
  return server;
}

/** Reads a file of dist/, tried three times 3 s apart: a rebuild empties dist/ for a moment. */
async function readRetrying(file) {
  for (let i = 1; ; i++) {
    try {
      return await readFile(file);
    } catch (error) {
      if (i >= 3) throw error;
      await sleep(3000);
    }
  }
}

/** Starts the three servers; `runs` maps a run id to its settings ({ variant, rtt, boot, exchange }). */
export async function startNetworkServers({ cdnFile }) {
  const cdnGzip = gzipSync(await readRetrying(cdnFile), { level: 9 });
  const { script: earlyListenerScript, from: listenerFrom } = await loadEarlyListener();
  const runs = new Map();
  const log = new Map(); // run id -> { tokens: [{ receivedAt, servedAt }], frameLoads, cdnLoads }
  const entry = (run) => log.get(run) ?? log.set(run, { tokens: [], frameLoads: 0, cdnLoads: 0 }).get(run);

  const host = modeledServer();
  const cdn = modeledServer();
  const frame = modeledServer();
  const hostOrigin = `http://127.0.0.1:${await listen(host, '127.0.0.1')}`;
  const cdnOrigin = `http://127.0.0.2:${await listen(cdn, '127.0.0.2')}`;
  const frameOrigin = `http://localhost:${await listen(frame, '127.0.0.1')}`;
  const frameHtml = framePage(hostOrigin);

  /** The run's settings from its `run` query parameter; an unknown run gets no modeling. */
  const settingsOf = (url) => runs.get(url.searchParams.get('run')) ?? { rtt: 0, boot: 0, exchange: 0 };

  const handle = (server, origin, route) =>
    server.on('request', async (req, res) => {
      try {
        const url = new URL(req.url, origin);
        const settings = settingsOf(url);
        await server.setupHold(req, settings.rtt);
        await route(req, res, url, settings);
      } catch (error) {
        if (!res.headersSent) send(res, 500, { 'content-type': 'text/plain' }, String(error));
        else res.destroy();
      }
    });

  handle(host, hostOrigin, async (req, res, url, s) => {
    const run = url.searchParams.get('run') ?? 'anon';
    const tokenEndpoint = `/token?run=${encodeURIComponent(run)}`;
    const path = `/frame?run=${encodeURIComponent(run)}&boot=${s.boot}`;
    const cdnUrl = `${cdnOrigin}/spotnana-embed.min.js?run=${encodeURIComponent(run)}`;
    const page = { cdnUrl, cdnOrigin, tokenEndpoint, embedOrigin: frameOrigin, path };
    switch (url.pathname) {
      case '/net/docs':
        return html(res, baselinePage({ tokenEndpoint, embedUrl: frameOrigin, path }));
      case '/net/element':
        return html(res, elementPage(page));
      case '/net/early':
        return html(res, earlyPage({ ...page, listener: earlyListenerScript() }));
      case '/net/earlyToken':
        return html(res, earlyPage({ ...page, listener: earlyListenerScript(tokenEndpoint) }));
      case '/net/limit':
        return html(res, limitPage(page));
      case '/token': {
        if (req.method !== 'POST') return send(res, 405, { allow: 'POST' }, 'POST only');
        const token = { receivedAt: Date.now(), servedAt: undefined };
        entry(run).tokens.push(token);
        await drain(req);
        // The emulated round trip overlaps with this wait: one more round trip makes it add.
        await sleep(s.exchange + s.rtt);
        token.servedAt = Date.now();
        const body = JSON.stringify({
          accessToken: `bench-access-${run}`,
          refreshToken: `bench-refresh-${run}`,
          expiresIn: 3600,
        });
        return send(res, 200, { 'content-type': 'application/json; charset=utf-8' }, body);
      }
      default:
        return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
    }
  });

  handle(cdn, cdnOrigin, async (req, res, url) => {
    if (url.pathname !== '/spotnana-embed.min.js') return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
    entry(url.searchParams.get('run') ?? 'anon').cdnLoads++;
    // As a CDN serves it: compressed, cacheable, readable from any origin (module scripts use CORS).
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

  handle(frame, frameOrigin, async (req, res, url) => {
    if (url.pathname !== '/frame') return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
    entry(url.searchParams.get('run') ?? 'anon').frameLoads++;
    return html(res, frameHtml);
  });

  const servers = [host, cdn, frame];
  return {
    hostOrigin,
    cdnOrigin,
    frameOrigin,
    listenerFrom,
    cdnGzipBytes: cdnGzip.length,
    register: (run, settings) => runs.set(run, settings),
    logOf: (run) => entry(run),
    async close() {
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

/** Chromium without site isolation, so that the cross-origin frame shares the page's emulation. */
export async function launchNetworkBrowser() {
  const executablePath = findChrome();
  if (!executablePath) throw new Error(chromeHint);
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [
      ...chromeArgs,
      '--disable-site-isolation-trials',
      '--disable-features=IsolateOrigins,site-per-process,BackForwardCache',
    ],
  });
}

/** Time a run may take beyond its own limit (a browser that stops answering CDP), ms. */
const WATCHDOG_GRACE_MS = 30_000;

/** Rejects when `promise` has not settled in time, so that a hung browser call cannot stall the bench. */
function withWatchdog(promise, what) {
  let timer;
  const watchdog = new Promise((resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: the browser did not answer in time`)),
      RUN_TIMEOUT_MS + WATCHDOG_GRACE_MS,
    );
  });
  return Promise.race([promise, watchdog]).finally(() => clearTimeout(timer));
}

let runCounter = 0;

/**
 * One page load in a fresh browser context (empty cache, no connection open), under the
 * profile's emulation, until the frame reports its tokens. Times in ms from the host page's
 * navigation start.
 */
async function runOnce(browser, servers, { profile, kase, variant }) {
  const run = `net-${++runCounter}-${variant.key}`;
  const rtt = profile.conditions?.latency ?? 0;
  servers.register(run, { rtt, boot: kase.boot, exchange: kase.exchange });
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    if (profile.conditions) await page.emulateNetworkConditions(profile.conditions);
    const reports = [];
    let resolveReport;
    const reported = new Promise((resolve) => {
      resolveReport = resolve;
    });
    page.on('console', (message) => {
      const text = message.text();
      if (!text.startsWith(REPORT_PREFIX)) return;
      const data = JSON.parse(text.slice(REPORT_PREFIX.length));
      reports.push(data);
      resolveReport(data);
    });
    let timer;
    const timeout = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`run ${run}: no answer within ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
    });
    // Not awaited: the frame's answer, not the page's load event, ends the run.
    const navigation = page.goto(`${servers.hostOrigin}/net/${variant.key}?run=${run}`, {
      waitUntil: 'domcontentloaded',
      timeout: RUN_TIMEOUT_MS,
    });
    navigation.catch(() => {});
    const data = await Promise.race([reported, timeout]).finally(() => clearTimeout(timer));
    await navigation;
    const hostStart = await page.evaluate(() => performance.timeOrigin);
    await sleep(SETTLE_MS);
    if (!data.ok) throw new Error(`run ${run}: the frame's answer carried no tokens`);
    const log = servers.logOf(run);
    const since = (t) => (Number.isFinite(t) ? round(t - hostStart) : null);
    return {
      run,
      ttaMs: since(data.receivedAt),
      frameNavStartMs: since(data.frameNav?.startAt),
      frameResponseStartMs: since(data.frameNav?.responseStartAt),
      frameResponseEndMs: since(data.frameNav?.responseEndAt),
      frameLoadMs: since(data.loadAt),
      frameAskedMs: since(data.askedAt),
      tokenFetchMs: since(log.tokens[0]?.receivedAt),
      tokenServedMs: since(log.tokens[0]?.servedAt),
      tokenRequests: variant.key === 'limit' ? null : log.tokens.length,
      frameLoads: log.frameLoads,
      answers: reports.length,
    };
  } finally {
    await context.close().catch(() => {});
  }
}

/**
 * Every cell (profile × case): `runs` rounds of the variants, alternating run by run, after a
 * discarded warm-up round per cell. Up to `parallel` runs at a time on a profile whose runs may
 * run side by side (3G, where a run is mostly waiting), one at a time elsewhere (see PROFILES).
 */
export async function measureNetwork(browser, servers, { cells, runs, parallel, log }) {
  const failures = [];
  const samples = {};
  for (const { profile, kase } of cells) {
    const cell = `${profile.key}/${kase.key}`;
    samples[cell] = Object.fromEntries(NETWORK_VARIANTS.map((v) => [v.key, []]));
    const started = performance.now();
    const attempt = async (variant, what, keep) => {
      for (let i = 1; i <= 2; i++) {
        try {
          const sample = await withWatchdog(runOnce(browser, servers, { profile, kase, variant }), what);
          if (keep) samples[cell][variant.key].push(sample);
          return;
        } catch (error) {
          if (keep) failures.push({ what, try: i, error: String(error?.message ?? error) });
          log(`  ! ${what} (try ${i}): ${error?.message ?? error}`);
        }
      }
    };
    const width = profile.sideBySide ? parallel : 1;
    // One discarded warm-up round first (the first compile of the browser's code paths).
    const queue = NETWORK_VARIANTS.map((v) => ({ v, what: `${cell} warm-up ${v.key}`, keep: false }));
    for (let i = 0; i < runs; i++)
      for (const v of NETWORK_VARIANTS) queue.push({ v, what: `${cell} ${v.key} run ${i + 1}`, keep: true });
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await attempt(job.v, job.what, job.keep);
    };
    await Promise.all(Array.from({ length: width }, worker));
    const med = (key) => {
      const xs = samples[cell][key].map((s) => s.ttaMs).sort((a, b) => a - b);
      return xs.length ? xs[xs.length >> 1].toFixed(0) : '—';
    };
    log(
      `  ${cell}: ${NETWORK_VARIANTS.map((v) => `${v.key} ~${med(v.key)}`).join(', ')} ms (${((performance.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
  return { samples, failures };
}
