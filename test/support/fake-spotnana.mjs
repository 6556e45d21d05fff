// Fakes for the element's browser tests, served over real HTTP by the test runner (Koa
// middleware) and by a second server on another port (a third origin):
//   /fake-frame/...   a stand-in for Spotnana's embed app that follows the protocol and
//                     reports every message it receives to /__report (its own origin)
//   /__reports?id=    what frame `id` received, for the test page (same server)
//   /token?key=&s=    a token endpoint whose answers follow the script `s`, attempt by attempt
//                     (&cors=1: CORS-open to the caller's origin, credentials included)
//   /__token-log?key= the requests it got
//   /__token-attempts?prefix=  how many requests each key that starts with `prefix` got
//   /__env            where the third, closing and control origins live
//   /__hostile-payloads.mjs  the hostile matrix's payloads (test/support/hostile-payloads.mjs)
//   /__csp/page?...   a page of its own under a strict CSP with Trusted Types (csp.test.ts)
//   /__csp-report?id= where that page's browser sends its CSP violation reports; /__csp-reports?id= reads them
//   /__closed-port    a loopback port where nothing listens
//   /__release?key=   lets the token endpoint's `gate` steps of that key answer (and a streamed page go on)
//   /__early/streamed?parts=&key=  a page streamed in parts, each after a release (early-frame.test.ts)
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

const reports = new Map(); // frame id -> [{ origin, data }]
const tokenLogs = new Map(); // key -> [{ method, accept, contentType, bodyLength, at }]
const cspReports = new Map(); // page id -> [report body]
const gates = new Map(); // token key -> { promise, resolve }: the `gate` step waits on it
const gateOf = (key) => {
  if (!gates.has(key)) {
    const gate = {};
    gate.promise = new Promise((r) => (gate.resolve = () => ((gate.released = true), r())));
    gates.set(key, gate);
  }
  return gates.get(key);
};
const push = (map, key, value) => (map.get(key) ?? map.set(key, []).get(key)).push(value);

// The fake embed app. Query: id (report key), ask=load|never|twice|burst:N, target=top,
// reject=1 (answer any token response with TOKEN_EXCHANGE_ERROR).
// Commands from the test page (its parent's origin): {cmd:'ask'}, {cmd:'post', data},
// {cmd:'navigate', url}, {cmd:'nest', src} (adds a nested frame), {cmd:'marker', marker},
// {cmd:'flood', count, bytes, marker}.
// Its reports reach /__report one after another, in the order the frame made them: once a
// report is in, so is every earlier one. {cmd:'marker', marker} reports {marked: marker} and
// then posts {__marker: marker} to its target (parent, or top with target=top): the first
// tells a test that every message the frame received before the command was reported (a
// window's messages to another arrive in order), the second that every message the frame
// posted before it has been dispatched at the target.
// Hostile matrix: hostile=KIND&marker=M in the query (on load), or {cmd:'hostile', kind, marker}:
// posts the payloads of KIND, built in this frame, to its target (parent, or top with
// target=top), then {__marker: M}.
const frameHtml = `<!doctype html><meta charset="utf-8"><title>fake Spotnana</title>
<body style="margin:0;font:14px sans-serif"><p id="status">fake Spotnana embed app</p>
<script>
const q = new URLSearchParams(location.search);
const id = q.get('id') || 'anon';
const ask = q.get('ask') || 'load';
const request = { type: 'TOKEN_EXCHANGE_REQUEST', from: 'spotnana-embed' };
// Chained: each report leaves once the one before has arrived (or failed).
let reported = Promise.resolve();
const report = (entry) => {
  const body = JSON.stringify(entry);
  const send = () => fetch('/__report?id=' + encodeURIComponent(id), { method: 'POST', body }).catch(() => {});
  return (reported = reported.then(send));
};
// target=top: a frame nested inside the embed frame that talks to the host page directly.
const target = q.get('target') === 'top' ? top : parent;
const askParent = () => target.postMessage(request, '*');
addEventListener('message', (e) => {
  const d = e.data;
  if (d && d.cmd === 'ask') return askParent();
  if (d && d.cmd === 'post') return parent.postMessage(d.data, '*');
  // A beacon outlives the navigation it reports: a test that waits in vain for the new
  // document can tell whether the command arrived.
  if (d && d.cmd === 'navigate') {
    navigator.sendBeacon('/__report?id=' + encodeURIComponent(id), JSON.stringify({ navigating: true }));
    return void (location.href = d.url);
  }
  if (d && d.cmd === 'hostile') return void hostile(d.kind, d.marker);
  // {cmd:'flood', count, bytes, marker}: posts \`count\` messages built here, each with a pad
  // of \`bytes\` characters and every second one shaped as a token request, then {__marker}.
  if (d && d.cmd === 'flood') {
    const pad = 'x'.repeat(d.bytes);
    for (let i = 0; i < d.count; i++) target.postMessage(i % 2 ? { type: 'TOKEN_EXCHANGE_REQUEST', pad } : { pad }, '*');
    return target.postMessage({ __marker: d.marker }, '*');
  }
  if (d && d.cmd === 'marker') {
    report({ marked: d.marker });
    return target.postMessage({ __marker: d.marker }, '*');
  }
  if (d && d.cmd === 'nest') {
    const f = document.createElement('iframe');
    f.src = d.src;
    return void document.body.append(f);
  }
  report({ origin: e.origin, fromParent: e.source === parent, data: d });
  if (d && d.type === 'TOKEN_EXCHANGE_RESPONSE') {
    document.getElementById('status').textContent = 'signed in';
    if (q.get('reject') === '1') {
      parent.postMessage({ from: 'spotnana-embed', type: 'TOKEN_EXCHANGE_ERROR', payload: { errorCode: 'INVALID_TOKEN', errorMessage: 'Token is not valid' } }, '*');
    }
  }
});
report({ loaded: true, href: location.href });
// Each step reported, so that a test that waits in vain for the marker can say how far it got.
function hostile(kind, marker) {
  import('/__hostile-payloads.mjs').then(
    (m) => {
      m.send(target, kind, marker);
      report({ hostile: 'sent', marker });
    },
    (error) => report({ hostile: 'payloads not loaded: ' + error, marker }),
  );
}
if (q.get('hostile')) hostile(q.get('hostile'), q.get('marker'));
if (ask === 'load') askParent();
if (ask === 'twice') { askParent(); askParent(); }
if (ask.startsWith('burst:')) for (let i = 0; i < +ask.slice(6); i++) askParent();
</script>`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tokens(key, n, extra = {}) {
  return { accessToken: `at-${key}-${n}`, refreshToken: `rt-${key}-${n}`, ...extra };
}

/** Answers attempt `n` (1-based) of the token endpoint by one step of the script. */
async function answerToken(step, key, n, req, res) {
  // cors=1: answers a credentialed cross-origin request too (the caller's origin, with credentials).
  const cors =
    new URL(req.url, 'http://x').searchParams.get('cors') && req.headers.origin
      ? {
          'access-control-allow-origin': req.headers.origin,
          'access-control-allow-credentials': 'true',
          vary: 'origin',
        }
      : {};
  const json = (status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...cors, ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const [kind, arg, arg2] = step.split(':');
  switch (kind) {
    case 'ok':
      return json(200, tokens(key, n, { expiresIn: 3600 }));
    case 'okx': // ok with a given expiresIn (seconds)
      return json(200, tokens(key, n, { expiresIn: +arg }));
    case 'okne': // ok without expiresIn
      return json(200, tokens(key, n));
    case 'snake':
      return json(200, {
        access_token: `at-${key}-${n}`,
        refresh_token: `rt-${key}-${n}`,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'openid',
      });
    case 'body': // body:STATUS:TEXT (the rest of the step, colons included), as JSON (it need not be valid JSON)
      return json(+arg, step.split(':').slice(2).join(':'));
    case 'bigerror': // bigerror:STATUS: a JSON error answer of 70 KiB whose `error` is a good code
      return json(+arg, { error: 'exchange_rejected', pad: 'x'.repeat(70 * 1024) });
    case 'ra': // ra:SECONDS_OR_DATE:STATUS
      return json(+arg2 || 503, { error: 'busy' }, { 'retry-after': decodeURIComponent(arg) });
    case 'badjson':
      return json(200, '{"accessToken": ');
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<!doctype html><title>Sign in</title>');
    case 'empty':
      res.writeHead(200);
      return res.end();
    case 'missing':
      return json(200, { accessToken: `at-${key}-${n}` });
    case 'wrongtype':
      return json(200, { accessToken: 42, refreshToken: true });
    case 'emptystr':
      return json(200, { accessToken: '', refreshToken: '' });
    case 'array':
      return json(200, [tokens(key, n)]);
    case 'badexpiry':
      return json(200, tokens(key, n, { expiresIn: 'soon' }));
    case 'redirect':
      res.writeHead(302, { location: `http://${req.headers.host}/login` });
      return res.end();
    case 'big': // valid JSON over 64 KiB, with Content-Length
      return json(200, tokens(key, n, { pad: 'x'.repeat(70 * 1024) }));
    case 'bigchunked': {
      // the same without Content-Length: only reading it reveals the size
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      const body = JSON.stringify(tokens(key, n, { pad: 'x'.repeat(70 * 1024) }));
      for (let i = 0; i < body.length; i += 8192) res.write(body.slice(i, i + 8192));
      return res.end();
    }
    case 'biglen': {
      // valid JSON over 64 KiB with an explicit Content-Length (Node would otherwise chunk it)
      const body = JSON.stringify(tokens(key, n, { pad: 'x'.repeat(70 * 1024) }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      return res.end(body);
    }
    case 'midlen': {
      // a valid answer of about 40 KiB, under the cap, with a correct Content-Length
      const body = JSON.stringify(tokens(key, n, { expiresIn: 3600, pad: 'x'.repeat(40 * 1024) }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      return res.end(body);
    }
    case 'hugenan': {
      // a valid 4 MiB answer whose Content-Length is not a number: the body ends when the
      // connection closes, and only counting the bytes read finds it over the cap
      const body = JSON.stringify(tokens(key, n, { expiresIn: 3600, pad: 'x'.repeat(4 * 1024 * 1024) }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 'many', connection: 'close' });
      return res.end(body);
    }
    case 'bighead':
      // Content-Length over 64 KiB, the body's first bytes (some browsers hand the answer over
      // only once body bytes arrive) and then no more: only a client that refuses the answer
      // by its header alone gets past it before its timeout
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 * 1024 });
      res.write('{"pad":"');
      return new Promise((resolve) => res.on('close', resolve));
    case 'gated': // gated:STATUS: STATUS until /__release?key=KEY, then ok
      if (gateOf(key).released) return json(200, tokens(key, n, { expiresIn: 3600 }));
      return json(+arg, { error: 'scripted' });
    case 'cut': {
      // headers, part of the body, then the connection is cut: a network error mid-answer
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 200 });
      res.write('{"accessToken":"at-');
      await sleep(30);
      return res.destroy();
    }
    case 'redirectx':
      // a redirect to another origin (the third one), where a token endpoint would answer
      res.writeHead(302, {
        location: `http://127.0.0.1:${third.address().port}/token?key=${encodeURIComponent(key)}-followed`,
      });
      return res.end();
    case 'gate': {
      // waits until the test page calls /__release?key=KEY, then answers ok
      await gateOf(key).promise;
      return json(200, tokens(key, n, { expiresIn: 3600 }));
    }
    case 'hang':
      return new Promise((resolve) => req.on('close', resolve));
    case 'slow': // slow:MS, then ok
      await sleep(+arg);
      return json(200, tokens(key, n, { expiresIn: 3600 }));
    case 'trickle': {
      // headers at once, then the body a byte at a time, every ARG ms
      res.writeHead(200, { 'content-type': 'application/json' });
      const body = JSON.stringify(tokens(key, n));
      for (const ch of body) {
        if (res.destroyed) return;
        res.write(ch);
        await sleep(+arg || 100);
      }
      return res.end();
    }
    default:
      if (/^\d{3}$/.test(kind)) return json(+kind, { error: 'scripted' });
      return json(500, { error: `unknown step ${step}` });
  }
}

/** Node-style handler shared by the runner's middleware and the third-origin server. */
export async function handle(req, res) {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const q = url.searchParams;
  if (url.pathname.startsWith('/fake-frame')) {
    push(reports, q.get('id') ?? 'anon', { host: req.headers.host, request: { referer: req.headers.referer ?? null } });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(frameHtml);
    return true;
  }
  if (url.pathname === '/__report' && req.method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    push(reports, q.get('id'), { host: req.headers.host, ...JSON.parse(body) });
    res.writeHead(204, { 'access-control-allow-origin': '*' });
    res.end();
    return true;
  }
  if (url.pathname === '/__reports') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(reports.get(q.get('id')) ?? []));
    return true;
  }
  if (url.pathname === '/token') {
    const key = q.get('key') ?? 'anon';
    const log = tokenLogs.get(key) ?? [];
    const script = (q.get('s') ?? 'ok').split(',');
    // Logged as it arrives (its body length once read): a request the log does not hold has
    // not reached the server.
    const entry = {
      method: req.method,
      accept: req.headers.accept,
      contentType: req.headers['content-type'] ?? null,
      cookie: req.headers.cookie ?? null,
      bodyLength: 0,
      at: Date.now(),
      aborted: false,
      closed: false,
    };
    log.push(entry);
    tokenLogs.set(key, log);
    const n = log.length;
    // closed: the exchange is over (answered, or given up); aborted: the client gave up
    // (abort, timeout) before the answer was complete.
    res.on('close', () => {
      entry.aborted = !res.writableFinished;
      entry.closed = true;
    });
    for await (const chunk of req) entry.bodyLength += chunk.length;
    await answerToken(script[Math.min(n, script.length) - 1], key, n, req, res);
    return true;
  }
  if (url.pathname === '/__token-log') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(tokenLogs.get(q.get('key')) ?? []));
    return true;
  }
  if (url.pathname === '/__token-attempts') {
    const prefix = q.get('prefix') ?? '';
    const attempts = [...tokenLogs].filter(([key]) => key.startsWith(prefix)).map(([key, log]) => [key, log.length]);
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(Object.fromEntries(attempts)));
    return true;
  }
  if (url.pathname === '/__hostile-payloads.mjs') {
    // Loaded by frames of every origin, sandboxed ones (origin "null") included: CORS-open.
    const body = await readFile(new URL('./hostile-payloads.mjs', import.meta.url));
    res.writeHead(200, {
      'content-type': 'text/javascript',
      'access-control-allow-origin': '*',
      'cache-control': 'no-store',
    });
    res.end(body);
    return true;
  }
  if (url.pathname === '/__csp/page') {
    // Its own document under the strict policy of the issue: no inline script, no eval, frames
    // only from the embed origin, fetches only to itself, Trusted Types for every script sink.
    const port = req.headers.host.split(':')[1];
    const embedOrigin = `http://127.0.0.1:${port}`;
    const id = encodeURIComponent(q.get('id') ?? 'csp');
    // frame-src=VALUE replaces the frame-src directive; endpoint=URL is the token endpoint
    // (default: this server's, 'self'); report-only=1 sends the policy as report-only.
    const policy = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      `frame-src ${q.get('frame-src') ?? embedOrigin}`,
      "connect-src 'self'",
      "require-trusted-types-for 'script'",
      `trusted-types ${q.get('tt') ?? 'lit-html'}`,
      `report-uri /__csp-report?id=${id}`,
    ].join('; ');
    const header = q.get('report-only') ? 'content-security-policy-report-only' : 'content-security-policy';
    const endpoint = q.get('endpoint') ?? `/token?key=${encodeURIComponent(q.get('key') ?? 'csp')}`;
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      [header]: policy,
    });
    res.end(`<!doctype html><meta charset="utf-8"><title>strict CSP</title>
<script src="/__csp/page.js"></script>
${q.get('inline') ? '<script>window.inlineRan = true;</script>' : ''}
<script type="module" src="/__cdn/spotnana-embed.min.js"></script>
<spotnana-embed embed-url="${embedOrigin}/fake-frame" path="/?id=${id}" token-endpoint="${endpoint.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></spotnana-embed>`);
    return true;
  }
  if (url.pathname === '/__csp/page.js') {
    // The page's only classic script ('self'): records violations and the element's events
    // before anything else runs; with probe=1 it also tries a Trusted Types sink once loaded.
    res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
    res.end(`window.violations = [];
window.embedEvents = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push({ directive: e.effectiveDirective, blockedURI: e.blockedURI, sample: e.sample }));
for (const type of ['spotnana-load', 'spotnana-token-request', 'spotnana-token-sent', 'spotnana-error']) {
  document.addEventListener(type, (e) => embedEvents.push({ type, detail: e.detail }));
}
if (new URLSearchParams(location.search).get('probe')) {
  addEventListener('load', () => {
    try {
      document.createElement('div').innerHTML = '<b>not trusted</b>';
      window.ttEnforced = false;
    } catch {
      window.ttEnforced = true;
    }
  });
}
`);
    return true;
  }
  if (url.pathname === '/__csp-report' && req.method === 'POST') {
    let body = '';
    for await (const chunk of req) body += chunk;
    push(cspReports, q.get('id'), body);
    res.writeHead(204).end();
    return true;
  }
  if (url.pathname === '/__csp-reports') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(cspReports.get(q.get('id')) ?? []));
    return true;
  }
  if (url.pathname === '/__early/streamed') {
    // A page streamed in parts (JSON array `parts`): part n+1 is sent once the test page
    // calls /__release?key=KEY-n, as a server streaming HTML in chunks would send it later.
    const parts = JSON.parse(q.get('parts') ?? '[]');
    const key = q.get('key') ?? 'streamed';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    for (const [n, part] of parts.entries()) {
      if (n > 0) await gateOf(`${key}-${n}`).promise;
      if (res.destroyed) return true;
      res.write(part);
    }
    res.end();
    return true;
  }
  if (url.pathname === '/__release') {
    gateOf(q.get('key')).resolve();
    res.writeHead(204).end();
    return true;
  }
  if (url.pathname === '/__closed-port') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ port: closedPort }));
    return true;
  }
  if (url.pathname === '/__env') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        thirdOrigin: `http://127.0.0.1:${third.address().port}`,
        closingOrigin: `http://127.0.0.1:${closing.address().port}`,
        controlOrigin: `http://127.0.0.1:${control.address().port}`,
      }),
    );
    return true;
  }
  if (url.pathname.startsWith('/__cdn/')) {
    // The built CDN file, byte for byte (the runner's own server would rewrite imports).
    try {
      const body = await readFile(
        new URL(`../../dist/${url.pathname.slice(7).replace(/[^\w.-]/g, '')}`, import.meta.url),
      );
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
    return true;
  }
  if (url.pathname === '/__plain-page') {
    // A plain page: the CDN file by <script type="module" src>, no import map, no bundler.
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><meta charset="utf-8"><title>plain</title>
<script type="module" src="/__cdn/spotnana-embed.min.js"></script>
<spotnana-embed embed-url="http://127.0.0.1:${req.headers.host.split(':')[1]}/fake-frame" path="/?id=${encodeURIComponent(q.get('id'))}" token-endpoint="/token?key=${encodeURIComponent(q.get('key'))}"></spotnana-embed>`);
    return true;
  }
  if (url.pathname === '/login' || url.pathname === '/plain') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>plain</title><p>plain page</p>');
    return true;
  }
  return false;
}

/** The runner's middleware (Koa style): hands the raw request to `handle`. */
export async function fakeSpotnana(ctx, next) {
  const { pathname } = new URL(ctx.url, 'http://x');
  if (
    !/^\/(fake-frame|__(reports?|token-log|env|plain-page)$|__cdn\/|token$|login$|plain$|__hostile-payloads\.mjs$|__csp\/|__csp-reports?$|__closed-port$|__release$|__early\/)/.test(
      pathname,
    )
  )
    return next();
  ctx.respond = false;
  await handle(ctx.req, ctx.res);
}

// A third origin (the runner serves localhost and 127.0.0.1 on one port): same fakes,
// another port, loopback only.
const third = createServer((req, res) => {
  handle(req, res).then((done) => {
    if (!done) res.writeHead(404).end();
  });
});
third.listen(0, '127.0.0.1');
third.unref();

// The same fakes on an origin of their own whose every answer closes its connection (and is
// CORS-open), so that no connection to it is ever reused. Chromium resends, on its own, a
// request that got a 408 on a reused or idle keep-alive connection: the server would then
// see attempts the client never made. The 408 cases use this origin, and the fault matrix's
// cases that hold their connection to the end (a hang, a trickle), away from the page's own.
const closing = createServer((req, res) => {
  res.setHeader('connection', 'close');
  res.setHeader('access-control-allow-origin', '*');
  handle(req, res).then((done) => {
    if (!done) res.writeHead(404).end();
  });
});
closing.listen(0, '127.0.0.1');
closing.unref();

// The test pages' questions (what a frame received, what a token endpoint was asked) on an
// origin of their own, CORS-open. A browser opens at most 6 connections to one origin: asked
// on the page's origin, these polls would queue the element's own token requests behind them
// (and a short token-timeout would then run out on a loaded machine).
const CONTROL_PATHS = new Set(['/__reports', '/__token-log', '/__token-attempts', '/__csp-reports', '/__release']);
const control = createServer((req, res) => {
  res.setHeader('access-control-allow-origin', '*');
  if (!CONTROL_PATHS.has(new URL(req.url, 'http://x').pathname)) return void res.writeHead(404).end();
  handle(req, res);
});
control.listen(0, '127.0.0.1');
control.unref();

// A loopback port where nothing listens (a token endpoint that cannot be reached).
let closedPort = 0;
const probe = createServer();
probe.listen(0, '127.0.0.1', () => {
  closedPort = probe.address().port;
  probe.close();
});
