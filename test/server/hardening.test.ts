// spotnana-embed/server where a review found gaps: an upstream that answers without end,
// secrets echoed in encoded forms, OAuth codes outside the standard list, and options
// that were only checked on each request.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import {
  TokenExchangeError,
  createTokenHandler,
  exchangeToken,
  type ExchangeTokenOptions,
  type TokenExchangeEvent,
  type TokenHandlerOptions,
} from '../../src/server/index.ts';
import { ENDLESS_LIMIT, endless, everythingOf, recordingServer, sendJson } from '../support/servers.ts';

// Characters that every encoding writes differently: space, +, /, =, &, ", \, non-ASCII.
const SECRET = 'Cl1ent Secret+/=&"\\ü-9f8e7d6c5b4a';
const SUBJECT = 'subj/token+ü "quoted" \\ 0a1b2c3d4e5f';
/** Long enough that "any run of 8 or more of its characters" means something. */
const RUN = 8;

/** Every form an upstream might echo a value in. */
function echoes(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    encodeURIComponent(value).toLowerCase(),
    json,
    json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/\//g, '\\/'),
  ];
}

/** Fails when `text` holds a run of 8 characters of any form of `secret`. */
function assertNoRun(text: string, secret: string, what: string) {
  for (const form of echoes(secret)) {
    for (let i = 0; i + RUN <= form.length; i++) {
      const run = form.slice(i, i + RUN);
      assert.ok(!text.includes(run), `${what} holds ${JSON.stringify(run)}, a run of a secret`);
    }
  }
}

const printed = (error: unknown) =>
  `${inspect(error, { depth: 10 })}\n${everythingOf(error)}\n${JSON.stringify(error)}`;

function assertClean(error: unknown) {
  const text = printed(error);
  assertNoRun(text, SECRET, 'the error');
  assertNoRun(text, SUBJECT, 'the error');
}

const options = (apiUrl: string, more: Partial<ExchangeTokenOptions> = {}): ExchangeTokenOptions => ({
  apiUrl,
  clientId: 'hardening-client',
  clientSecret: SECRET,
  subjectToken: SUBJECT,
  ...more,
});

async function rejection(promise: Promise<unknown>): Promise<TokenExchangeError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TokenExchangeError, `expected a TokenExchangeError, got ${String(error)}`);
  return error;
}

describe('exchangeToken reads Spotnana’s answer as a stream, 64 KiB at most', () => {
  for (const status of [200, 400, 500]) {
    it(`an endless ${status} answer: invalid_response, not retried, the connection closed`, async () => {
      let sentBytes: Promise<number> | undefined;
      const upstream = await recordingServer((_req, res) => {
        sentBytes = endless(res, status);
      });
      try {
        const error = await rejection(exchangeToken(options(upstream.url, { timeout: 60_000 })));
        assert.equal(error.code, 'invalid_response');
        assert.equal(error.status, status);
        assert.equal(upstream.requests.length, 1, 'not retried');
        // The upstream sees its answer closed long before its end: the rest was not downloaded.
        assert.ok((await sentBytes!) < ENDLESS_LIMIT, 'the connection was closed');
        assertClean(error);
      } finally {
        await upstream.close();
      }
    });
  }

  it('a valid answer just under 64 KiB, without Content-Length, is accepted', async () => {
    const upstream = await recordingServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const body = JSON.stringify({ access_token: 'a', refresh_token: 'r', pad: 'x'.repeat(60 * 1024) });
      res.write(body.slice(0, 1000));
      res.end(body.slice(1000));
    });
    try {
      const tokens = await exchangeToken(options(upstream.url));
      assert.equal(tokens.accessToken, 'a');
    } finally {
      await upstream.close();
    }
  });
});

describe('exchangeToken takes only the standard OAuth error codes', () => {
  for (const code of ['server_error', 'access_denied', 'temporarily_unavailable', 'invalid_token', 'Invalid_Request']) {
    it(`a 400 with error ${code}: http_error`, async () => {
      const upstream = await recordingServer((_req, res) => sendJson(res, 400, { error: code }));
      try {
        const error = await rejection(exchangeToken(options(upstream.url)));
        assert.equal(error.code, 'http_error');
        assert.equal(error.status, 400);
      } finally {
        await upstream.close();
      }
    });
  }

  for (const code of [
    'invalid_request',
    'invalid_client',
    'invalid_grant',
    'unauthorized_client',
    'unsupported_grant_type',
    'invalid_scope',
    'invalid_target',
  ]) {
    it(`a 400 with error ${code}: ${code}`, async () => {
      const upstream = await recordingServer((_req, res) => sendJson(res, 400, { error: code }));
      try {
        assert.equal((await rejection(exchangeToken(options(upstream.url)))).code, code);
      } finally {
        await upstream.close();
      }
    });
  }
});

describe('no property of the error holds a secret, in any form an upstream might echo', () => {
  for (const [name, secret] of [
    ['client secret', SECRET],
    ['subject token', SUBJECT],
  ] as const) {
    const forms = echoes(secret);
    it(`the ${name} echoed in error and error_description, in every encoding`, async () => {
      for (const form of forms) {
        const upstream = await recordingServer((_req, res) =>
          sendJson(res, 400, {
            error: form,
            error_description: `rejected ${form}; the tail: ${form.slice(3, 3 + RUN + 2)}`,
          }),
        );
        try {
          const error = await rejection(exchangeToken(options(upstream.url)));
          assert.equal(error.code, 'http_error');
          assertClean(error);
        } finally {
          await upstream.close();
        }
      }
    });

    it(`the ${name} echoed in a 500 HTML page and in Retry-After`, async () => {
      const ascii = encodeURIComponent(secret);
      const upstream = await recordingServer((_req, res) => {
        res.writeHead(503, { 'content-type': 'text/html', 'retry-after': ascii });
        res.end(`<pre>${forms.join('\n')}</pre>`);
      });
      try {
        assertClean(await rejection(exchangeToken(options(upstream.url))));
      } finally {
        await upstream.close();
      }
    });

    it(`the ${name} in the message of a failing custom fetch: the cause is clean`, async () => {
      const echoingFetch = (async (_url: unknown, init?: RequestInit) => {
        throw new TypeError(`could not send ${String(init?.body)} (${secret})`, {
          cause: new Error(`inner ${forms[2]}`),
        });
      }) as typeof fetch;
      const error = await rejection(exchangeToken(options('http://127.0.0.1:9', { fetch: echoingFetch })));
      assert.equal(error.code, 'network_error');
      assertClean(error);
    });
  }
});

describe('createTokenHandler checks every option when it is created', () => {
  const valid: TokenHandlerOptions = {
    clientId: 'c',
    clientSecret: SECRET,
    getSubjectToken: () => SUBJECT,
  };
  const refused: Array<[string, Partial<TokenHandlerOptions>, RegExp]> = [
    ['a misspelt env', { env: 'prod' }, /\benv\b/],
    ['a misspelt env beside a valid apiUrl', { env: 'Sandbox', apiUrl: 'https://proxy.example' }, /\benv\b/],
    ['an http: apiUrl on another host (the secret in clear)', { apiUrl: 'http://api.example.com' }, /\bapiUrl\b/],
    ['an http: apiUrl on a name that only looks local', { apiUrl: 'http://localhost.evil.example' }, /\bapiUrl\b/],
    ['an apiUrl that is not a URL', { apiUrl: 'api.spotnana.com' }, /\bapiUrl\b/],
    ['an ftp: apiUrl', { apiUrl: 'ftp://api.example.com' }, /\bapiUrl\b/],
    ['a timeout of 0', { timeout: 0 }, /\btimeout\b/],
    ['a negative timeout', { timeout: -5 }, /\btimeout\b/],
    ['a timeout that is not a number', { timeout: '5000' as unknown as number }, /\btimeout\b/],
    ['a timeout of NaN', { timeout: Number.NaN }, /\btimeout\b/],
    ['an infinite timeout', { timeout: Number.POSITIVE_INFINITY }, /\btimeout\b/],
    ['an allowedOrigins entry without a scheme', { allowedOrigins: ['app.example.com'] }, /\ballowedOrigins\b/],
    [
      'an allowedOrigins entry with a path',
      { allowedOrigins: ['https://app.example.com/login'] },
      /\ballowedOrigins\b/,
    ],
    [
      'an allowedOrigins entry that is not a string',
      { allowedOrigins: [42 as unknown as string] },
      /\ballowedOrigins\b/,
    ],
    [
      'allowedOrigins that is a string',
      { allowedOrigins: 'https://app.example.com' as unknown as string[] },
      /\ballowedOrigins\b/,
    ],
    ['an onError that is not a function', { onError: 'console' as unknown as () => void }, /\bonError\b/],
  ];
  for (const [name, bad, option] of refused) {
    it(`a TypeError naming the option: ${name}`, () => {
      assert.throws(
        () => createTokenHandler({ ...valid, ...bad }),
        (error: unknown) => {
          assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`);
          assert.match(error.message, option);
          assertNoRun(printed(error), SECRET, 'the TypeError');
          return true;
        },
      );
    });
  }

  it('takes https: anywhere, and http: on loopback hosts only', () => {
    for (const apiUrl of [
      'https://api.example.com',
      'https://proxy.example.com/spotnana/',
      'http://localhost:4000',
      'http://127.0.0.1:4000',
      'http://127.8.9.10:4000',
      'http://[::1]:4000',
    ]) {
      assert.doesNotThrow(() => createTokenHandler({ ...valid, apiUrl }), apiUrl);
    }
    assert.doesNotThrow(() =>
      createTokenHandler({ ...valid, env: 'production', timeout: 2500, allowedOrigins: ['https://app.example.com'] }),
    );
  });

  it('exchangeToken refuses an http: apiUrl to a host that is not loopback, before sending anything', async () => {
    await assert.rejects(exchangeToken(options('http://api.example.com')), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /\bapiUrl\b/);
      return true;
    });
  });
});

describe('createTokenHandler stops the exchange when the page’s request is aborted', () => {
  it('the upstream sees its connection closed', async () => {
    // Wrapped in an object: a promise resolved with a promise would wait for it, and the test
    // would abort only once the exchange's own timeout had closed the connection.
    let reached!: (upstream: { closed: Promise<unknown> }) => void;
    const whenReached = new Promise<{ closed: Promise<unknown> }>((resolve) => {
      reached = resolve;
    });
    const upstream = await recordingServer((_req, res) => reached({ closed: once(res, 'close') }));
    const outcomes: TokenExchangeEvent[] = [];
    try {
      const handler = createTokenHandler({
        apiUrl: upstream.url,
        clientId: 'c',
        clientSecret: SECRET,
        getSubjectToken: () => SUBJECT,
        onExchange: (event) => outcomes.push(event),
      });
      const controller = new AbortController();
      const answer = handler(
        new Request('http://app.example/api/spotnana-token', { method: 'POST', signal: controller.signal }),
      );
      const { closed } = await whenReached;
      controller.abort();
      await closed;
      await answer.then((response) => response.text()).catch(() => {});
      assert.equal(upstream.requests.length, 1);
      // The page's abort closed it, not the exchange's own timeout.
      assert.deepEqual(
        outcomes.map(({ outcome, code }) => ({ outcome, code })),
        [{ outcome: 'error', code: 'aborted' }],
      );
    } finally {
      await upstream.close();
    }
  });
});
