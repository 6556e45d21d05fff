// The demo host app over HTTP (no browser): session, token endpoint, user detail, page.
// It runs the built package (demo/app.mjs imports spotnana-embed/server and /emulator):
// `npm test` builds first; alone, run `npm run build` before it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDemo } from '../../demo/app.mjs';

interface Demo {
  url: string;
  port: number;
  embedUrl: string;
  emulatorUrl?: string;
  close(): Promise<void>;
}

let demo: Demo;
const logs: string[] = [];

before(async () => {
  demo = await startDemo({ port: 0, emulatorPort: 0, log: (line: string) => logs.push(line) });
});
after(() => demo.close());

/** A tiny cookie jar: what a browser would do with Set-Cookie. */
class Browser {
  cookies = new Map<string, string>();
  constructor(readonly origin: string) {}
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (init.method === 'POST') headers.set('origin', this.origin);
    const response = await fetch(`${demo.url}${path}`, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (attributes.some((attribute) => /max-age=0/i.test(attribute))) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return response;
  }
  tokens() {
    return this.fetch('/api/spotnana-token', { method: 'POST', headers: { accept: 'application/json' } });
  }
  session(action: string, user?: string) {
    return this.fetch(`/session/${action}`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: user ? new URLSearchParams({ user }) : undefined,
    });
  }
}

async function whoHolds(accessToken: string): Promise<string | undefined> {
  const response = await fetch(`${demo.emulatorUrl}/v2/auth/session`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return response.ok ? (await response.json()).user.email : undefined;
}

describe('the demo host app', () => {
  it('opens signed in, with <spotnana-embed> pointed at the emulator and a strict CSP', async () => {
    const browser = new Browser(demo.url);
    const response = await browser.fetch('/');
    assert.equal(response.status, 200);
    assert.ok(browser.cookies.has('acme_session'));
    const html = await response.text();
    assert.match(html, /<script type="module" src="\/spotnana-embed\.min\.js"><\/script>/);
    const element = /<spotnana-embed ([^>]*)>/.exec(html)?.[1] ?? '';
    assert.match(element, /token-endpoint="\/api\/spotnana-token"/);
    assert.match(element, new RegExp(`embed-url="${demo.emulatorUrl}"`));
    assert.match(element, /org-id="demo-org"/);
    assert.match(html, /Alice Chen/);
    assert.equal([...html.matchAll(/<script\b(?![^>]*\bsrc=)/g)].length, 0, 'an inline script');
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, new RegExp(`frame-src ${demo.emulatorUrl}`));
    assert.match(csp, /script-src 'self'/);
    assert.equal(demo.url, `http://localhost:${demo.port}`);
  });

  it('serves its Expenses route as the same page, without the element, with the element’s options for the script', async () => {
    const browser = new Browser(demo.url);
    const response = await browser.fetch('/expenses');
    assert.equal(response.status, 200);
    assert.ok(browser.cookies.has('acme_session'), 'a first visit on Expenses signs in too');
    const html = await response.text();
    assert.ok(!html.includes('<spotnana-embed'), 'Expenses renders no element: demo.js prerenders Travel');
    assert.match(html, /<title>Expenses · Acme Workplace<\/title>/);
    assert.match(html, /<a href="\/expenses" data-route="expenses" aria-current="page">Expenses<\/a>/);
    const stage = /<main class="stage" data-stage ([^>]*)>/.exec(html)?.[1] ?? '';
    assert.match(stage, /data-token-endpoint="\/api\/spotnana-token"/);
    assert.match(stage, /data-org-id="demo-org"/);
    assert.match(stage, new RegExp(`data-embed-url="${demo.emulatorUrl}"`));
    assert.equal([...html.matchAll(/<script\b(?![^>]*\bsrc=)/g)].length, 0, 'an inline script');
    assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  });

  it('a framework page opened directly signs its first visitor in too, and its token endpoint answers', async () => {
    for (const name of ['plain', 'vue', 'react', 'angular']) {
      const browser = new Browser(demo.url);
      const response = await browser.fetch(`/frameworks/${name}`);
      assert.equal(response.status, 200, name);
      assert.ok(browser.cookies.has('acme_session'), `${name}: no session cookie`);
      assert.equal((await browser.tokens()).status, 200, name);
    }
  });

  it('serves the element’s CDN file from dist and its own assets', async () => {
    for (const path of ['/spotnana-embed.min.js', '/demo.js', '/demo.css', '/favicon.svg']) {
      const response = await fetch(`${demo.url}${path}`);
      assert.equal(response.status, 200, path);
    }
  });

  it('runs steps 1-5 for the signed-in user, and logs them without a token', async () => {
    const browser = new Browser(demo.url);
    await browser.fetch('/');
    const response = await browser.tokens();
    assert.equal(response.status, 200);
    const tokens = await response.json();
    assert.equal(await whoHolds(tokens.accessToken), 'alice@example.com');
    const text = logs.join('\n');
    for (const step of [
      '[demo]     1  POST /api/spotnana-token',
      '[demo]     2  POST',
      '[emulator] 3  GET',
      '[demo]     3  GET /api/user-detail',
      '[emulator] 4  issued',
      '[demo]     5  200',
    ]) {
      assert.ok(text.includes(step), `no "${step}" in the log`);
    }
    assert.ok(!text.includes(tokens.accessToken) && !text.includes(tokens.refreshToken));
    assert.ok(!text.includes('demo-secret'));
    assert.ok(!text.includes(browser.cookies.get('acme_session')!));
  });

  it('switches users: the next exchange is for the other user', async () => {
    const browser = new Browser(demo.url);
    await browser.fetch('/');
    const switched = await browser.session('switch');
    assert.deepEqual((await switched.json()).user.email, 'bob@example.com');
    assert.equal(await whoHolds((await (await browser.tokens()).json()).accessToken), 'bob@example.com');
    await browser.session('switch');
    assert.equal(await whoHolds((await (await browser.tokens()).json()).accessToken), 'alice@example.com');
  });

  it('signs out: the token endpoint answers 401 and the page shows no element; signing in again works', async () => {
    const browser = new Browser(demo.url);
    await browser.fetch('/');
    const before = logs.length;
    assert.equal((await browser.tokens()).status, 200);
    assert.equal((await browser.session('sign-out')).status, 200);
    assert.equal((await browser.tokens()).status, 401);
    const page = await (await browser.fetch('/')).text();
    assert.ok(!page.includes('<spotnana-embed'), 'the signed-out page renders no element');
    assert.match(page, /You are signed out/);
    assert.ok(logs.slice(before).some((line) => line.includes('signed out')));
    // Signing in again (as a form post without JavaScript) redirects home, signed in.
    const signIn = await browser.fetch('/session/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user: 'bob' }),
    });
    assert.equal(signIn.status, 303);
    assert.equal(signIn.headers.get('location'), '/');
    assert.equal(await whoHolds((await (await browser.tokens()).json()).accessToken), 'bob@example.com');
  });

  it('refuses session changes and token requests from another site', async () => {
    const browser = new Browser(demo.url);
    await browser.fetch('/');
    const evil = new Browser('https://evil.example');
    evil.cookies = browser.cookies;
    assert.equal((await evil.session('sign-out')).status, 403);
    assert.equal((await evil.tokens()).status, 403);
    assert.equal((await browser.tokens()).status, 200, 'the session survived');
  });

  it('answers user detail only for a live host token', async () => {
    const response = await fetch(`${demo.url}/api/user-detail`, {
      headers: { authorization: 'Bearer not-a-session-token' },
    });
    assert.equal(response.status, 401);
  });

  it('switches to a real environment without an emulator, an embed-url or the secret in the page', async () => {
    const lines: string[] = [];
    const sandbox: Demo = await startDemo({
      port: 0,
      spotnana: { env: 'sandbox', clientId: 'real-client', clientSecret: 'real-secret-do-not-leak', orgId: 'org-123' },
      log: (line: string) => lines.push(line),
    });
    try {
      assert.equal(sandbox.emulatorUrl, undefined);
      const response = await fetch(`${sandbox.url}/`);
      const html = await response.text();
      const element = /<spotnana-embed ([^>]*)>/.exec(html)?.[1] ?? '';
      assert.match(element, /env="sandbox"/);
      assert.match(element, /org-id="org-123"/);
      assert.doesNotMatch(element, /embed-url=/);
      assert.match(
        response.headers.get('content-security-policy') ?? '',
        /frame-src https:\/\/sboxmeta-embed-app\.partners\.spotnana\.com/,
      );
      assert.ok(!html.includes('real-secret-do-not-leak') && !lines.join('\n').includes('real-secret-do-not-leak'));
      assert.ok(
        lines.some((line) => line.includes('SPOTNANA_USER_DETAIL_URL')),
        'no hint about the user-detail URL',
      );
    } finally {
      await sandbox.close();
    }
  });
});
