// Prerender leaves nothing behind: 200 cycles of SpotnanaEmbed.prerender() and cancel() in
// Chromium, each waiting until the prerendered frame has loaded, asked and been answered, end
// with the window's `message` listeners, the iframes and the documents where they began, and
// the JS heap less than 2 KB per cycle above it.
//
// Real HTTP on loopback: the page and its token endpoint on one port, a fake Spotnana frame on
// another (another origin, the same site: its documents live in the page's renderer process,
// so that Memory.getDOMCounters counts them). The frame follows the protocol: at its load it
// posts TOKEN_EXCHANGE_REQUEST to its parent, and when the answer comes it tells the page so
// (a message the page listens for: the marker that ends each cycle's wait). Measured over CDP:
// DOMDebugger.getEventListeners on window, HeapProfiler.collectGarbage + Runtime.getHeapUsage,
// Memory.getDOMCounters. Needs the build (dist/spotnana-embed.min.js): `npm run build`.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer-core';
import { chromeArgs, chromeHint, findChrome } from '../../scripts/find-chrome.mjs';

const CYCLES = 200;
const WARM_UP = 5;
const MAX_GROWTH_PER_CYCLE = 2048;
const CYCLE_TIMEOUT_MS = 10_000;
/** How long the counts may take to come back (frames unloading, documents collected). */
const SETTLE_LIMIT_MS = 15_000;
const SIGNED_IN = 'TEST_FRAME_SIGNED_IN';
const CDN_FILE = new URL('../../dist/spotnana-embed.min.js', import.meta.url);

interface Counts {
  messageListeners: number;
  iframes: number;
  frames: number;
  documents: number;
  nodes: number;
  heap: number;
}

const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function drain(req: IncomingMessage) {
  for await (const chunk of req) void chunk;
}

/** The fake Spotnana app: asks its parent at load, checks the answer, tells the page it is signed in. */
const framePage = (hostOrigin: string) => `<!doctype html><meta charset="utf-8"><title>fake Spotnana</title>
<script>
  const HOST = ${JSON.stringify(hostOrigin)};
  addEventListener('message', (e) => {
    const p = e.data && e.data.type === 'TOKEN_EXCHANGE_RESPONSE' ? e.data.payload : undefined;
    if (e.source !== parent || e.origin !== HOST || !p || !p.accessToken || !p.refreshToken) return;
    parent.postMessage({ type: ${JSON.stringify(SIGNED_IN)} }, HOST);
  });
  addEventListener('load', () => parent.postMessage({ type: 'TOKEN_EXCHANGE_REQUEST', from: 'spotnana-embed' }, HOST));
</script>`;

/**
 * The host page: the CDN build, and `cycles(n, from)`, which runs n prerender()/cancel()
 * cycles, each cancelled once its frame says it is signed in (each with a frame URL of its
 * own, so that a cycle that leaked would leave its frame, not have it replaced by the next).
 */
const hostPage = (
  frameOrigin: string,
) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>prerender memory</title>
<link rel="icon" href="data:,"><script type="module" src="/spotnana-embed.min.js"></script></head><body>
<script>
  const FRAME_ORIGIN = ${JSON.stringify(frameOrigin)};
  let signedIn;
  addEventListener('message', (e) => {
    if (e.origin === FRAME_ORIGIN && e.data && e.data.type === ${JSON.stringify(SIGNED_IN)}) signedIn?.();
  });
  window.prerenderCycles = async (count, from, keepLast) => {
    const SpotnanaEmbed = await customElements.whenDefined('spotnana-embed');
    for (let i = from; i < from + count; i++) {
      let timer;
      const answered = new Promise((resolve, reject) => {
        signedIn = resolve;
        timer = setTimeout(() => reject(new Error('cycle ' + i + ': the frame was not signed in')), ${CYCLE_TIMEOUT_MS});
      });
      const handle = SpotnanaEmbed.prerender({
        embedUrl: FRAME_ORIGIN,
        path: '/frame?cycle=' + i,
        orgId: 'test-org',
        tokenEndpoint: '/token',
      });
      try {
        await answered;
      } finally {
        clearTimeout(timer);
      }
      if (keepLast && i === from + count - 1) return;
      handle.cancel();
    }
  };
  window.endAll = () => customElements.get('spotnana-embed').signOutAll();
</script>
</body></html>`;

describe('prerender() and cancel(), 200 cycles in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;
  const servers: Server[] = [];
  const served = { tokens: 0, frames: 0 };

  before(async () => {
    const chrome = findChrome();
    assert.ok(chrome, chromeHint);
    assert.ok(existsSync(CDN_FILE), 'Run `npm run build` first.');
    const cdn = readFileSync(CDN_FILE);
    const host = createServer();
    const frame = createServer();
    servers.push(host, frame);
    const hostOrigin = await listen(host);
    const frameOrigin = await listen(frame);
    host.on('request', async (req, res) => {
      const { pathname } = new URL(req.url ?? '/', hostOrigin);
      if (pathname === '/') return send(res, 200, 'text/html; charset=utf-8', hostPage(frameOrigin));
      if (pathname === '/spotnana-embed.min.js') return send(res, 200, 'text/javascript; charset=utf-8', cdn);
      if (pathname === '/token' && req.method === 'POST') {
        await drain(req);
        served.tokens++;
        const body = JSON.stringify({
          accessToken: `access-${served.tokens}`,
          refreshToken: 'refresh',
          expiresIn: 3600,
        });
        return send(res, 200, 'application/json', body);
      }
      send(res, 404, 'text/plain', 'not found');
    });
    frame.on('request', (req, res) => {
      if (new URL(req.url ?? '/', frameOrigin).pathname !== '/frame') return send(res, 404, 'text/plain', 'not found');
      served.frames++;
      send(res, 200, 'text/html; charset=utf-8', framePage(hostOrigin));
    });
    browser = await puppeteer.launch({ executablePath: chrome, args: chromeArgs, headless: true });
    page = await browser.newPage();
    await page.goto(`${hostOrigin}/`, { waitUntil: 'load' });
    await page.evaluate(() => customElements.whenDefined('spotnana-embed'));
    cdp = await page.createCDPSession();
  });

  after(async () => {
    await browser?.close();
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
  });

  async function counts(): Promise<Counts> {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId! });
    await cdp.send('Runtime.releaseObject', { objectId: result.objectId! });
    const { documents, nodes } = await cdp.send('Memory.getDOMCounters');
    const iframes = await page.evaluate(() => document.querySelectorAll('iframe').length);
    return {
      messageListeners: listeners.filter((l) => l.type === 'message').length,
      iframes,
      frames: page.frames().length,
      documents,
      nodes,
      heap: usedSize,
    };
  }

  /** The counts once they are back at `start` (frames unload and documents go in their own time), or the last seen. */
  async function settledCounts(start: Counts): Promise<Counts> {
    const deadline = Date.now() + SETTLE_LIMIT_MS;
    for (;;) {
      const now = await counts();
      const back = (['messageListeners', 'iframes', 'frames', 'documents'] as const).every((k) => now[k] <= start[k]);
      if (back || Date.now() > deadline) return now;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('leaves the message listeners, iframes, frames and documents where they began, the heap under 2 KB a cycle', async (t) => {
    // Warm-up: the first prerender compiles its code paths and fills Lit's and the page's caches.
    await page.evaluate((n) => window.prerenderCycles(n, 0, false), WARM_UP);
    const start = await settledCounts(await counts());

    // The probe sees a live prerender: one more listener, iframe, frame and document.
    await page.evaluate(() => window.prerenderCycles(1, -1, true));
    const live = await counts();
    assert.equal(live.messageListeners, start.messageListeners + 1, 'a live prerender listens for messages');
    assert.equal(live.iframes, start.iframes + 1, 'a live prerender has its iframe in the document');
    assert.equal(live.frames, start.frames + 1, 'a live prerender has its frame');
    assert.ok(live.documents > start.documents, 'a live prerender has its document');
    await page.evaluate(() => window.endAll());

    const servedBefore = { ...served };
    const started = Date.now();
    await page.evaluate((n, from) => window.prerenderCycles(n, from, false), CYCLES, WARM_UP);
    const took = Date.now() - started;
    assert.equal(served.frames - servedBefore.frames, CYCLES, 'each cycle loaded its frame once');
    assert.equal(served.tokens - servedBefore.tokens, CYCLES, 'each cycle fetched its tokens once');

    const end = await settledCounts(start);
    const growth = (end.heap - start.heap) / CYCLES;
    const report = `start ${JSON.stringify(start)}, end ${JSON.stringify(end)}, ${growth.toFixed(0)} B/cycle, ${took} ms`;
    t.diagnostic(report);
    assert.equal(end.messageListeners, start.messageListeners, `message listeners: ${report}`);
    assert.equal(end.iframes, start.iframes, `iframes in the document: ${report}`);
    assert.equal(end.frames, start.frames, `frames: ${report}`);
    assert.ok(end.documents <= start.documents, `documents: ${report}`);
    assert.ok(growth < MAX_GROWTH_PER_CYCLE, `heap growth: ${report}`);
  });
});

declare global {
  interface Window {
    prerenderCycles(count: number, from: number, keepLast: boolean): Promise<void>;
    endAll(): void;
  }
}
