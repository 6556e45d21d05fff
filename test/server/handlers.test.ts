// createTokenHandler and createUserDetailHandler: every answer of the SPEC's list, against
// the emulator and small raw servers, and mounted in Node's http and in Express.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import {
  TokenExchangeError,
  TokenHandlerError,
  createTokenHandler,
  createUserDetailHandler,
  type TokenHandlerOptions,
} from '../../src/server/index.ts';
import { closedPortUrl, everythingOf, recordingServer, sendJson } from '../support/servers.ts';
import { startSpotnana, type SpotnanaFixture } from '../support/spotnana.ts';

const CLIENT_ID = 'handler-client';
const CLIENT_SECRET = 'handler-secret-0a9b8c7d6e5f';
const ALICE_TOKEN = 'host-session-token-alice-55aa';
const CAROL_TOKEN = 'host-session-token-carol-66bb';
const APP = 'http://app.example';

let spotnana: SpotnanaFixture;
let emulator: RunningEmulator;
const emails: Record<string, string> = { [ALICE_TOKEN]: 'alice@example.com', [CAROL_TOKEN]: 'carol@example.com' };

before(async () => {
  spotnana = await startSpotnana({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    subjects: emails,
    users: ['alice@example.com'],
  });
  emulator = spotnana.emulator;
});
after(() => spotnana.close());

interface Setup {
  handler: (request: Request) => Promise<Response>;
  errors: unknown[];
}

function setup(overrides: Partial<TokenHandlerOptions> = {}): Setup {
  const errors: unknown[] = [];
  const handler = createTokenHandler({
    apiUrl: emulator.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    getSubjectToken: (request) => /session=(\w[\w-]*)/.exec(request.headers.get('cookie') ?? '')?.[1],
    onError: (error) => errors.push(error),
    ...overrides,
  });
  return { handler, errors };
}

function post(headers: Record<string, string> = {}, url = `${APP}/api/spotnana-token`, method = 'POST'): Request {
  return new Request(url, { method, headers: { accept: 'application/json', ...headers } });
}

const signedIn = (token = ALICE_TOKEN) => ({ origin: APP, cookie: `session=${token}` });

async function expectAnswer(response: Response, status: number, body: unknown): Promise<void> {
  assert.equal(response.status, status);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const text = await response.text();
  assert.deepEqual(JSON.parse(text), body);
  assert.ok(!text.includes(CLIENT_SECRET) && !text.includes(ALICE_TOKEN));
}

describe('createTokenHandler answers the SPEC’s list', () => {
  it('200 with exactly accessToken, refreshToken and expiresIn for a signed-in same-origin page', async () => {
    const { handler, errors } = setup();
    const response = await handler(post(signedIn()));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = await response.json();
    assert.deepEqual(Object.keys(body).sort(), ['accessToken', 'expiresIn', 'refreshToken']);
    assert.equal(body.expiresIn, 3600);
    const session = await fetch(`${emulator.url}/v2/auth/session`, {
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    assert.equal(session.status, 200);
    assert.deepEqual(errors, []);
  });

  for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
    it(`405 method_not_allowed with Allow: POST to ${method}`, async () => {
      const { handler } = setup();
      const response = await handler(post(signedIn(), undefined, method));
      assert.equal(response.headers.get('allow'), 'POST');
      await expectAnswer(response, 405, { error: 'method_not_allowed' });
    });
  }

  describe('403 forbidden_origin for a cross-site caller', () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['another site’s Origin', { origin: 'https://evil.example', cookie: `session=${ALICE_TOKEN}` }],
      ['Origin null (a sandboxed frame, a data: page)', { origin: 'null', cookie: `session=${ALICE_TOKEN}` }],
      ['another port of the same host', { origin: 'http://app.example:8080', cookie: `session=${ALICE_TOKEN}` }],
      [
        'no Origin and Sec-Fetch-Site: cross-site',
        { 'sec-fetch-site': 'cross-site', cookie: `session=${ALICE_TOKEN}` },
      ],
      ['no Origin and Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site', cookie: `session=${ALICE_TOKEN}` }],
    ];
    for (const [name, headers] of cases) {
      it(name, async () => {
        const { handler, errors } = setup();
        await expectAnswer(await handler(post(headers)), 403, { error: 'forbidden_origin' });
        assert.ok(errors[0] instanceof TokenHandlerError);
        assert.equal((errors[0] as TokenHandlerError).code, 'forbidden_origin');
      });
    }

    it('lets through a server-side caller (neither header) and Sec-Fetch-Site: none or same-origin', async () => {
      const { handler } = setup();
      assert.equal((await handler(post({ cookie: `session=${ALICE_TOKEN}` }))).status, 200);
      assert.equal((await handler(post({ cookie: `session=${ALICE_TOKEN}`, 'sec-fetch-site': 'none' }))).status, 200);
      assert.equal(
        (await handler(post({ cookie: `session=${ALICE_TOKEN}`, 'sec-fetch-site': 'same-origin' }))).status,
        200,
      );
    });

    it('allowedOrigins names the public origin behind a proxy (and replaces the default)', async () => {
      const { handler } = setup({ allowedOrigins: ['https://www.example.com/'] });
      const behindProxy = (origin: string) =>
        post({ origin, cookie: `session=${ALICE_TOKEN}` }, 'http://10.0.0.5:8080/api/spotnana-token');
      assert.equal((await handler(behindProxy('https://www.example.com'))).status, 200);
      assert.equal((await handler(behindProxy('http://10.0.0.5:8080'))).status, 403);
    });

    it('refuses an allowedOrigins entry that is not an origin when created', () => {
      assert.throws(() => setup({ allowedOrigins: ['not a url'] }), TypeError);
    });
  });

  it('401 unauthenticated when getSubjectToken gives nothing (sync or async)', async () => {
    const { handler, errors } = setup();
    await expectAnswer(await handler(post({ origin: APP })), 401, { error: 'unauthenticated' });
    const asyncEmpty = setup({ getSubjectToken: async () => '' });
    await expectAnswer(await asyncEmpty.handler(post({ origin: APP })), 401, { error: 'unauthenticated' });
    assert.equal((errors[0] as TokenHandlerError).code, 'unauthenticated');
  });

  it('500 internal_error when getSubjectToken throws; onError sees what it threw', async () => {
    const boom = new Error('session store down');
    const { handler, errors } = setup({
      getSubjectToken: () => {
        throw boom;
      },
    });
    await expectAnswer(await handler(post({ origin: APP })), 500, { error: 'internal_error' });
    assert.deepEqual(errors, [boom]);
  });

  it('403 exchange_rejected, without Spotnana’s details, when Spotnana does not know the user', async () => {
    const { handler, errors } = setup();
    await expectAnswer(await handler(post(signedIn(CAROL_TOKEN))), 403, { error: 'exchange_rejected' });
    const error = errors[0] as TokenExchangeError;
    assert.ok(error instanceof TokenExchangeError);
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.status, 400);
    assert.ok(!everythingOf(error).includes(CAROL_TOKEN));
    assert.ok(!everythingOf(error).includes(CLIENT_SECRET));
  });

  it('403 exchange_rejected for a wrong client secret (Spotnana’s 401 is not the user’s)', async () => {
    const { handler, errors } = setup({ clientSecret: 'not-the-secret-xyz' });
    await expectAnswer(await handler(post(signedIn())), 403, { error: 'exchange_rejected' });
    assert.equal((errors[0] as TokenExchangeError).code, 'invalid_client');
  });

  it('503 upstream_unavailable with Retry-After only as a whole number of seconds, on a 429', async () => {
    const inNinetySeconds = new Date(Date.now() + 90_000).toUTCString();
    for (const [received, relayed] of [
      [inNinetySeconds, /^(8[5-9]|90)$/],
      ['7 <b>x</b>', null],
      ['1.5', null],
      ['soon', null],
    ] as const) {
      const spotnana = await recordingServer((_req, res) =>
        sendJson(res, 429, { error: 'too_many_requests' }, { 'retry-after': received }),
      );
      try {
        const { handler } = setup({ apiUrl: spotnana.url });
        const response = await handler(post(signedIn()));
        const header = response.headers.get('retry-after');
        if (relayed) assert.match(header ?? '', relayed, `${received} relayed as ${header}`);
        else assert.equal(header, null, `${received} relayed as ${header}`);
        await expectAnswer(response, 503, { error: 'upstream_unavailable' });
      } finally {
        await spotnana.close();
      }
    }
  });

  it('503 upstream_unavailable with Spotnana’s Retry-After in seconds as received, on a 429', async () => {
    const spotnana = await recordingServer((_req, res) =>
      sendJson(res, 429, { error: 'too_many_requests' }, { 'retry-after': '120' }),
    );
    try {
      const { handler, errors } = setup({ apiUrl: spotnana.url });
      const response = await handler(post(signedIn()));
      assert.equal(response.headers.get('retry-after'), '120');
      await expectAnswer(response, 503, { error: 'upstream_unavailable' });
      assert.equal((errors[0] as TokenExchangeError).status, 429);
      assert.equal(spotnana.requests.length, 1);
    } finally {
      await spotnana.close();
    }
  });

  it('502 upstream_unavailable on a 5xx (after the one retry), with no Retry-After', async () => {
    const spotnana = await recordingServer((_req, res) =>
      sendJson(res, 500, { error: 'server_error', error_description: 'db down' }),
    );
    try {
      const { handler } = setup({ apiUrl: spotnana.url });
      const response = await handler(post(signedIn()));
      assert.equal(response.headers.get('retry-after'), null);
      await expectAnswer(response, 502, { error: 'upstream_unavailable' });
      assert.equal(spotnana.requests.length, 2);
    } finally {
      await spotnana.close();
    }
  });

  it('502 upstream_unavailable on a network error and on a timeout', async () => {
    const unreachable = setup({ apiUrl: await closedPortUrl() });
    await expectAnswer(await unreachable.handler(post(signedIn())), 502, { error: 'upstream_unavailable' });
    assert.equal((unreachable.errors[0] as TokenExchangeError).code, 'network_error');

    const silent = await recordingServer(() => {});
    try {
      const slow = setup({ apiUrl: silent.url, timeout: 300 });
      await expectAnswer(await slow.handler(post(signedIn())), 502, { error: 'upstream_unavailable' });
      assert.equal((slow.errors[0] as TokenExchangeError).code, 'timeout');
    } finally {
      await silent.close();
    }
  });

  it('keeps answering when onError itself throws', async () => {
    const { handler } = setup({
      onError: () => {
        throw new Error('logger broken');
      },
    });
    await expectAnswer(await handler(post({ origin: APP })), 401, { error: 'unauthenticated' });
  });

  it('refuses an apiUrl that already ends with the token path, saying what to give instead', () => {
    for (const apiUrl of [
      'https://api.example.com/v2/auth/oauth2-token',
      'https://proxy.example.com/spotnana/v2/auth/oauth2-token/',
    ]) {
      assert.throws(
        () => setup({ apiUrl }),
        (error: unknown) =>
          error instanceof TypeError &&
          /apiUrl/.test(error.message) &&
          error.message.includes(apiUrl.replace(/\/v2\/auth\/oauth2-token\/?$/, '')),
        apiUrl,
      );
    }
  });

  it('refuses to be created without getSubjectToken or credentials', () => {
    assert.throws(() => createTokenHandler({ clientId: 'a', clientSecret: 'b' } as TokenHandlerOptions), TypeError);
    assert.throws(() => setup({ clientSecret: '' }), TypeError);
  });
});

describe('createUserDetailHandler answers step 3', () => {
  const handler = createUserDetailHandler({ getEmail: async (token) => emails[token] });
  const get = (authorization?: string, method = 'GET') =>
    handler(
      new Request('http://app.example/api/user-detail', { method, headers: authorization ? { authorization } : {} }),
    );

  it('{"user":{"email"}} for a known bearer token (any case of the scheme)', async () => {
    for (const scheme of ['Bearer', 'bearer']) {
      const response = await get(`${scheme} ${ALICE_TOKEN}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await response.json(), { user: { email: 'alice@example.com' } });
    }
  });

  it('401 with WWW-Authenticate for a missing, malformed or unknown token', async () => {
    for (const authorization of [undefined, 'Basic dXNlcjpwdw==', 'Bearer', 'Bearer not-a-known-token']) {
      const response = await get(authorization);
      assert.equal(response.status, 401, String(authorization));
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
  });

  it('405 to anything but GET and HEAD; 500 when getEmail throws', async () => {
    assert.equal((await get(`Bearer ${ALICE_TOKEN}`, 'POST')).status, 405);
    const errors: unknown[] = [];
    const failing = createUserDetailHandler({
      getEmail: () => {
        throw new Error('db down');
      },
      onError: (error) => errors.push(error),
    });
    const response = await failing(new Request('http://x/', { headers: { authorization: 'Bearer abc' } }));
    assert.equal(response.status, 500);
    assert.equal(errors.length, 1);
  });
});

describe('mounting the handlers', () => {
  // The browser sends Origin on a POST; a same-origin page's Origin is the server's own.
  async function roundTrip(url: string): Promise<void> {
    const origin = new URL(url).origin;
    const ok = await fetch(`${url}/api/spotnana-token`, {
      method: 'POST',
      headers: { origin, cookie: `session=${ALICE_TOKEN}`, accept: 'application/json' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    const tokens = await ok.json();
    assert.equal(typeof tokens.accessToken, 'string');

    const foreign = await fetch(`${url}/api/spotnana-token`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', cookie: `session=${ALICE_TOKEN}` },
    });
    assert.equal(foreign.status, 403);
    assert.deepEqual(await foreign.json(), { error: 'forbidden_origin' });

    const wrongMethod = await fetch(`${url}/api/spotnana-token`);
    assert.equal(wrongMethod.status, 405);

    const detail = await fetch(`${url}/api/user-detail`, { headers: { authorization: `Bearer ${ALICE_TOKEN}` } });
    assert.deepEqual(await detail.json(), { user: { email: 'alice@example.com' } });
  }

  it('in Node’s http, through @hono/node-server’s getRequestListener', async () => {
    const tokenHandler = setup().handler;
    const userDetailHandler = createUserDetailHandler({ getEmail: (token) => emails[token] });
    const server = createServer((req, res) => {
      const routes: Record<string, (request: Request) => Promise<Response>> = {
        '/api/spotnana-token': tokenHandler,
        '/api/user-detail': userDetailHandler,
      };
      const handler = routes[req.url ?? ''];
      if (!handler) return void res.writeHead(404).end();
      void getRequestListener(handler, { overrideGlobalObjects: false })(req, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      await roundTrip(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('in Express, through the same listener', async () => {
    const app = express();
    app.all('/api/spotnana-token', getRequestListener(setup().handler, { overrideGlobalObjects: false }));
    app.get(
      '/api/user-detail',
      getRequestListener(createUserDetailHandler({ getEmail: (token) => emails[token] }), {
        overrideGlobalObjects: false,
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      await roundTrip(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
