// A tiny integrator app, as the tests of spotnana-embed/testing see it: a page with
// <spotnana-embed>, the token route (createTokenHandler) that the element calls, and the
// user-detail route (createUserDetailHandler) that Spotnana (here, the emulator) calls.
// Node's own http server, on loopback only.
//
//   GET  /                      the page, signed in as Alice (a session cookie)
//   POST /api/spotnana-token    steps 1-5: tokens for the signed-in user
//   GET  /api/user-detail       step 3: the email of a subject token
//   GET  /host.js               the page's own script (it shows what the element reports)
//   GET  /spotnana-embed.min.js the element, from the installed package
//
// The app listens first (the emulator must be told its origin and its user-detail URL),
// then `connect()` gives it the emulator's URLs, as your app would take them from its
// configuration (SPOTNANA_API_URL, SPOTNANA_EMBED_URL).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { createTokenHandler, createUserDetailHandler, TokenExchangeError } from 'spotnana-embed/server';

/** The app's users: their token in the app (the subject token Spotnana receives) and email. */
export const ALICE = { token: 'host-token-alice-4f6a1c', email: 'alice@example.com' };
const EMAIL_OF_TOKEN = new Map([[ALICE.token, ALICE.email]]);
const SESSION_COOKIE = 'session';

export interface SpotnanaSettings {
  apiUrl: string;
  embedUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface ExampleApp {
  /** `http://127.0.0.1:<port>`: the page's origin. */
  url: string;
  /** Where Spotnana calls the user-detail route. */
  userDetailUrl: string;
  /** Points the app at Spotnana (the emulator): its token route and its page use these from now on. */
  connect(spotnana: SpotnanaSettings): void;
  /** What the token route's `onError` saw, as your logs would: the failure's code, e.g. `invalid_grant`. */
  tokenErrors: string[];
  close(): Promise<void>;
}

// The element's CDN build, from the package as installed (package.json `unpkg` names it).
const require = createRequire(import.meta.url);
const packageJson = require.resolve('spotnana-embed/package.json');
const elementFile = join(dirname(packageJson), (require(packageJson) as { unpkg: string }).unpkg);
const hostScript = new URL('./public/host.js', import.meta.url);

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const subjectTokenOf = (request: Request) =>
  new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(request.headers.get('cookie') ?? '')?.[1];

function page(embedUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Acme · Travel</title>
<script type="module" src="/host.js"></script>
<script type="module" src="/spotnana-embed.min.js"></script>
</head>
<body>
<h1>Travel</h1>
<p id="travel-status" role="status">Loading travel…</p>
<button id="reload-travel" type="button">Reload travel</button>
<spotnana-embed embed-url="${escapeHtml(embedUrl)}" org-id="demo-org" token-endpoint="/api/spotnana-token"></spotnana-embed>
<ol id="events" aria-label="What the travel frame reported"></ol>
</body>
</html>
`;
}

export async function startApp(): Promise<ExampleApp> {
  let spotnana: SpotnanaSettings | undefined;
  let tokenHandler: ((request: Request) => Promise<Response>) | undefined;
  const tokenErrors: string[] = [];
  const userDetailHandler = createUserDetailHandler({ getEmail: (token) => EMAIL_OF_TOKEN.get(token) });

  async function handle(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === '/api/user-detail') return userDetailHandler(request);
    if (pathname === '/host.js') return asset(await readFile(hostScript), 'text/javascript');
    if (pathname === '/spotnana-embed.min.js') return asset(await readFile(elementFile), 'text/javascript');
    if (!spotnana || !tokenHandler) return new Response('Not connected to Spotnana yet.', { status: 503 });
    if (pathname === '/api/spotnana-token') return tokenHandler(request);
    if (pathname === '/' && request.method === 'GET') {
      const embedOrigin = new URL(spotnana.embedUrl).origin;
      return new Response(page(spotnana.embedUrl), {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          // Signed in as Alice: your app's own sign-in stands here.
          'set-cookie': `${SESSION_COOKIE}=${ALICE.token}; Path=/; HttpOnly; SameSite=Lax`,
          'content-security-policy': `default-src 'self'; script-src 'self'; connect-src 'self'; frame-src ${embedOrigin}; object-src 'none'; base-uri 'none'`,
        },
      });
    }
    return new Response('Not found', { status: 404 });
  }

  const server = createServer(getRequestListener(handle));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    userDetailUrl: `${url}/api/user-detail`,
    tokenErrors,
    connect(settings) {
      spotnana = settings;
      tokenHandler = createTokenHandler({
        apiUrl: settings.apiUrl,
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        getSubjectToken: subjectTokenOf,
        onError: (error) => {
          tokenErrors.push(error instanceof TokenExchangeError ? error.code : String(error));
        },
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function asset(body: Buffer, type: string): Response {
  return new Response(new Uint8Array(body), {
    headers: { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' },
  });
}
