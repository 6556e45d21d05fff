// spotnana-embed/server against real loopback servers: the emulator, and small raw servers
// for the answers the emulator never gives (429, 5xx, garbage, silence).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import {
  ACCESS_TOKEN_TYPE,
  TOKEN_EXCHANGE_GRANT_TYPE,
  TokenExchangeError,
  exchangeToken,
} from '../../src/server/index.ts';
import { TOKEN_RESPONSE, closedPortUrl, everythingOf, recordingServer, sendJson } from '../support/servers.ts';
import { startSpotnana, type SpotnanaFixture } from '../support/spotnana.ts';

const CLIENT_ID = 'test-client';
const CLIENT_SECRET = 'cs-9f8e7d6c5b4a-very-secret';
const SUBJECT = 'host-token-alice-4b5c6d7e';
const UNKNOWN_SUBJECT = 'host-token-unknown-1a2b3c';
const CAROL_SUBJECT = 'host-token-carol-7f7f7f';

let spotnana: SpotnanaFixture;
let emulator: RunningEmulator;
const emulatorLog: string[] = [];

before(async () => {
  spotnana = await startSpotnana({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    subjects: { [SUBJECT]: 'alice@example.com', [CAROL_SUBJECT]: 'carol@example.com' },
    users: ['alice@example.com', 'bob@example.com'],
    log: (line) => emulatorLog.push(line),
  });
  emulator = spotnana.emulator;
});
after(() => spotnana.close());

const base = () => ({ apiUrl: emulator.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, subjectToken: SUBJECT });

async function rejection(promise: Promise<unknown>): Promise<TokenExchangeError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TokenExchangeError, `expected a TokenExchangeError, got ${String(error)}`);
  assert.equal(error.name, 'TokenExchangeError');
  const text = everythingOf(error);
  assert.ok(!text.includes(CLIENT_SECRET), 'the client secret leaked into the error');
  assert.ok(!text.includes(SUBJECT), 'the subject token leaked into the error');
  return error;
}

describe('exchangeToken sends step 2 exactly', () => {
  it('POSTs the six form parameters of the SPEC, form-encoded, to <apiUrl>/v2/auth/oauth2-token', async () => {
    const server = await recordingServer((_req, res) => sendJson(res, 200, TOKEN_RESPONSE));
    try {
      await exchangeToken({ ...base(), apiUrl: server.url });
      assert.equal(server.requests.length, 1);
      const [request] = server.requests;
      assert.equal(request!.method, 'POST');
      assert.equal(request!.url, '/v2/auth/oauth2-token');
      assert.equal(request!.headers['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(request!.headers.accept, 'application/json');
      assert.deepEqual(
        [...new URLSearchParams(request!.body)],
        [
          ['grant_type', 'urn:ietf:params:oauth:grant-type:token-exchange'],
          ['client_id', CLIENT_ID],
          ['client_secret', CLIENT_SECRET],
          ['subject_token', SUBJECT],
          ['subject_token_type', 'urn:ietf:params:oauth:token-type:access_token'],
          ['scope', 'openid'],
        ],
      );
      assert.equal(TOKEN_EXCHANGE_GRANT_TYPE, 'urn:ietf:params:oauth:grant-type:token-exchange');
      assert.equal(ACCESS_TOKEN_TYPE, 'urn:ietf:params:oauth:token-type:access_token');
    } finally {
      await server.close();
    }
  });

  it('sends a configured subjectTokenType, and keeps the path of an apiUrl with one', async () => {
    const server = await recordingServer((_req, res) => sendJson(res, 200, TOKEN_RESPONSE));
    try {
      await exchangeToken({
        ...base(),
        apiUrl: `${server.url}/spotnana/`,
        subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      });
      assert.equal(server.requests[0]!.url, '/spotnana/v2/auth/oauth2-token');
      assert.equal(
        new URLSearchParams(server.requests[0]!.body).get('subject_token_type'),
        'urn:ietf:params:oauth:token-type:jwt',
      );
    } finally {
      await server.close();
    }
  });

  it('goes to the env API base, through the caller’s own fetch', async () => {
    const urls: string[] = [];
    const fetchSpy: typeof fetch = async (input) => {
      urls.push(String(input));
      return new Response(JSON.stringify(TOKEN_RESPONSE), { status: 200 });
    };
    await exchangeToken({ ...base(), apiUrl: undefined, fetch: fetchSpy });
    await exchangeToken({ ...base(), apiUrl: undefined, env: 'sandbox', fetch: fetchSpy });
    await exchangeToken({ ...base(), apiUrl: undefined, env: 'production', fetch: fetchSpy });
    assert.deepEqual(urls, [
      'https://api-ext-sboxmeta.partners.spotnana.com/v2/auth/oauth2-token',
      'https://api-ext-sboxmeta.partners.spotnana.com/v2/auth/oauth2-token',
      'https://api.spotnana.com/v2/auth/oauth2-token',
    ]);
  });

  it('refuses bad options with a TypeError that names none of the secrets', async () => {
    await assert.rejects(exchangeToken({ ...base(), clientSecret: '' }), TypeError);
    await assert.rejects(exchangeToken({ ...base(), subjectToken: undefined as unknown as string }), TypeError);
    await assert.rejects(exchangeToken({ ...base(), apiUrl: undefined, env: 'staging' }), /sandbox/);
    await assert.rejects(exchangeToken({ ...base(), apiUrl: 'ftp://x' }), TypeError);
    await assert.rejects(exchangeToken({ ...base(), timeout: 0 }), TypeError);
  });
});

describe('exchangeToken maps Spotnana’s answer', () => {
  it('resolves to camelCase tokens that the emulator then accepts', async () => {
    const tokens = await exchangeToken(base());
    assert.deepEqual(Object.keys(tokens).sort(), ['accessToken', 'expiresIn', 'refreshToken', 'scope', 'tokenType']);
    assert.equal(tokens.tokenType, 'Bearer');
    assert.equal(tokens.expiresIn, 3600);
    assert.equal(tokens.scope, 'openid');
    assert.match(tokens.accessToken, /^[A-Za-z0-9_-]{43}$/);
    assert.match(tokens.refreshToken, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(tokens.accessToken, tokens.refreshToken);
    const session = await fetch(`${emulator.url}/v2/auth/session`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    assert.equal(session.status, 200);
    assert.deepEqual((await session.json()).user, { email: 'alice@example.com' });
  });

  it('accepts a numeric-string expires_in and leaves out what Spotnana leaves out', async () => {
    const server = await recordingServer((_req, res) =>
      sendJson(res, 200, { access_token: 'a', refresh_token: 'r', token_type: 'Bearer', expires_in: '120' }),
    );
    try {
      assert.deepEqual(await exchangeToken({ ...base(), apiUrl: server.url }), {
        accessToken: 'a',
        refreshToken: 'r',
        tokenType: 'Bearer',
        expiresIn: 120,
      });
    } finally {
      await server.close();
    }
  });

  for (const [name, status, body] of [
    ['a body that is not JSON', 200, '<html>hello</html>'],
    ['an answer without refresh_token', 200, { access_token: 'a', token_type: 'Bearer', expires_in: 3600 }],
    ['an empty access_token', 200, { access_token: '', refresh_token: 'r' }],
    ['a negative expires_in', 200, { access_token: 'a', refresh_token: 'r', expires_in: -1 }],
    ['a JSON array', 200, [TOKEN_RESPONSE]],
  ] as const) {
    it(`rejects ${name} as invalid_response, without retrying`, async () => {
      const server = await recordingServer((_req, res) => sendJson(res, status, body));
      try {
        const error = await rejection(exchangeToken({ ...base(), apiUrl: server.url }));
        assert.equal(error.code, 'invalid_response');
        assert.equal(server.requests.length, 1);
      } finally {
        await server.close();
      }
    });
  }

  it('does not follow a redirect (it would carry the secret away): invalid_response', async () => {
    const elsewhere = await recordingServer((_req, res) => sendJson(res, 200, TOKEN_RESPONSE));
    const server = await recordingServer((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/v2/auth/oauth2-token` });
      res.end();
    });
    try {
      const error = await rejection(exchangeToken({ ...base(), apiUrl: server.url }));
      assert.equal(error.code, 'invalid_response');
      assert.equal(error.status, 307);
      assert.equal(elsewhere.requests.length, 0);
    } finally {
      await server.close();
      await elsewhere.close();
    }
  });
});

describe('exchangeToken errors carry the OAuth error and never a secret', () => {
  it('wrong client secret: invalid_client, HTTP 401, with the error_description', async () => {
    const error = await rejection(exchangeToken({ ...base(), clientSecret: 'wrong-secret-123456' }));
    assert.equal(error.code, 'invalid_client');
    assert.equal(error.error, 'invalid_client');
    assert.equal(error.status, 401);
    assert.equal(typeof error.errorDescription, 'string');
    assert.match(error.message, /401/);
    assert.ok(!everythingOf(error).includes('wrong-secret-123456'));
  });

  it('a user Spotnana does not know: invalid_request, HTTP 400, not retried', async () => {
    const before = emulatorLog.filter((line) => line.startsWith('2  POST')).length;
    const error = await rejection(exchangeToken({ ...base(), subjectToken: CAROL_SUBJECT }));
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.status, 400);
    assert.ok(!everythingOf(error).includes(CAROL_SUBJECT));
    assert.equal(emulatorLog.filter((line) => line.startsWith('2  POST')).length, before + 1);
  });

  it('a subject token the host’s user-detail API rejects: invalid_request', async () => {
    const error = await rejection(exchangeToken({ ...base(), subjectToken: UNKNOWN_SUBJECT }));
    assert.equal(error.code, 'invalid_request');
    assert.ok(!everythingOf(error).includes(UNKNOWN_SUBJECT));
  });

  it('redacts a secret that Spotnana echoes in error_description', async () => {
    const server = await recordingServer((req, res) => {
      const form = new URLSearchParams(req.body);
      sendJson(res, 400, {
        error: 'invalid_grant',
        error_description: `bad token ${form.get('subject_token')} for secret ${form.get('client_secret')}`,
      });
    });
    try {
      const error = await rejection(exchangeToken({ ...base(), apiUrl: server.url }));
      assert.equal(error.code, 'invalid_grant');
      assert.equal(error.errorDescription, 'bad token [redacted] for secret [redacted]');
    } finally {
      await server.close();
    }
  });

  it('an error answer without an OAuth error is http_error', async () => {
    const server = await recordingServer((_req, res) => sendJson(res, 404, '<h1>Not Found</h1>'));
    try {
      const error = await rejection(exchangeToken({ ...base(), apiUrl: server.url }));
      assert.equal(error.code, 'http_error');
      assert.equal(error.status, 404);
      assert.equal(error.error, undefined);
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  });
});

describe('exchangeToken retries once, and only network errors, 429 and 5xx', () => {
  it('retries a 5xx once and then gives up with http_error', async () => {
    const server = await recordingServer((_req, res) => sendJson(res, 500, '<h1>oops</h1>'));
    try {
      const error = await rejection(exchangeToken({ ...base(), apiUrl: server.url }));
      assert.equal(error.code, 'http_error');
      assert.equal(error.status, 500);
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });

  it('succeeds when the retry of a 503 succeeds', async () => {
    const server = await recordingServer((_req, res, index) =>
      index === 0 ? sendJson(res, 503, { error: 'temporarily_unavailable' }) : sendJson(res, 200, TOKEN_RESPONSE),
    );
    try {
      const tokens = await exchangeToken({ ...base(), apiUrl: server.url });
      assert.equal(tokens.accessToken, 'spotnana-access-1');
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });

  it('waits for Retry-After on a 429 before its one retry', async () => {
    const server = await recordingServer((_req, res, index) =>
      index === 0
        ? sendJson(res, 429, { error: 'rate_limited' }, { 'retry-after': '1' })
        : sendJson(res, 200, TOKEN_RESPONSE),
    );
    try {
      const startedAt = Date.now();
      await exchangeToken({ ...base(), apiUrl: server.url });
      assert.equal(server.requests.length, 2);
      assert.ok(Date.now() - startedAt >= 900, 'the retry came before Retry-After');
    } finally {
      await server.close();
    }
  });

  it('gives up at once on a 429 whose Retry-After is longer than it may wait, passing the header on', async () => {
    const server = await recordingServer((_req, res) =>
      sendJson(res, 429, { error: 'rate_limited' }, { 'retry-after': '120' }),
    );
    try {
      const error = await rejection(exchangeToken({ ...base(), apiUrl: server.url }));
      assert.equal(error.status, 429);
      // Not an OAuth code of RFC 6749 or RFC 8693: http_error, with Spotnana's own in `error`.
      assert.equal(error.code, 'http_error');
      assert.equal(error.error, 'rate_limited');
      assert.equal(error.retryAfter, '120');
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  });

  it('does not retry a 400', async () => {
    const server = await recordingServer((_req, res) =>
      sendJson(res, 400, { error: 'invalid_request', error_description: 'no' }),
    );
    try {
      await rejection(exchangeToken({ ...base(), apiUrl: server.url }));
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  });

  it('reports no answer at all as network_error, without a status', async () => {
    const error = await rejection(exchangeToken({ ...base(), apiUrl: await closedPortUrl() }));
    assert.equal(error.code, 'network_error');
    assert.equal(error.status, undefined);
  });
});

describe('exchangeToken is bounded by timeout and by the caller’s signal', () => {
  it('times out a silent Spotnana with code timeout', async () => {
    const server = await recordingServer(() => {
      // never answers
    });
    try {
      const startedAt = Date.now();
      const error = await rejection(exchangeToken({ ...base(), apiUrl: server.url, timeout: 300 }));
      assert.equal(error.code, 'timeout');
      assert.equal(error.status, undefined);
      assert.ok(Date.now() - startedAt < 5000);
    } finally {
      await server.close();
    }
  });

  it('counts the retry inside the same timeout', async () => {
    const server = await recordingServer((_req, res, index) => {
      if (index === 0) sendJson(res, 502, 'bad gateway');
      // the retry never answers
    });
    try {
      const error = await rejection(exchangeToken({ ...base(), apiUrl: server.url, timeout: 1500 }));
      assert.equal(error.code, 'timeout');
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });

  it('rejects with the caller’s abort reason when the caller aborts', async () => {
    const server = await recordingServer(() => {});
    try {
      const controller = new AbortController();
      const pending = exchangeToken({ ...base(), apiUrl: server.url, signal: controller.signal });
      const reason = new Error('caller gave up');
      setTimeout(() => controller.abort(reason), 100);
      await assert.rejects(pending, (error) => error === reason);
      await assert.rejects(exchangeToken({ ...base(), apiUrl: server.url, signal: AbortSignal.abort() }), {
        name: 'AbortError',
      });
    } finally {
      await server.close();
    }
  });
});

describe('Retry-After as exchangeToken reads it', async () => {
  const { parseRetryAfter } = await import('../../src/shared/retry-after.ts');

  it('reads delay-seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('2'), 2000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const wait = parseRetryAfter(inTenSeconds)!;
    assert.ok(wait > 8000 && wait <= 10_000, String(wait));
    assert.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT'), 0);
  });

  it('ignores values that are neither (Date.parse alone reads "1.5" as a date in 2001)', () => {
    for (const value of ['1.5', '-1', 'in 5', '1,5', '+5', 'soon', ''])
      assert.equal(parseRetryAfter(value), undefined, value);
  });
});
