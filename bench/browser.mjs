// The browser half of the benchmark, in headless Chromium driven by puppeteer-core.
//
//   measureTimeToAuth   navigation start of the host page -> the fake Spotnana frame holds
//                       its tokens, for the element (eager, on-request) and the docs' baseline
//   measureReply        the frame's request -> its answer, when the element already holds
//                       tokens, against the postMessage round trip of a hand-written echo
//   measureMemory       JS heap and window `message` listeners around mount/unmount cycles
//
// Every run of the first two loads a fresh document with the HTTP cache disabled (so the CDN
// file is fetched anew each time; the token endpoint is never cached anyway), in one long-lived
// tab that goes back to about:blank between runs; the variants alternate run by run, so that a
// drift of the machine's load hits them alike. A fresh tab or context per run would be cleaner
// but costs 0.6-1.5 s of renderer start-up per run on a small machine, which would not fit the
// time budget: BENCH_FRESH_CONTEXT=1 does that instead (cold connections too).
import puppeteer from 'puppeteer-core';
import { chromeArgs, chromeHint, findChrome } from '../scripts/find-chrome.mjs';
import { round } from './stats.mjs';

const RUN_TIMEOUT = 15_000;

export async function launchBrowser() {
  const executablePath = findChrome();
  if (!executablePath) throw new Error(chromeHint);
  // No back/forward cache: a page left for about:blank must really go, not linger frozen.
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: [...chromeArgs, '--disable-features=BackForwardCache'],
  });
}

/**
 * Where runs happen: `open()` gives a page for one run, `done()` ends the run. By default one
 * tab, cache disabled, navigated to about:blank after each run; with `fresh`, a new browser
 * context (and tab) per run, closed after it.
 */
export function createTab(browser, { fresh = false } = {}) {
  let page;
  let context;
  return {
    fresh,
    async open() {
      if (fresh) {
        context = await browser.createBrowserContext();
        return context.newPage();
      }
      if (!page || page.isClosed()) {
        page = await browser.newPage();
        await page.setCacheEnabled(false);
      }
      return page;
    },
    async done() {
      if (fresh) await context?.close().catch(() => {});
      else await page?.goto('about:blank').catch(() => {});
    },
    async close() {
      await page?.close().catch(() => {});
      await context?.close().catch(() => {});
    },
  };
}

let runCounter = 0;
const nextRun = (prefix) => `${prefix}-${++runCounter}-${Date.now().toString(36)}`;

/**
 * One page load in a fresh context: opens `/page/<page>?run=&lat=&boot=` on the host origin
 * and waits for the frame's report. Returns the report's times relative to the host page's
 * navigation start (its performance.timeOrigin), and what the token endpoint saw.
 */
async function runOnce(tab, servers, { page: pageName, lat = 0, boot }) {
  const run = nextRun(pageName);
  const url = `${servers.hostOrigin}/page/${pageName}?run=${run}&lat=${lat}&boot=${boot}`;
  try {
    const page = await tab.open();
    const report = servers.waitReport(run, RUN_TIMEOUT);
    report.catch(() => {}); // handled below; goto may fail first
    await page.goto(url, { waitUntil: 'load', timeout: RUN_TIMEOUT });
    const data = await report;
    const hostOrigin = await page.evaluate(() => performance.timeOrigin);
    // Let a wrongly repeated answer or token request show up before the context closes.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const tokens = servers.tokenRequests(run);
    if (!data.ok) throw new Error(`run ${run}: the frame's answer carried no tokens`);
    return {
      run,
      ttaMs: round(data.receivedAt - hostOrigin),
      frameLoadMs: round(data.loadAt - hostOrigin),
      frameAskedMs: round(data.requestedAt - hostOrigin),
      replyMs: round(data.replyMs),
      tokenRequests: tokens.length,
      // Epoch ms: when the token endpoint received the (first) request and answered it.
      tokenFetchMs: tokens[0] ? round(tokens[0].receivedAt - hostOrigin) : null,
      tokenServedMs: tokens[0]?.servedAt ? round(tokens[0].servedAt - hostOrigin) : null,
      extraAnswers: servers.extraAnswers(run),
    };
  } finally {
    await tab.done();
  }
}

/**
 * Runs `fn`, once more if it fails, and records each failure instead of throwing, so that one
 * bad run does not end the bench; a cell short of samples is reported by the caller.
 */
async function attempt(fn, failures, what, log, tries = 2) {
  for (let i = 1; i <= tries; i++) {
    try {
      return await fn();
    } catch (error) {
      failures.push({ what, try: i, error: String(error?.message ?? error) });
      log(`  ! ${what} (try ${i}): ${error?.message ?? error}`);
    }
  }
  return undefined;
}

export const AUTH_VARIANTS = [
  { key: 'eager', page: 'eager', label: 'element, token-fetch="eager"' },
  { key: 'onRequest', page: 'on-request', label: 'element, token-fetch="on-request"' },
  { key: 'baseline', page: 'baseline', label: "baseline (Spotnana docs' sample)" },
];

/**
 * Time-to-authenticated: for each endpoint latency, `runs` rounds of (eager, on-request,
 * baseline), after one discarded warm-up round (first compile of the browser's code paths).
 * @returns {{ samples: Record<number, Record<string, object[]>>, failures: object[] }}
 */
export async function measureTimeToAuth(tab, servers, { latencies, runs, boot, log }) {
  const failures = [];
  for (const v of AUTH_VARIANTS)
    await attempt(
      () => runOnce(tab, servers, { page: v.page, lat: latencies[0], boot }),
      failures,
      `warm-up ${v.key}`,
      log,
    );
  failures.length = 0; // a failed warm-up is not a failed measurement
  const samples = {};
  for (const lat of latencies) {
    samples[lat] = Object.fromEntries(AUTH_VARIANTS.map((v) => [v.key, []]));
    for (let i = 0; i < runs; i++) {
      for (const v of AUTH_VARIANTS) {
        const sample = await attempt(
          () => runOnce(tab, servers, { page: v.page, lat, boot }),
          failures,
          `latency ${lat} ms, ${v.key}, run ${i + 1}`,
          log,
        );
        if (sample) samples[lat][v.key].push(sample);
      }
    }
    const med = (k) => {
      const xs = samples[lat][k].map((s) => s.ttaMs).sort((a, b) => a - b);
      return xs.length ? xs[xs.length >> 1].toFixed(0) : '—';
    };
    log(
      `  latency ${lat} ms: eager ~${med('eager')} ms, on-request ~${med('onRequest')} ms, baseline ~${med('baseline')} ms`,
    );
  }
  return { samples, failures };
}

/**
 * Reply latency with tokens held: the eager element with an instant endpoint and a frame that
 * boots for `boot` ms (so the prefetch has long finished), against the floor: a hand-written
 * listener that echoes the frame's PING at once. Both measured in the frame, from just before
 * it posts to the answer's arrival. Alternating, one sample per fresh page load each.
 */
export async function measureReply(tab, servers, { runs, boot, log }) {
  const failures = [];
  const samples = { element: [], floor: [] };
  await attempt(() => runOnce(tab, servers, { page: 'eager', lat: 0, boot }), failures, 'warm-up element', log);
  await attempt(() => runOnce(tab, servers, { page: 'echo', boot }), failures, 'warm-up floor', log);
  failures.length = 0;
  for (let i = 0; i < runs; i++) {
    const el = await attempt(
      () => runOnce(tab, servers, { page: 'eager', lat: 0, boot }),
      failures,
      `element run ${i + 1}`,
      log,
    );
    if (el)
      samples.element.push({ ...el, prefetchDone: el.tokenServedMs !== null && el.tokenServedMs < el.frameAskedMs });
    const fl = await attempt(() => runOnce(tab, servers, { page: 'echo', boot }), failures, `floor run ${i + 1}`, log);
    if (fl) samples.floor.push(fl);
  }
  return { samples, failures };
}

/**
 * Memory: one page with the CDN element; mount/unmount cycles up to each of `checkpoints`
 * (cumulative totals: [200, 1000] means 200 cycles, then 800 more), each cycle being: create
 * the element with its attributes, append it, await
 * `updateComplete`, remove it. Before the first cycle and after each stop: two forced GCs, then
 * the page's JS heap (Runtime.getHeapUsage) and the `message` listeners on `window`
 * (DOMDebugger.getEventListeners), plus Chromium's DOM counters. The frames point at a fake
 * Spotnana page that never asks, and the token endpoint answers after 50 ms, so every eager
 * prefetch is still in flight at removal (the element must abort it).
 */
export async function measureMemory(browser, servers, { checkpoints, log }) {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    await page.goto(`${servers.hostOrigin}/page/memory`, { waitUntil: 'load' });
    await page.evaluate(() => customElements.whenDefined('spotnana-embed'));
    const cdp = await page.createCDPSession();

    const windowListeners = async () => {
      const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' });
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
      await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
      return listeners;
    };
    const snapshot = async (done) => {
      // Let aborted fetches, unloading frames and their tasks settle first.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize, totalSize } = await cdp.send('Runtime.getHeapUsage');
      const listeners = await windowListeners();
      const counters = await cdp.send('Memory.getDOMCounters');
      return {
        cycles: done,
        heapUsedBytes: usedSize,
        heapTotalBytes: totalSize,
        messageListeners: listeners.filter((l) => l.type === 'message').length,
        windowListeners: listeners.length,
        domNodes: counters.nodes,
        documents: counters.documents,
        jsEventListeners: counters.jsEventListeners,
      };
    };

    const attrs = {
      'token-endpoint': '/token?run=memory&lat=50',
      'embed-url': servers.frameOrigin,
      path: '/frame?run=memory&mode=idle',
      'org-id': 'bench-org',
    };
    const points = [await snapshot(0)];
    let done = 0;
    for (const checkpoint of checkpoints) {
      const n = checkpoint - done;
      if (n <= 0) continue;
      const started = Date.now();
      await page.evaluate(
        async (count, attributes) => {
          for (let i = 0; i < count; i++) {
            const el = document.createElement('spotnana-embed');
            for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
            document.body.append(el);
            await el.updateComplete;
            el.remove();
          }
        },
        n,
        attrs,
      );
      done += n;
      log(`  ${done} cycles (${n} in ${Date.now() - started} ms)`);
      points.push(await snapshot(done));
    }
    // The probe's own check, after the measurements: with one element mounted it must see the
    // element's listener (so that "0 after" means removed, not unseen).
    await page.evaluate(async (attributes) => {
      const el = document.createElement('spotnana-embed');
      el.id = 'bench-probe';
      for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
      document.body.append(el);
      await el.updateComplete;
    }, attrs);
    const mounted = (await windowListeners()).filter((l) => l.type === 'message').length;
    await page.evaluate(() => document.getElementById('bench-probe').remove());
    const unmounted = (await windowListeners()).filter((l) => l.type === 'message').length;
    await cdp.detach();
    return { points, probe: { mounted, unmounted }, tokenRequests: servers.tokenRequests('memory').length };
  } finally {
    await context.close().catch(() => {});
  }
}

/**
 * Memory of prerender: one page with the CDN element; `cycles` cycles of
 * SpotnanaEmbed.prerender() and cancel(), each cancelled once its frame has loaded, asked and
 * been answered (the frame tells the page so by postMessage). Before (after 5 warm-up cycles)
 * and after: two forced GCs, the JS heap, the `message` listeners on window, the iframes in the
 * document, the page's frames, and Chromium's DOM counters; the counts are read again until
 * they are back where they began (frames unload in their own time), for up to 15 s.
 */
export async function measurePrerenderMemory(browser, servers, { cycles, log }) {
  const context = await browser.createBrowserContext();
  const run = 'prerender-memory';
  try {
    const page = await context.newPage();
    await page.goto(`${servers.hostOrigin}/page/prerender-memory?run=${run}&lat=0&boot=0`, { waitUntil: 'load' });
    await page.evaluate(() => customElements.whenDefined('spotnana-embed'));
    const cdp = await page.createCDPSession();
    const counts = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' });
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
      await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
      const counters = await cdp.send('Memory.getDOMCounters');
      return {
        heapUsedBytes: usedSize,
        messageListeners: listeners.filter((l) => l.type === 'message').length,
        iframes: await page.evaluate(() => document.querySelectorAll('iframe').length),
        frames: page.frames().length,
        domNodes: counters.nodes,
        documents: counters.documents,
      };
    };
    const settled = async (start) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const now = await counts();
        const back = ['messageListeners', 'iframes', 'frames', 'documents'].every((k) => now[k] <= start[k]);
        if (back || Date.now() > deadline) return now;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await page.evaluate(() => window.prerenderCycles(5, 0, false));
    const before = await settled(await counts());
    // The probe: a live prerender shows as one more listener and iframe.
    await page.evaluate(() => window.prerenderCycles(1, -1, true));
    const live = await counts();
    await page.evaluate(() => customElements.get('spotnana-embed').signOutAll());
    const tokensBefore = servers.tokenRequests(run).length;
    const started = Date.now();
    await page.evaluate((n) => window.prerenderCycles(n, 5, false), cycles);
    const ms = Date.now() - started;
    log(`  ${cycles} prerender cycles in ${ms} ms`);
    const after = await settled(before);
    await cdp.detach();
    return {
      cycles,
      ms,
      before,
      live,
      after,
      tokenRequests: servers.tokenRequests(run).length - tokensBefore,
    };
  } finally {
    await context.close().catch(() => {});
  }
}
