// The two loopback servers of the browser benchmarks, over real HTTP (nothing in the browser
// is patched):
//
//   host origin  http://127.0.0.1:P1   the partner's pages and its token endpoint
//     GET  /spotnana-embed.min.js     the CDN build (dist/), loaded with <script type="module">
//     GET  /page/eager|on-request     <spotnana-embed token-fetch="eager|on-request">
//     GET  /page/baseline             the hand-written integration of Spotnana's docs
//     GET  /page/echo                 the postMessage floor: a listener that echoes PING at once
//     GET  /page/memory               the CDN element and nothing else (mount/unmount cycles)
//     GET  /page/prerender-memory     the CDN element and prerender()/cancel() cycles
//     POST /token?run=&lat=           fake tokens after `lat` ms; Cache-Control: no-store
//
//   frame origin http://localhost:P2  (a different origin from 127.0.0.1 although both are loopback)
//     GET  /frame?run=&boot=&mode=    a fake Spotnana embed app (mode token | ping | idle; notify=1:
//                                     tells its parent BENCH_SIGNED_IN once answered)
//     POST /report?run=               the frame's measurement, sent to its own origin (never to
//                                     the parent, so it cannot be taken for a token request)
//
// Query parameters carry each run's settings, so one pair of servers serves every run.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

const EMBED_TYPE = { request: 'TOKEN_EXCHANGE_REQUEST', response: 'TOKEN_EXCHANGE_RESPONSE' };

/** Escapes text for an HTML attribute value or text node. */
export const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** A value for an inline <script>: JSON that cannot close the script element. */
export const js = (value) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * The fake Spotnana frame. After its own `load` it waits `boot` ms (Spotnana's app booting),
 * then posts one request to its parent with targetOrigin = the host origin:
 *   mode=token  TOKEN_EXCHANGE_REQUEST, and waits for TOKEN_EXCHANGE_RESPONSE;
 *   mode=ping   {type:'PING'}, and waits for {type:'PONG'} (the floor);
 *   mode=idle   nothing (the memory benchmark's frames).
 * At receipt it takes performance.timeOrigin + performance.now() (an absolute time comparable
 * with the host page's performance.timeOrigin) and performance.now() - the time just before it
 * posted (the reply latency), and reports both to its own server.
 */
function framePage(hostOrigin) {
  return `<!doctype html><meta charset="utf-8"><title>fake Spotnana</title><body>fake Spotnana embed app
<script>
(() => {
  const q = new URLSearchParams(location.search);
  const run = q.get('run') || 'anon';
  const boot = Number(q.get('boot')) || 0;
  const mode = q.get('mode') || 'token';
  const HOST = ${js(hostOrigin)};
  const request = mode === 'ping' ? { type: 'PING' } : { type: ${js(EMBED_TYPE.request)}, from: 'spotnana-embed' };
  const answer = mode === 'ping' ? 'PONG' : ${js(EMBED_TYPE.response)};
  let loadAt, postedAt, postedAbs, done = false, extra = 0;
  const report = (data) => fetch('/report?run=' + encodeURIComponent(run), { method: 'POST', body: JSON.stringify(data), keepalive: true });
  addEventListener('message', (e) => {
    if (e.source !== parent || e.origin !== HOST) return;
    const d = e.data;
    if (!d || d.type !== answer) return;
    const now = performance.now();
    if (done) return void report({ extra: ++extra });
    done = true;
    const p = d.payload;
    if (q.get('notify') === '1') parent.postMessage({ type: 'BENCH_SIGNED_IN' }, HOST);
    report({
      receivedAt: performance.timeOrigin + now,
      requestedAt: postedAbs,
      replyMs: now - postedAt,
      loadAt,
      ok: mode === 'ping' || (!!p && typeof p.accessToken === 'string' && p.accessToken !== '' && typeof p.refreshToken === 'string' && p.refreshToken !== ''),
    });
  });
  addEventListener('load', () => {
    loadAt = performance.timeOrigin + performance.now();
    if (mode === 'idle') return;
    setTimeout(() => {
      postedAt = performance.now();
      postedAbs = performance.timeOrigin + postedAt;
      parent.postMessage(request, HOST);
    }, boot);
  });
})();
</script>`;
}

const head = (title, extra = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>${extra}</head>`;

/** The element, loaded from the CDN file as a partner would, with one attribute set per knob. */
function elementPage({ tokenFetch, tokenEndpoint, embedUrl, path }) {
  return `${head(`bench: element, token-fetch=${tokenFetch}`, '<script type="module" src="/spotnana-embed.min.js"></script>')}
<body>
<spotnana-embed token-fetch="${esc(tokenFetch)}" token-endpoint="${esc(tokenEndpoint)}" embed-url="${esc(embedUrl)}" path="${esc(path)}" org-id="bench-org"></spotnana-embed>
</body></html>`;
}

/**
 * The baseline: what Spotnana's documentation has a partner write by hand.
 * Source: Spotnana Developer Portal, "Iframe integration" > "Frontend setup"
 * (https://developer.spotnana.com/integration/iframe/iframe-frontend-setup), whose steps are:
 * render the iframe at <embed url>/<path>?idp=token-exchange-auth&orgId=<org>; listen for
 * `message`; on a TOKEN_EXCHANGE_REQUEST, fetch the access and refresh tokens from your
 * backend, then answer the iframe with {type:'TOKEN_EXCHANGE_RESPONSE', payload:{accessToken,
 * refreshToken}} by postMessage; its security notes add the origin validation of each message.
 * (The stored copy of that page available here cuts off before the sample's code, so this mirrors
 * the documented steps, in the sample's shape, rather than its exact text.) Two differences, both
 * in the baseline's favour or neutral: the docs' sample renders the iframe when a "Launch" button
 * is clicked, this page at once (as the element does); and it has no error handling.
 */
export function baselinePage({ tokenEndpoint, embedUrl, path }) {
  return `${head('bench: baseline (Spotnana docs sample)')}
<body>
<div id="spotnana-container"></div>
<script>
${baselineScript({ tokenEndpoint, embedUrl, path })}
</script>
</body></html>`;
}

/**
 * The baseline page's script: its message listener, and `launchSpotnana()`, which creates the
 * iframe in `#spotnana-container`. With `launch: false` the page calls `launchSpotnana()`
 * itself later (the single-page app's route change, spa.mjs).
 */
export function baselineScript({ tokenEndpoint, embedUrl, path, launch = true }) {
  return `  const SPOTNANA_EMBED_URL = ${js(embedUrl)};
  const TOKEN_ENDPOINT = ${js(tokenEndpoint)};
  let iframe;

  function launchSpotnana() {
    iframe = document.createElement('iframe');
    iframe.src = SPOTNANA_EMBED_URL + ${js(path)} + '&idp=token-exchange-auth&orgId=bench-org';
    iframe.title = 'Spotnana';
    iframe.style.width = '100%';
    iframe.style.height = '600px';
    iframe.style.border = '0';
    document.getElementById('spotnana-container').appendChild(iframe);
  }

  window.addEventListener('message', async (event) => {
    // Only trust messages from Spotnana's origin.
    if (event.origin !== SPOTNANA_EMBED_URL) return;
    if (event.data && event.data.type === 'TOKEN_EXCHANGE_REQUEST') {
      const response = await fetch(TOKEN_ENDPOINT, { method: 'POST' });
      const { accessToken, refreshToken } = await response.json();
      iframe.contentWindow.postMessage(
        { type: 'TOKEN_EXCHANGE_RESPONSE', payload: { accessToken, refreshToken } },
        SPOTNANA_EMBED_URL,
      );
    }
  });
${launch ? '\n  launchSpotnana(); // the docs\' sample calls this from a "Launch" button\n' : ''}`;
}

/** The floor of the reply latency: the least a page can do, echo the frame's PING at once. */
function echoPage({ frameOrigin, src }) {
  return `${head('bench: postMessage floor')}
<body>
<iframe src="${esc(src)}" title="fake Spotnana" style="width:100%;height:600px;border:0"></iframe>
<script>
  const FRAME_ORIGIN = ${js(frameOrigin)};
  addEventListener('message', (e) => {
    if (e.origin === FRAME_ORIGIN && e.data && e.data.type === 'PING') e.source.postMessage({ type: 'PONG' }, FRAME_ORIGIN);
  });
</script>
</body></html>`;
}

function memoryPage() {
  return `${head('bench: memory', '<script type="module" src="/spotnana-embed.min.js"></script>')}<body></body></html>`;
}

/**
 * The CDN element, and `prerenderCycles(count, from, keepLast)`: each cycle calls
 * SpotnanaEmbed.prerender() for a frame URL of its own (so that a leaked session would keep its
 * frame, not have it replaced by the next), waits until its frame says it has been answered,
 * then cancels it (all but the last one with `keepLast`).
 */
function prerenderMemoryPage({ frameOrigin, path, tokenEndpoint }) {
  return `${head('bench: prerender memory', '<script type="module" src="/spotnana-embed.min.js"></script>')}<body>
<script>
  const FRAME_ORIGIN = ${js(frameOrigin)};
  let signedIn;
  addEventListener('message', (e) => {
    if (e.origin === FRAME_ORIGIN && e.data && e.data.type === 'BENCH_SIGNED_IN') signedIn?.();
  });
  window.prerenderCycles = async (count, from, keepLast) => {
    const SpotnanaEmbed = await customElements.whenDefined('spotnana-embed');
    for (let i = from; i < from + count; i++) {
      let timer;
      const answered = new Promise((resolve, reject) => {
        signedIn = resolve;
        timer = setTimeout(() => reject(new Error('prerender cycle ' + i + ': the frame was not signed in')), 10000);
      });
      const handle = SpotnanaEmbed.prerender({
        embedUrl: FRAME_ORIGIN,
        path: ${js(path)} + '&cycle=' + i,
        orgId: 'bench-org',
        tokenEndpoint: ${js(tokenEndpoint)},
      });
      try {
        await answered;
      } finally {
        clearTimeout(timer);
      }
      if (!(keepLast && i === from + count - 1)) handle.cancel();
    }
  };
</script>
</body></html>`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}
const html = (res, body) => send(res, 200, 'text/html; charset=utf-8', body);

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

function close(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Starts both servers. `cdnFile` is the path of dist/spotnana-embed.min.js, read once now so
 * that every run serves the same bytes.
 */
export async function startPageServers({ cdnFile }) {
  const cdn = await readFile(cdnFile);
  const reports = new Map(); // run -> report from the frame
  const waiters = new Map(); // run -> resolve
  const tokenLog = new Map(); // run -> [{ receivedAt, servedAt }] (epoch ms, this process's clock)
  const extras = new Map(); // run -> number of extra answers the frame received

  const hostServer = createServer();
  const frameServer = createServer();
  const hostPort = await listen(hostServer, '127.0.0.1');
  const framePort = await listen(frameServer, '127.0.0.1');
  const hostOrigin = `http://127.0.0.1:${hostPort}`;
  const frameOrigin = `http://localhost:${framePort}`;
  const frameHtml = framePage(hostOrigin);

  hostServer.on('request', async (req, res) => {
    try {
      const url = new URL(req.url, hostOrigin);
      const q = url.searchParams;
      const run = q.get('run') ?? 'anon';
      const boot = Number(q.get('boot') ?? 0);
      const lat = Number(q.get('lat') ?? 0);
      const framePath = (mode) => `/frame?run=${encodeURIComponent(run)}&boot=${boot}&mode=${mode}`;
      const tokenEndpoint = `/token?run=${encodeURIComponent(run)}&lat=${lat}`;
      switch (url.pathname) {
        case '/spotnana-embed.min.js':
          return send(res, 200, 'text/javascript; charset=utf-8', cdn);
        case '/page/eager':
        case '/page/on-request':
          return html(
            res,
            elementPage({
              tokenFetch: url.pathname.slice(6),
              tokenEndpoint,
              embedUrl: frameOrigin,
              path: framePath('token'),
            }),
          );
        case '/page/baseline':
          return html(res, baselinePage({ tokenEndpoint, embedUrl: frameOrigin, path: framePath('token') }));
        case '/page/echo':
          return html(res, echoPage({ frameOrigin, src: `${frameOrigin}${framePath('ping')}` }));
        case '/page/memory':
          return html(res, memoryPage());
        case '/page/prerender-memory':
          return html(res, prerenderMemoryPage({ frameOrigin, path: `${framePath('token')}&notify=1`, tokenEndpoint }));
        case '/token': {
          if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only', { allow: 'POST' });
          const entry = { receivedAt: Date.now(), servedAt: undefined };
          (tokenLog.get(run) ?? tokenLog.set(run, []).get(run)).push(entry);
          await readBody(req);
          if (lat > 0) await sleep(lat);
          const body = JSON.stringify({
            accessToken: `bench-access-${run}-${entry.receivedAt}`,
            refreshToken: `bench-refresh-${run}`,
            expiresIn: 3600,
          });
          entry.servedAt = Date.now();
          return send(res, 200, 'application/json; charset=utf-8', body);
        }
        case '/favicon.ico':
          res.writeHead(204).end();
          return;
        default:
          return send(res, 404, 'text/plain', 'not found');
      }
    } catch (error) {
      if (!res.headersSent) send(res, 500, 'text/plain', String(error));
      else res.destroy();
    }
  });

  frameServer.on('request', async (req, res) => {
    try {
      const url = new URL(req.url, frameOrigin);
      const run = url.searchParams.get('run') ?? 'anon';
      if (url.pathname === '/frame') return html(res, frameHtml);
      if (url.pathname === '/report' && req.method === 'POST') {
        const data = JSON.parse(await readBody(req));
        send(res, 204, 'text/plain', '');
        if ('extra' in data) return void extras.set(run, data.extra);
        if (reports.has(run)) return;
        reports.set(run, data);
        waiters.get(run)?.(data);
        return;
      }
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
      return send(res, 404, 'text/plain', 'not found');
    } catch (error) {
      if (!res.headersSent) send(res, 500, 'text/plain', String(error));
      else res.destroy();
    }
  });

  return {
    hostOrigin,
    frameOrigin,
    /** Resolves with the frame's report of `run`, or rejects after `timeout` ms. */
    waitReport(run, timeout) {
      if (reports.has(run)) return Promise.resolve(reports.get(run));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(run);
          reject(new Error(`run ${run}: no report from the frame within ${timeout} ms`));
        }, timeout);
        waiters.set(run, (data) => {
          clearTimeout(timer);
          waiters.delete(run);
          resolve(data);
        });
      });
    },
    /** The token endpoint's requests of `run`. */
    tokenRequests: (run) => tokenLog.get(run) ?? [],
    /** How many answers beyond the first the frame of `run` received (should be 0). */
    extraAnswers: (run) => extras.get(run) ?? 0,
    async close() {
      await Promise.all([close(hostServer), close(frameServer)]);
    },
  };
}
