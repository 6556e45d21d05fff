// spotnana-embed/server under bad input: the token handler (over real HTTP where the wire
// matters) and exchangeToken against raw upstream servers that misbehave. Whatever happens,
// no response, log line (console, onError's error as a logger prints it) or error carries the
// client secret or the subject token; and upstream calls are counted.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { inspect } from 'node:util';
import {
  TokenExchangeError,
  createTokenHandler,
  exchangeToken,
  type TokenHandlerOptions,
} from '../../src/server/index.ts';
import {
  TOKEN_RESPONSE,
  everythingOf,
  recordingServer,
  sendJson,
  serveFetch,
  type Running,
} from '../support/servers.ts';

const SECRET = 'sec-client-secret-7f3e9a1b2c';
const SUBJECT = 'subj-host-session-4d5e6f7a8b';
const APP = 'http://app.example';

// Every console line written during a test: none may hold a secret.
const logged: string[] = [];
beforeEach(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    mock.method(console, method, (...args: unknown[]) =>
      logged.push(args.map((a) => inspect(a, { depth: 10 })).join(' ')),
    );
  }
});
afterEach(() => {
  mock.restoreAll();
  assertClean(logged.splice(0).join('\n'), 'console output');
});

function assertClean(text: string, what: string) {
  assert.ok(!text.includes(SECRET), `${what} holds the client secret`);
  assert.ok(!text.includes(SUBJECT), `${what} holds the subject token`);
}

/** An error as a logger would print it (util.inspect: message, stack, own properties, cause chain). */
const printed = (error: unknown) => `${inspect(error, { depth: 10 })}\n${everythingOf(error)}`;

function setup(apiUrl: string, overrides: Partial<TokenHandlerOptions> = {}) {
  const errors: unknown[] = [];
  let subjectCalls = 0;
  const handler = createTokenHandler({
    apiUrl,
    clientId: 'sec-client',
    clientSecret: SECRET,
    getSubjectToken: () => (subjectCalls++, SUBJECT),
    onError: (error) => errors.push(error),
    ...overrides,
  });
  return { handler, errors, subjectCalls: () => subjectCalls };
}

async function answerText(response: Response): Promise<string> {
  const text = await response.text();
  const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  assertClean(`${headers}\n${text}`, 'the response');
  return text;
}

const post = (headers: Record<string, string> = {}, init: RequestInit = {}) =>
  new Request(`${APP}/api/spotnana-token`, { method: 'POST', ...init, headers: { origin: APP, ...headers } });

/** A raw TCP upstream that answers every connection with `raw` bytes (for what node:http would refuse to send). */
async function rawUpstream(raw: string): Promise<Running & { connections: number }> {
  const state = { connections: 0 };
  const server: Server = createServer((socket) => {
    state.connections++;
    socket.once('data', () => socket.end(raw));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return state.connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the token handler under bad input', () => {
  let spotnana: Awaited<ReturnType<typeof recordingServer>>;
  beforeEach(async () => {
    spotnana = await recordingServer((_req, res) => sendJson(res, 200, TOKEN_RESPONSE));
  });
  afterEach(() => spotnana.close());

  it('ignores request bodies: oversized (8 MiB), malformed JSON, binary, form fields naming a secret', async () => {
    const { handler, errors } = setup(spotnana.url);
    const server = await serveFetch(handler);
    try {
      const bodies: [string, BodyInit, string][] = [
        ['8 MiB', 'x'.repeat(8 << 20), 'text/plain'],
        ['malformed JSON', '{"subject_token": ', 'application/json'],
        ['binary', new Uint8Array(4096).map((_, i) => i % 256), 'application/octet-stream'],
        [
          'form',
          `client_secret=evil&subject_token=evil&grant_type=client_credentials`,
          'application/x-www-form-urlencoded',
        ],
      ];
      for (const [name, body, type] of bodies) {
        const response = await fetch(`${server.url}/api/spotnana-token`, {
          method: 'POST',
          headers: { origin: server.url, 'content-type': type },
          body,
        });
        assert.equal(response.status, 200, name);
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.deepEqual(Object.keys(JSON.parse(await answerText(response))).sort(), [
          'accessToken',
          'expiresIn',
          'refreshToken',
        ]);
      }
      // Upstream got exactly step 2, never the caller's fields.
      assert.equal(spotnana.requests.length, bodies.length);
      for (const { body } of spotnana.requests) {
        const form = new URLSearchParams(body);
        assert.equal(form.get('client_secret'), SECRET);
        assert.equal(form.get('subject_token'), SUBJECT);
        assert.equal(form.getAll('client_secret').length, 1);
        assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:token-exchange');
      }
      assert.deepEqual(errors, []);
    } finally {
      await server.close();
    }
  });

  it('405 to every other method, over the wire, without asking for the subject token or calling Spotnana', async () => {
    const { handler, errors, subjectCalls } = setup(spotnana.url);
    const server = await serveFetch(handler);
    try {
      for (const method of ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'PURGE']) {
        const { status, headers, body } = await new Promise<{
          status: number;
          headers: Record<string, unknown>;
          body: string;
        }>((resolve, reject) => {
          const req = httpRequest(
            `${server.url}/api/spotnana-token`,
            { method, headers: { origin: server.url } },
            (res) => {
              let body = '';
              res.on('data', (c) => (body += c));
              res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
            },
          );
          req.on('error', reject);
          req.end();
        });
        assert.equal(status, 405, method);
        assert.equal(headers.allow, 'POST', method);
        if (method !== 'HEAD') assert.deepEqual(JSON.parse(body), { error: 'method_not_allowed' }, method);
      }
      assert.equal(subjectCalls(), 0);
      assert.equal(spotnana.requests.length, 0);
      assert.equal(errors.length, 8);
    } finally {
      await server.close();
    }
  });

  describe('403 forbidden_origin to cross-site callers, before the subject token is read', () => {
    const forbidden: [string, Record<string, string>][] = [
      ['another site', { origin: 'https://evil.example' }],
      ['null (sandboxed frame, data: URL)', { origin: 'null' }],
      ['scheme downgrade', { origin: 'https://app.example' }],
      ['another port', { origin: 'http://app.example:3000' }],
      ['a suffix of the host', { origin: 'http://app.example.evil.example' }],
      ['a prefix of the host', { origin: 'http://evil-app.example' }],
      ['userinfo trick', { origin: 'http://app.example@evil.example' }],
      ['a trailing slash (not an origin)', { origin: 'http://app.example/' }],
      ['two origins in one header', { origin: 'http://app.example, https://evil.example' }],
      ['upper case (not serialised as an origin)', { origin: 'HTTP://APP.EXAMPLE' }],
      ['empty', { origin: '' }],
      ['no Origin, Sec-Fetch-Site: cross-site', { origin: '', 'sec-fetch-site': 'cross-site' }],
      ['no Origin, Sec-Fetch-Site: same-site', { origin: '', 'sec-fetch-site': 'same-site' }],
      ['no Origin, Sec-Fetch-Site: garbage', { origin: '', 'sec-fetch-site': 'whatever' }],
      ['no Origin, Sec-Fetch-Site in another case', { origin: '', 'sec-fetch-site': 'Same-Origin' }],
    ];
    for (const [name, headers] of forbidden) {
      it(name, async () => {
        const { handler, errors, subjectCalls } = setup(spotnana.url);
        const h: Record<string, string> = { ...headers };
        const request = new Request(`${APP}/api/spotnana-token`, { method: 'POST', headers: h });
        if (h.origin === '' && name !== 'empty') request.headers.delete('origin');
        const response = await handler(request);
        assert.equal(response.status, 403);
        assert.deepEqual(JSON.parse(await answerText(response)), { error: 'forbidden_origin' });
        assert.equal(subjectCalls(), 0);
        assert.equal(spotnana.requests.length, 0);
        assert.equal(errors.length, 1);
        assertClean(printed(errors[0]), 'onError');
      });
    }
  });

  it('a subject token carrying CR/LF, & and = reaches Spotnana as one form value and injects nothing', async () => {
    const evil = `${SUBJECT}\r\nX-Injected: 1&client_secret=evil&scope=admin`;
    const { handler } = setup(spotnana.url, { getSubjectToken: () => evil });
    const response = await handler(post());
    assert.equal(response.status, 200);
    await answerText(response);
    const [{ body, headers }] = spotnana.requests;
    const form = new URLSearchParams(body);
    assert.equal(form.get('subject_token'), evil);
    assert.deepEqual(form.getAll('client_secret'), [SECRET]);
    assert.deepEqual(form.getAll('scope'), ['openid']);
    assert.equal(headers['x-injected'], undefined);
  });

  it('passes on only Retry-After from Spotnana: no cookie, no CR/LF smuggling of its headers', async () => {
    const upstream = await rawUpstream(
      'HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 7\r\nSet-Cookie: session=stolen\r\nX-Secret: ' +
        SECRET +
        '\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}',
    );
    try {
      const { handler, errors } = setup(upstream.url);
      const response = await handler(post());
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '7');
      assert.equal(response.headers.get('set-cookie'), null);
      assert.deepEqual(JSON.parse(await answerText(response)), { error: 'upstream_unavailable' });
      assertClean(printed(errors[0]), 'onError');
    } finally {
      await upstream.close();
    }
  });

  describe('upstream garbage', () => {
    const garbage: [string, (res: import('node:http').ServerResponse) => void, number, number][] = [
      // name, answer, handler status, upstream calls
      [
        'HTML with 200',
        (res) => (res.writeHead(200, { 'content-type': 'text/html' }), res.end('<html>login</html>')),
        502,
        1,
      ],
      ['truncated JSON with 200', (res) => sendJson(res, 200, '{"access_token":'), 502, 1],
      ['a JSON array', (res) => sendJson(res, 200, [TOKEN_RESPONSE]), 502, 1],
      ['tokens of the wrong type', (res) => sendJson(res, 200, { ...TOKEN_RESPONSE, access_token: 42 }), 502, 1],
      ['2 MiB of JSON', (res) => sendJson(res, 200, { ...TOKEN_RESPONSE, pad: 'x'.repeat(2 << 20) }), 502, 1],
      ['an empty 200', (res) => (res.writeHead(200), res.end()), 502, 1],
      [
        'a 302 to another server',
        (res) => (res.writeHead(302, { location: 'http://127.0.0.1:9/steal' }), res.end()),
        502,
        1,
      ],
      [
        'a 400 echoing the secrets in error_description',
        (res) => sendJson(res, 400, { error: 'invalid_request', error_description: `bad ${SECRET} for ${SUBJECT}` }),
        403,
        1,
      ],
      [
        'a 500 HTML page echoing the secrets',
        (res) => (res.writeHead(500, { 'content-type': 'text/html' }), res.end(`<pre>${SECRET} ${SUBJECT}</pre>`)),
        502,
        2,
      ],
      [
        'a 400 with a huge error_description',
        (res) => sendJson(res, 400, { error: 'invalid_request', error_description: 'y'.repeat(1 << 20) }),
        403,
        1,
      ],
    ];
    for (const [name, answer, status, calls] of garbage) {
      it(`${name}: ${status}, ${calls} upstream call(s), nothing leaked`, async () => {
        const upstream = await recordingServer((_req, res) => answer(res));
        try {
          const { handler, errors } = setup(upstream.url);
          const response = await handler(post());
          assert.equal(response.status, status);
          const body = JSON.parse(await answerText(response));
          assert.deepEqual(Object.keys(body), ['error']);
          assert.equal(upstream.requests.length, calls);
          assert.equal(errors.length, 1);
          assert.ok(errors[0] instanceof TokenExchangeError);
          assertClean(printed(errors[0]), 'onError');
          assert.ok(printed(errors[0]).length < 20000, 'the error stays small');
        } finally {
          await upstream.close();
        }
      });
    }

    // An upstream (or a proxy) that echoes the client secret or the subject token as the
    // OAuth `error` must not put it in TokenExchangeError.code, .error or .message.
    for (const [name, echoed] of [
      ['client secret', SECRET],
      ['subject token', SUBJECT],
    ] as const) {
      it(`a 400 whose OAuth error field is the ${name}: nothing leaked`, async () => {
        const upstream = await recordingServer((_req, res) => sendJson(res, 400, { error: echoed }));
        try {
          const { handler, errors } = setup(upstream.url);
          const response = await handler(post());
          assert.equal(response.status, 403);
          await answerText(response);
          assertClean(printed(errors[0]), 'onError');
        } finally {
          await upstream.close();
        }
      });
    }
  });

  it('a hanging upstream: 502 within the timeout, one upstream call', async () => {
    const upstream = await recordingServer(() => {});
    try {
      const { handler, errors } = setup(upstream.url, { timeout: 400 });
      const started = Date.now();
      const response = await handler(post());
      assert.ok(Date.now() - started < 4000);
      assert.equal(response.status, 502);
      await answerText(response);
      assert.equal(upstream.requests.length, 1);
      assert.equal((errors[0] as TokenExchangeError).code, 'timeout');
    } finally {
      await upstream.close();
    }
  });

  it('an upstream that sends headers and then hangs its body: 502 within the timeout', async () => {
    const upstream = await recordingServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":');
    });
    try {
      const { handler, errors } = setup(upstream.url, { timeout: 400 });
      const started = Date.now();
      const response = await handler(post());
      assert.ok(Date.now() - started < 4000);
      assert.equal(response.status, 502);
      assert.equal((errors[0] as TokenExchangeError).code, 'timeout');
    } finally {
      await upstream.close();
    }
  });

  it('the page giving up aborts the upstream call', async () => {
    const upstream = await recordingServer(() => {});
    try {
      const { handler } = setup(upstream.url);
      const controller = new AbortController();
      const answer = handler(post({}, { signal: controller.signal }));
      while (upstream.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      const started = Date.now();
      await answer.then((r) => r.text()).catch(() => {});
      assert.ok(Date.now() - started < 4000, 'the handler stopped at once');
      assert.equal(upstream.requests.length, 1);
    } finally {
      await upstream.close();
    }
  });

  describe('429 and 5xx storms: 40 page requests at once, upstream calls counted', () => {
    const storms: [string, (res: import('node:http').ServerResponse) => void, number, number, string | null][] = [
      // name, upstream answer, calls per page request, handler status, Retry-After passed on
      [
        '429 with Retry-After: 120 (longer than the cap: not retried)',
        (res) => sendJson(res, 429, {}, { 'retry-after': '120' }),
        1,
        503,
        '120',
      ],
      [
        '429 with Retry-After: 1 (retried once, after it)',
        (res) => sendJson(res, 429, {}, { 'retry-after': '1' }),
        2,
        503,
        '1',
      ],
      ['429 without Retry-After (retried once)', (res) => sendJson(res, 429, {}), 2, 503, null],
      ['503 (retried once)', (res) => sendJson(res, 503, { error: 'temporarily_unavailable' }), 2, 502, null],
    ];
    for (const [name, answer, perRequest, status, retryAfter] of storms) {
      it(name, async () => {
        const upstream = await recordingServer((_req, res) => answer(res));
        try {
          const { handler } = setup(upstream.url);
          const responses = await Promise.all(Array.from({ length: 40 }, () => handler(post())));
          for (const response of responses) {
            assert.equal(response.status, status);
            assert.equal(response.headers.get('retry-after'), retryAfter);
            await answerText(response);
          }
          assert.equal(upstream.requests.length, 40 * perRequest);
        } finally {
          await upstream.close();
        }
      });
    }
  });
});

describe('exchangeToken under bad input', () => {
  it('refuses bad options with a TypeError that names no value', async () => {
    const base = { apiUrl: 'http://127.0.0.1:9', clientId: 'c', clientSecret: SECRET, subjectToken: SUBJECT };
    for (const bad of [
      { ...base, clientSecret: '' },
      { ...base, subjectToken: 42 as unknown as string },
      { ...base, timeout: -1 },
      { ...base, apiUrl: `ftp://${SECRET}@x` },
      { ...base, apiUrl: `not a url ${SECRET}` },
    ]) {
      await assert.rejects(exchangeToken(bad), (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assertClean(printed(error), 'the TypeError');
        return true;
      });
    }
  });

  it('a network error (nothing listening): network_error, retried once, nothing leaked', async () => {
    const upstream = await recordingServer(() => {});
    const url = upstream.url;
    await upstream.close();
    await assert.rejects(
      exchangeToken({ apiUrl: url, clientId: 'c', clientSecret: SECRET, subjectToken: SUBJECT }),
      (error: unknown) => {
        assert.ok(error instanceof TokenExchangeError);
        assert.equal(error.code, 'network_error');
        assertClean(printed(error), 'the error');
        return true;
      },
    );
  });

  it('a custom fetch that fails: network_error, and the error (cause included) holds no secret', async () => {
    const failingFetch = (async () => {
      throw new TypeError('socket hang up');
    }) as typeof fetch;
    await assert.rejects(
      exchangeToken({
        apiUrl: 'http://127.0.0.1:9',
        clientId: 'c',
        clientSecret: SECRET,
        subjectToken: SUBJECT,
        fetch: failingFetch,
      }),
      (error: unknown) => {
        assert.ok(error instanceof TokenExchangeError);
        assert.equal(error.code, 'network_error');
        assertClean(printed(error), 'the error');
        return true;
      },
    );
  });
});
