// The demo host app: a plausible partner web app ("Acme") with a signed-in session, the two
// backend routes of spotnana-embed/server, and <spotnana-embed> in its page, talking to a
// Spotnana emulator started in-process (or to the real sandbox, see demo/server.mjs).
//
//   GET  /, /expenses           the app page on its Travel or Expenses route (opens signed in
//                               as the first demo user); demo.js switches routes in the page
//   POST /api/spotnana-token    steps 1-5: createTokenHandler (the element calls it)
//   GET  /api/user-detail       step 3: createUserDetailHandler (Spotnana calls it)
//   GET  /api/me                the signed-in user, for the page's header
//   POST /session/sign-in|switch|sign-out
//   GET  /spotnana-embed.min.js the element's CDN build, from dist/
//   GET  /demo.css, /demo.js    the page's own assets (no inline script or style: strict CSP)
//
// Every route is a Web fetch handler (Request -> Response); Node's http server runs them
// through @hono/node-server's getRequestListener. Tokens and secrets are never logged.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { startEmulator } from 'spotnana-embed/emulator';
import { createTokenHandler, createUserDetailHandler, ENVIRONMENTS, TokenExchangeError } from 'spotnana-embed/server';

export const DEMO_USERS = Object.freeze([
  Object.freeze({ id: 'alice', name: 'Alice Chen', email: 'alice@example.com', team: 'Finance · San Francisco' }),
  Object.freeze({ id: 'bob', name: 'Bob Okafor', email: 'bob@example.com', team: 'Sales · London' }),
]);

const DEMO_CLIENT = { clientId: 'demo-client', clientSecret: 'demo-secret', orgId: 'demo-org' };
const SESSION_COOKIE = 'acme_session';
const SIGNED_OUT_COOKIE = 'acme_signed_out';

const distFile = (name) => new URL(`../dist/${name}`, import.meta.url);
const publicFile = (name) => new URL(`./public/${name}`, import.meta.url);

/**
 * Starts the demo: the host app on `host:port` and, unless `spotnana` names a real
 * environment, the emulator on `emulatorPort` (4000 by default; a free port if that one
 * is taken), allowed to talk to the host app's origin.
 *
 * @param {{
 *   port?: number, host?: string, emulatorPort?: number,
 *   users?: ReadonlyArray<{ id: string, name: string, email: string, team?: string }>,
 *   spotnana?: { env: 'sandbox' | 'production', clientId: string, clientSecret: string, orgId: string, userDetailUrl?: string },
 *   log?: (line: string) => void,
 * }} [options]
 * @returns {Promise<{ url: string, port: number, embedUrl: string, emulatorUrl?: string, close(): Promise<void> }>}
 */
export async function startDemo(options = {}) {
  const log = options.log ?? (() => {});
  const say = (line) => log(`[demo]     ${line}`);
  const users = options.users ?? DEMO_USERS;
  const real = options.spotnana;

  /** @type {Map<string, { user: typeof users[number], hostToken: string }>} session id -> session */
  const sessions = new Map();
  /** @type {Map<string, string>} host access token (the subject token) -> session id */
  const sessionByHostToken = new Map();

  const signIn = (user) => {
    const id = randomBytes(18).toString('base64url');
    // The user's access token in the host system: what Spotnana receives as subject_token
    // and sends back to /api/user-detail. A fresh one per sign-in, revoked at sign-out.
    const hostToken = randomBytes(32).toString('base64url');
    sessions.set(id, { user, hostToken });
    sessionByHostToken.set(hostToken, id);
    return id;
  };
  const signOut = (id) => {
    const session = sessions.get(id);
    if (!session) return;
    sessionByHostToken.delete(session.hostToken);
    sessions.delete(id);
  };
  const sessionOf = (request) => {
    const id = cookies(request)[SESSION_COOKIE];
    const session = id ? sessions.get(id) : undefined;
    return session ? { id, ...session } : undefined;
  };

  // The host app listens first: the emulator must be told its origin.
  const server = createServer();
  await listen(server, options.port ?? 3000, options.host ?? '127.0.0.1');
  const port = server.address().port;
  const url = `http://localhost:${port}`;
  const origins = [url, `http://127.0.0.1:${port}`];

  let emulator;
  let apiUrl;
  let embedUrl;
  let env = 'sandbox';
  let client = DEMO_CLIENT;
  try {
    if (real) {
      env = real.env;
      apiUrl = undefined;
      embedUrl = ENVIRONMENTS[real.env].embedBase;
      client = real;
      say(`Spotnana ${real.env}: ${embedUrl} (org ${real.orgId})`);
      say(
        real.userDetailUrl
          ? `Spotnana calls the user-detail route at ${real.userDetailUrl} (registered with Spotnana)`
          : 'warning: SPOTNANA_USER_DETAIL_URL is not set; Spotnana must reach /api/user-detail at a public address',
      );
    } else {
      const emulatorOptions = {
        host: '127.0.0.1',
        clientId: DEMO_CLIENT.clientId,
        clientSecret: DEMO_CLIENT.clientSecret,
        allowedOrigins: origins,
        users: users.map((user) => user.email),
        userDetailUrl: `http://127.0.0.1:${port}/api/user-detail`,
        log: (line) => log(`[emulator] ${line}`),
      };
      const wanted = options.emulatorPort ?? 4000;
      try {
        emulator = await startEmulator({ ...emulatorOptions, port: wanted });
      } catch (error) {
        if (error?.code !== 'EADDRINUSE' || wanted === 0) throw error;
        say(`port ${wanted} is taken: the emulator takes a free port instead`);
        emulator = await startEmulator({ ...emulatorOptions, port: 0 });
      }
      apiUrl = emulator.url;
      embedUrl = emulator.url;
      say(`Spotnana emulator on ${emulator.url} (token API and embed app)`);
    }
  } catch (error) {
    server.close();
    throw error;
  }
  const embedOrigin = new URL(embedUrl).origin;

  // Steps 2 and 4, as the host backend sees them: the handler's own fetch, wrapped to log.
  const loggingFetch = async (input, init) => {
    say(`2  POST ${String(input)} (token exchange; the secret and the subject token are not shown)`);
    const response = await fetch(input, init);
    say(`4  Spotnana answered ${response.status}`);
    return response;
  };

  const tokenHandler = createTokenHandler({
    env,
    apiUrl,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    allowedOrigins: origins,
    fetch: loggingFetch,
    getSubjectToken: (request) => sessionOf(request)?.hostToken,
    onError: (error, request) => {
      const what =
        error instanceof TokenExchangeError
          ? `${error.code}${error.status ? ` (HTTP ${error.status})` : ''}: ${error.message}`
          : String(error?.message ?? error);
      say(`   token endpoint failure for ${sessionOf(request)?.user.email ?? 'no session'}: ${what}`);
    },
  });

  const userDetailHandler = createUserDetailHandler({
    getEmail: (token) => {
      const id = sessionByHostToken.get(token);
      return id ? sessions.get(id)?.user.email : undefined;
    },
  });

  const pageCsp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `frame-src ${embedOrigin}`,
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

  /** @param {Request} request */
  async function handle(request) {
    const { pathname } = new URL(request.url);
    const method = request.method;

    if (pathname === '/api/spotnana-token') {
      const session = sessionOf(request);
      say(`1  ${method} /api/spotnana-token from the page (${session ? session.user.email : 'no session'})`);
      const response = await tokenHandler(request);
      say(`5  ${response.status} ${response.ok ? 'tokens returned to the page' : await response.clone().text()}`);
      return response;
    }
    if (pathname === '/api/user-detail') {
      const response = await userDetailHandler(request);
      const body = response.ok
        ? (await response.clone().json()).user.email
        : `${(await response.clone().json()).error}`;
      say(`3  GET /api/user-detail (called by Spotnana) → ${response.status} ${body}`);
      return response;
    }
    if (pathname === '/api/me' && method === 'GET') {
      const session = sessionOf(request);
      return session ? json(200, { user: publicUser(session.user) }) : json(401, { error: 'unauthenticated' });
    }
    if (pathname.startsWith('/session/')) return handleSession(request, pathname);

    if (method !== 'GET' && method !== 'HEAD')
      return new Response('Method not allowed', { status: 405, headers: { allow: 'GET' } });
    if (pathname === '/' || pathname === '/expenses') return page(request, pathname === '/' ? 'travel' : 'expenses');
    if (pathname === '/spotnana-embed.min.js' || pathname === '/spotnana-embed.min.js.map') {
      return file(
        distFile(pathname.slice(1)),
        pathname.endsWith('.map') ? 'application/json' : 'text/javascript',
        'Run `npm run build` first: dist/spotnana-embed.min.js is missing.',
      );
    }
    if (pathname.startsWith('/frameworks/')) {
      const pageHeaders = new Headers();
      const response = await frameworkRoute(pathname, {
        embedUrl: real ? '' : embedUrl,
        embedOrigin,
        env,
        orgId: client.orgId,
      });
      // A framework page opened directly signs its first visitor in, like the index page.
      if (response.headers.get('content-type')?.startsWith('text/html')) visitorSession(request, pageHeaders);
      for (const cookie of pageHeaders.getSetCookie()) response.headers.append('set-cookie', cookie);
      return response;
    }
    if (pathname === '/demo.css') return file(publicFile('demo.css'), 'text/css');
    if (pathname === '/demo.js') return file(publicFile('demo.js'), 'text/javascript');
    if (pathname === '/favicon.svg' || pathname === '/favicon.ico')
      return file(publicFile('favicon.svg'), 'image/svg+xml');
    return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }

  /** Sign-in, switch and sign-out: form posts (303 back to /) or fetch calls (JSON). */
  async function handleSession(request, pathname) {
    if (request.method !== 'POST')
      return new Response('Method not allowed', { status: 405, headers: { allow: 'POST' } });
    // Like the token endpoint: only this app's own pages may change its session.
    const origin = request.headers.get('origin');
    if (
      origin !== null
        ? !origins.includes(origin)
        : !['same-origin', 'none', null].includes(request.headers.get('sec-fetch-site'))
    ) {
      return json(403, { error: 'forbidden_origin' });
    }
    const current = sessionOf(request);
    const form = new URLSearchParams(await request.text());
    let next;
    if (pathname === '/session/sign-in') {
      next = users.find((user) => user.id === form.get('user')) ?? users[0];
    } else if (pathname === '/session/switch') {
      const index = current ? users.indexOf(current.user) : -1;
      next = users.find((user) => user.id === form.get('user')) ?? users[(index + 1) % users.length];
    } else if (pathname !== '/session/sign-out') {
      return json(404, { error: 'not_found' });
    }
    if (current) signOut(current.id);
    const headers = new Headers({ 'cache-control': 'no-store' });
    if (next) {
      headers.append('set-cookie', sessionCookie(signIn(next)));
      headers.append('set-cookie', `${SIGNED_OUT_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
      say(`   ${next.email} signed in${current ? ` (was ${current.user.email})` : ''}`);
    } else {
      headers.append('set-cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
      headers.append('set-cookie', `${SIGNED_OUT_COOKIE}=1; Path=/; HttpOnly; SameSite=Lax`);
      say(`   ${current ? current.user.email : 'nobody'} signed out (their host token is revoked)`);
    }
    if ((request.headers.get('accept') ?? '').includes('application/json')) {
      headers.set('content-type', 'application/json; charset=utf-8');
      const switchTo = next ? users[(users.indexOf(next) + 1) % users.length] : undefined;
      const body = {
        user: next ? publicUser(next) : null,
        switchTo: switchTo && switchTo !== next ? switchTo.name.split(' ')[0] : null,
      };
      return new Response(JSON.stringify(body), { status: 200, headers });
    }
    headers.set('location', '/');
    return new Response(null, { status: 303, headers });
  }

  /**
   * The signed-in session, or a new one for a first visit: the demo opens signed in, as a
   * partner app would after its own login; only an explicit sign-out keeps it signed out.
   */
  function visitorSession(request, headers) {
    const session = sessionOf(request);
    if (session || cookies(request)[SIGNED_OUT_COOKIE] === '1') return session;
    const id = signIn(users[0]);
    headers.append('set-cookie', sessionCookie(id));
    say(`   ${users[0].email} signed in (new visitor)`);
    return { id, ...sessions.get(id) };
  }

  function page(request, route) {
    const headers = new Headers({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': pageCsp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
    });
    const session = visitorSession(request, headers);
    return new Response(
      renderPage({
        route,
        user: session?.user,
        users,
        embedUrl: real ? undefined : embedUrl,
        embedOrigin,
        env,
        orgId: client.orgId,
        emulator: !real,
      }),
      {
        status: 200,
        headers,
      },
    );
  }

  server.on('request', getRequestListener(handle, { overrideGlobalObjects: false }));

  return {
    url,
    port,
    embedUrl,
    emulatorUrl: emulator?.url,
    async close() {
      await Promise.all([
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        emulator?.close(),
      ]);
    },
  };
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function cookies(request) {
  const out = {};
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0) out[part.slice(0, index).trim()] = part.slice(index + 1).trim();
  }
  return out;
}

const sessionCookie = (id) => `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`;

const publicUser = (user) => ({ id: user.id, name: user.name, email: user.email, team: user.team ?? '' });

function json(status, body) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

async function file(url, type, missing = 'Not found') {
  try {
    const body = await readFile(url);
    return new Response(body, {
      status: 200,
      headers: { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-cache' },
    });
  } catch {
    return new Response(missing, { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
}

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const initials = (name) =>
  name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();

/** The routes of the page: demo.js switches between them without a page load. */
const ROUTES = { travel: { path: '/', title: 'Travel' }, expenses: { path: '/expenses', title: 'Expenses' } };

/** The Expenses route's made-up expenses, the same for every demo user. */
const EXPENSES = [
  {
    date: 'Mar 3',
    merchant: 'Delta Air Lines',
    note: 'SFO → JFK · economy',
    category: 'Flights',
    amount: 486.2,
    status: 'reimbursed',
  },
  {
    date: 'Mar 3',
    merchant: 'The Standard, High Line',
    note: '2 nights · New York',
    category: 'Hotels',
    amount: 712,
    status: 'reimbursed',
  },
  {
    date: 'Mar 4',
    merchant: 'Uber',
    note: 'JFK → Midtown',
    category: 'Ground transport',
    amount: 68.45,
    status: 'approved',
  },
  {
    date: 'Mar 5',
    merchant: 'Via Carota',
    note: 'Client dinner · 4 guests',
    category: 'Meals',
    amount: 214.8,
    status: 'pending',
  },
  { date: 'Mar 11', merchant: 'WeWork', note: 'Day pass · Boston', category: 'Office', amount: 45, status: 'pending' },
  {
    date: 'Mar 12',
    merchant: 'Amtrak',
    note: 'Boston → New York · Acela',
    category: 'Rail',
    amount: 129,
    status: 'receipt',
  },
];
const EXPENSE_STATUS = {
  reimbursed: 'Reimbursed',
  approved: 'Approved',
  pending: 'Awaiting approval',
  receipt: 'Receipt missing',
};
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

function renderExpenses() {
  const total = (list) => usd.format(list.reduce((sum, expense) => sum + expense.amount, 0));
  const count = (list) => `${list.length} ${list.length === 1 ? 'expense' : 'expenses'}`;
  const waiting = EXPENSES.filter((expense) => expense.status === 'pending' || expense.status === 'receipt');
  const paid = EXPENSES.filter((expense) => expense.status === 'reimbursed');
  const stats = [
    ['Spent in March', total(EXPENSES), count(EXPENSES)],
    ['Awaiting approval', total(waiting), `${count(waiting)}, one without a receipt`],
    ['Reimbursed', total(paid), 'paid on Mar 10'],
  ];
  const rows = EXPENSES.map(
    (expense) => `<tr>
            <td class="date">${escapeHtml(expense.date)}</td>
            <td><span class="merchant">${escapeHtml(expense.merchant)}</span><small>${escapeHtml(expense.note)}</small></td>
            <td class="category">${escapeHtml(expense.category)}</td>
            <td class="num">${usd.format(expense.amount)}</td>
            <td><span class="status status-${expense.status}">${EXPENSE_STATUS[expense.status]}</span></td>
          </tr>`,
  ).join('\n          ');
  return `<header class="page-head">
        <div>
          <h1 tabindex="-1">Expenses</h1>
          <p class="muted">Your March expenses, and where each one stands.</p>
        </div>
        <a class="btn btn-primary" href="/" data-route="travel">Book a trip</a>
      </header>
      <ul class="stats" aria-label="March in numbers">
        ${stats
          .map(
            ([label, value, note]) =>
              `<li class="stat"><span class="stat-label">${label}</span><strong>${value}</strong><span class="stat-note">${note}</span></li>`,
          )
          .join('\n        ')}
      </ul>
      <section class="card expenses-card" aria-labelledby="recent-expenses">
        <h2 id="recent-expenses">Recent expenses</h2>
        <table class="expenses-table">
          <thead>
            <tr><th scope="col">Date</th><th scope="col">Merchant</th><th scope="col" class="category">Category</th><th scope="col" class="num">Amount</th><th scope="col">Status</th></tr>
          </thead>
          <tbody>
          ${rows}
          </tbody>
        </table>
      </section>`;
}

function renderPage({ route, user, users, embedUrl, embedOrigin, env, orgId, emulator }) {
  const others = user ? users.filter((other) => other !== user) : [];
  const signInButtons = users
    .map(
      (other) => `<form method="post" action="/session/sign-in" data-session-form>
          <input type="hidden" name="user" value="${escapeHtml(other.id)}">
          <button class="btn btn-primary" type="submit">Sign in as ${escapeHtml(other.name)}</button>
        </form>`,
    )
    .join('\n        ');
  const embedAttributes = [
    'token-endpoint="/api/spotnana-token"',
    `env="${escapeHtml(env)}"`,
    `org-id="${escapeHtml(orgId)}"`,
    embedUrl ? `embed-url="${escapeHtml(embedUrl)}"` : '',
    'frame-title="Spotnana travel"',
  ]
    .filter(Boolean)
    .join(' ');
  // The same options, for the elements demo.js creates and for SpotnanaEmbed.prerender().
  const embedData = embedAttributes.replace(/(^| )(?=[a-z-]+=)/g, '$1data-');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${ROUTES[route].title} · Acme Workplace</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/demo.css">
<script type="module" src="/spotnana-embed.min.js"></script>
<script type="module" src="/demo.js"></script>
</head>
<body>
<header class="appbar">
  <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">A</span><span>Acme Workplace</span></a>
  <nav class="appnav" aria-label="Acme">
    <a href="/">Home</a>${Object.entries(ROUTES)
      .reverse()
      .map(
        ([name, { path, title }]) =>
          `<a href="${path}" data-route="${name}"${name === route ? ' aria-current="page"' : ''}>${title}</a>`,
      )
      .join('')}<a href="/">People</a>
  </nav>
  <div class="grow"></div>
  <div class="account" data-account ${user ? '' : 'hidden'}>
    <span class="avatar" data-user-initials aria-hidden="true">${user ? escapeHtml(initials(user.name)) : ''}</span>
    <span class="who"><strong data-user-name>${user ? escapeHtml(user.name) : ''}</strong><small data-user-email>${user ? escapeHtml(user.email) : ''}</small></span>
    <form method="post" action="/session/switch" data-session-form>
      <button class="btn btn-ghost" type="submit" data-switch>${others[0] ? `Switch to ${escapeHtml(others[0].name.split(' ')[0])}` : 'Switch user'}</button>
    </form>
    <form method="post" action="/session/sign-out" data-session-form>
      <button class="btn btn-ghost" type="submit" data-sign-out>Sign out</button>
    </form>
  </div>
</header>

<div class="layout">
  <main class="stage" data-stage ${embedData}>
    <h1 class="visually-hidden" tabindex="-1" data-page-title ${user && route === 'expenses' ? 'hidden' : ''}>${ROUTES[route].title}</h1>
    <div class="view view-travel" data-view="travel" ${user && route === 'travel' ? '' : 'hidden'}>
      ${user && route === 'travel' ? `<spotnana-embed ${embedAttributes}></spotnana-embed>` : ''}
    </div>
    <div class="view view-expenses" data-view="expenses" ${user && route === 'expenses' ? '' : 'hidden'}>
      ${renderExpenses()}
    </div>
    <section class="signed-out" data-signed-out ${user ? 'hidden' : ''}>
      <div class="signed-out-card">
        <span class="brand-mark big" aria-hidden="true">A</span>
        <h2>You are signed out of Acme</h2>
        <p>Sign in as a demo user: the travel tab signs in to Spotnana by itself, with no second login.</p>
        ${signInButtons}
      </div>
    </section>
  </main>

  <aside class="panel" aria-label="How this page signs in">
    <section class="card">
      <h2>Spotnana events</h2>
      <p class="muted">Live <code>spotnana-*</code> events of the element. Tokens never appear here: the element keeps them in memory.</p>
      <ol class="events" data-events aria-live="polite" aria-label="Spotnana events" tabindex="0"></ol>
    </section>
    <section class="card">
      <h2>Try it</h2>
      <div class="actions">
        <button class="btn" type="button" data-reload>Reload the embed</button>
        <button class="btn" type="button" data-bad-token aria-pressed="false">Simulate a rejected token</button>
      </div>
      <p class="muted small">The same embed from other stacks: <a href="/frameworks/plain">plain HTML</a> · <a href="/frameworks/vue">Vue</a> · <a href="/frameworks/react">React</a> · <a href="/frameworks/angular">Angular</a>.</p>
      <p class="muted small">A reload asks for tokens again. A rejected token shows the path where Spotnana answers <code>TOKEN_EXCHANGE_ERROR</code>.</p>
    </section>
    <section class="card">
      <h2>Setup</h2>
      <dl class="facts">
        <dt>Spotnana</dt><dd>${emulator ? `local emulator <code>${escapeHtml(embedOrigin)}</code>` : `${escapeHtml(env)} <code>${escapeHtml(embedOrigin)}</code>`}</dd>
        <dt>Org</dt><dd><code>${escapeHtml(orgId)}</code></dd>
        <dt>Token endpoint</dt><dd><code>POST /api/spotnana-token</code></dd>
        <dt>User detail</dt><dd><code>GET /api/user-detail</code></dd>
      </dl>
    </section>
  </aside>
</div>
</body>
</html>
`;
}

// The framework pages (/frameworks/plain|vue|react|angular): the same embed rendered by each
// stack, against the same backend and Spotnana. Their scripts are bundled on request from
// node_modules by esbuild (a dev dependency: React ships CommonJS only, Angular and Vue are
// many modules), never fetched from a CDN. Vue's runtime template compiler and Angular's JIT
// compiler need 'unsafe-eval', so these pages have a CSP of their own.
const FRAMEWORKS = {
  plain: { title: 'Plain HTML', who: 'a plain page with the CDN file and no bundler' },
  vue: { title: 'Vue 3', who: 'Vue (isCustomElement, :org-id, @spotnana-error, v-if)' },
  react: { title: 'React 19', who: 'React (native custom elements, onspotnana-error)' },
  angular: { title: 'Angular', who: 'an Angular standalone component (CUSTOM_ELEMENTS_SCHEMA, zoneless)' },
};
const frameworkBundles = new Map();

async function frameworkRoute(pathname, { embedUrl, embedOrigin, env, orgId }) {
  const name = pathname.slice('/frameworks/'.length);
  if (['frameworks.css', 'events.js', 'plain.js'].includes(name)) {
    return file(publicFile(`frameworks/${name}`), name.endsWith('.css') ? 'text/css' : 'text/javascript');
  }
  const bundle = /^(vue|react|angular)\.bundle\.js$/.exec(name)?.[1];
  if (bundle) {
    if (!frameworkBundles.has(bundle)) {
      const esbuild = await import('esbuild');
      const built = esbuild.build({
        entryPoints: [fileURLToPath(publicFile(`frameworks/${bundle}.js`))],
        bundle: true,
        format: 'esm',
        target: 'es2022',
        minify: true,
        write: false,
        logLevel: 'silent',
        define: { 'process.env.NODE_ENV': '"production"' },
      });
      frameworkBundles.set(
        bundle,
        built.then((result) => result.outputFiles[0].text),
      );
      built.catch(() => frameworkBundles.delete(bundle));
    }
    const code = await frameworkBundles.get(bundle);
    return new Response(code, {
      status: 200,
      headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' },
    });
  }
  const page = FRAMEWORKS[name];
  if (!page)
    return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  const attributes = `token-endpoint="/api/spotnana-token" env="${escapeHtml(env)}" org-id="${escapeHtml(orgId)}"${embedUrl ? ` embed-url="${escapeHtml(embedUrl)}"` : ''} frame-title="Spotnana travel"`;
  const head =
    name === 'plain'
      ? '<script type="module" src="/spotnana-embed.min.js"></script>\n<script type="module" src="/frameworks/plain.js"></script>'
      : `<script type="module" src="/frameworks/${name}.bundle.js"></script>`;
  // Vue and React render into #app themselves; Angular needs its root element.
  const bodies = { plain: `<spotnana-embed ${attributes}></spotnana-embed>`, angular: '<acme-travel></acme-travel>' };
  const body = bodies[name] ?? '';
  const html = (await readFile(publicFile('frameworks/page.html'), 'utf8'))
    .replaceAll('__TITLE__', page.title)
    .replace('__WHO__', page.who)
    .replace('__HEAD__', head)
    .replace('__BODY__', body)
    .replace('__EMBED_URL__', escapeHtml(embedUrl))
    .replace('__ORG_ID__', escapeHtml(orgId))
    .replace('__ENV__', escapeHtml(env));
  const csp = [
    "default-src 'self'",
    `script-src 'self'${name === 'plain' ? '' : " 'unsafe-eval'"}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `frame-src ${embedOrigin}`,
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return new Response(html, {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
    },
  });
}
