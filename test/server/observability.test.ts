// What createTokenHandler tells the host about its exchanges with Spotnana: `onExchange`,
// once per call to Spotnana with its duration and outcome, and the one line it prints by
// default (console.error) for a failed exchange when the host gives no `onError`.
// Against the emulator and small raw servers; never a token, a subject token or a secret.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it, mock } from 'node:test';
import { inspect } from 'node:util';
import { createTokenHandler, type TokenExchangeEvent, type TokenHandlerOptions } from '../../src/server/index.ts';
import { closedPortUrl, recordingServer, sendJson } from '../support/servers.ts';
import { startSpotnana, type SpotnanaFixture } from '../support/spotnana.ts';

const CLIENT_ID = 'observed-client';
const CLIENT_SECRET = 'observed-secret-3c4d5e6f7a8b';
const WRONG_SECRET = 'wrong-secret-9f8e7d6c5b4a';
const SUBJECT = 'observed-subject-token-1a2b3c';
const APP = 'http://app.example';

let spotnana: SpotnanaFixture;
before(async () => {
  spotnana = await startSpotnana({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    subjects: { [SUBJECT]: 'alice@example.com' },
    users: ['alice@example.com'],
  });
});
after(() => spotnana.close());

// Every console.error call of a test, its arguments as given (anything but a string inspected).
let printed: string[][] = [];
beforeEach(() => {
  printed = [];
  mock.method(console, 'error', (...args: unknown[]) =>
    printed.push(args.map((a) => (typeof a === 'string' ? a : `not a string: ${inspect(a)}`))),
  );
});
afterEach(() => mock.restoreAll());

const post = (headers: Record<string, string> = { origin: APP }, method = 'POST', signal?: AbortSignal) =>
  new Request(`${APP}/api/spotnana-token`, { method, headers, signal });

function handlerWith(overrides: Partial<TokenHandlerOptions> = {}) {
  const events: TokenExchangeEvent[] = [];
  const handler = createTokenHandler({
    apiUrl: spotnana.emulator.url,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    getSubjectToken: () => SUBJECT,
    onExchange: (event) => events.push(event),
    ...overrides,
  });
  return { handler, events };
}

/** The secrets of this file, and any tokens an answer held: none may reach an event or a line. */
function assertClean(text: string, what: string, tokens: string[] = []) {
  for (const secret of [CLIENT_SECRET, WRONG_SECRET, SUBJECT, ...tokens]) {
    assert.ok(!text.includes(secret), `${what} holds ${JSON.stringify(secret)}: ${text}`);
  }
}

function assertEvent(event: TokenExchangeEvent | undefined, expected: Omit<TokenExchangeEvent, 'durationMs'>) {
  assert.ok(event, 'an event');
  assert.deepEqual(Object.keys(event).sort(), ['durationMs', ...Object.keys(expected)].sort());
  assert.equal(typeof event.durationMs, 'number');
  assert.ok(event.durationMs >= 0 && Number.isFinite(event.durationMs), `durationMs ${event.durationMs}`);
  assert.deepEqual({ ...event, durationMs: 0 }, { ...expected, durationMs: 0 });
}

describe('onExchange: one event per exchange with Spotnana', () => {
  it('ok, with Spotnana’s status and the time it took', async () => {
    const { handler, events } = handlerWith();
    const started = performance.now();
    const response = await handler(post());
    const took = performance.now() - started;
    assert.equal(response.status, 200);
    const { accessToken, refreshToken } = await response.json();
    assert.equal(events.length, 1);
    assertEvent(events[0], { outcome: 'ok', status: 200 });
    assert.ok(events[0]!.durationMs <= took + 1, `${events[0]!.durationMs} ms within the ${took} ms of the call`);
    assertClean(JSON.stringify(events), 'the event', [accessToken, refreshToken]);
  });

  it('rejected, with the OAuth code and status, for a wrong client secret', async () => {
    const { handler, events } = handlerWith({ clientSecret: WRONG_SECRET, onError: () => {} });
    assert.equal((await handler(post())).status, 403);
    assert.equal(events.length, 1);
    assertEvent(events[0], { outcome: 'rejected', code: 'invalid_client', status: 401 });
    assertClean(JSON.stringify(events), 'the event');
  });

  it('error, without a status, when Spotnana cannot be reached (one event for the call and its retry)', async () => {
    const { handler, events } = handlerWith({ apiUrl: await closedPortUrl(), onError: () => {} });
    assert.equal((await handler(post())).status, 502);
    assert.equal(events.length, 1);
    assertEvent(events[0], { outcome: 'error', code: 'network_error' });
  });

  const upstreams: Array<
    [string, (res: Parameters<typeof sendJson>[0]) => void, Omit<TokenExchangeEvent, 'durationMs'>]
  > = [
    [
      'a 5xx',
      (res) => sendJson(res, 503, { error: 'temporarily_unavailable' }),
      { outcome: 'error', code: 'http_error', status: 503 },
    ],
    [
      'a 429',
      (res) => sendJson(res, 429, { error: 'slow_down' }, { 'retry-after': '60' }),
      { outcome: 'error', code: 'http_error', status: 429 },
    ],
    [
      'a 2xx that is not JSON',
      (res) => res.writeHead(200).end('<html>'),
      { outcome: 'error', code: 'invalid_response', status: 200 },
    ],
    [
      'a 4xx without an OAuth error',
      (res) => sendJson(res, 404, { message: 'no such route' }),
      { outcome: 'error', code: 'http_error', status: 404 },
    ],
    [
      'an OAuth error on a 5xx',
      (res) => sendJson(res, 500, { error: 'invalid_request' }),
      { outcome: 'error', code: 'invalid_request', status: 500 },
    ],
    [
      'an OAuth error on a 400',
      (res) => sendJson(res, 400, { error: 'invalid_grant' }),
      { outcome: 'rejected', code: 'invalid_grant', status: 400 },
    ],
  ];
  for (const [name, answer, expected] of upstreams) {
    it(`${expected.outcome} for ${name}`, async () => {
      const upstream = await recordingServer((_req, res) => answer(res));
      try {
        const { handler, events } = handlerWith({ apiUrl: upstream.url, onError: () => {} });
        await (await handler(post())).text();
        assert.equal(events.length, 1);
        assertEvent(events[0], expected);
      } finally {
        await upstream.close();
      }
    });
  }

  it('error with code timeout when the exchange outlives `timeout`', async () => {
    const silent = await recordingServer(() => {});
    try {
      const { handler, events } = handlerWith({ apiUrl: silent.url, timeout: 200, onError: () => {} });
      assert.equal((await handler(post())).status, 502);
      assertEvent(events[0], { outcome: 'error', code: 'timeout' });
      assert.ok(events[0]!.durationMs >= 150, `${events[0]!.durationMs} ms`);
    } finally {
      await silent.close();
    }
  });

  it('error with code aborted when the page’s request is aborted during the exchange', async () => {
    let reached!: () => void;
    const inExchange = new Promise<void>((resolve) => (reached = resolve));
    const silent = await recordingServer(() => reached());
    try {
      const { handler, events } = handlerWith({ apiUrl: silent.url, onError: () => {} });
      const controller = new AbortController();
      const answer = handler(post({ origin: APP }, 'POST', controller.signal)).catch(() => undefined);
      await inExchange;
      controller.abort();
      await answer;
      assert.equal(events.length, 1);
      assertEvent(events[0], { outcome: 'error', code: 'aborted' });
    } finally {
      await silent.close();
    }
  });

  it('is not called for requests refused before Spotnana is called (method, origin, no subject token)', async () => {
    const { handler, events } = handlerWith({ onError: () => {} });
    assert.equal((await handler(post({ origin: APP }, 'GET'))).status, 405);
    assert.equal((await handler(post({ origin: 'https://evil.example' }))).status, 403);
    const anonymous = handlerWith({ getSubjectToken: () => undefined, onError: () => {} });
    assert.equal((await anonymous.handler(post())).status, 401);
    const broken = handlerWith({
      getSubjectToken: () => {
        throw new Error('session store down');
      },
      onError: () => {},
    });
    assert.equal((await broken.handler(post())).status, 500);
    assert.deepEqual([...events, ...anonymous.events, ...broken.events], []);
  });

  it('a throwing or rejecting onExchange does not change the answer', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const throwing = handlerWith({
        onExchange: () => {
          throw new Error('metrics broken');
        },
      });
      assert.equal((await throwing.handler(post())).status, 200);
      const rejecting = handlerWith({
        onExchange: (() => Promise.reject(new Error('metrics broken'))) as () => void,
        clientSecret: WRONG_SECRET,
        onError: () => {},
      });
      assert.equal((await rejecting.handler(post())).status, 403);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('refuses an onExchange that is not a function when created', () => {
    assert.throws(() => handlerWith({ onExchange: 'metrics' as unknown as () => void }), {
      name: 'TypeError',
      message: /\bonExchange\b/,
    });
  });
});

describe('a failed exchange is printed, once, when there is no onError', () => {
  const LINE =
    /^spotnana-embed: token exchange failed: (\S+)(?: \(HTTP (\d{3})\))?(?:: ([^\n]*))?; pass onError to createTokenHandler to log it your way$/;

  /** The one line printed, as one string argument. */
  function theLine(): RegExpExecArray {
    assert.equal(printed.length, 1, `one console.error call, got ${JSON.stringify(printed)}`);
    assert.equal(printed[0]!.length, 1, 'with one argument');
    const line = printed[0]![0]!;
    const match = LINE.exec(line);
    assert.ok(match, `the line: ${line}`);
    assertClean(line, 'the line');
    return match;
  }

  it('a rejection: its code, Spotnana’s status and description', async () => {
    const { handler } = handlerWith({ clientSecret: WRONG_SECRET, onExchange: undefined });
    assert.equal((await handler(post())).status, 403);
    const [, code, status, detail] = theLine();
    assert.equal(code, 'invalid_client');
    assert.equal(status, '401');
    assert.ok(detail && detail.length > 0, 'with Spotnana’s description');
  });

  it('a network error: its code and what happened', async () => {
    const { handler } = handlerWith({ apiUrl: await closedPortUrl() });
    assert.equal((await handler(post())).status, 502);
    const [, code, status, detail] = theLine();
    assert.equal(code, 'network_error');
    assert.equal(status, undefined);
    assert.match(detail ?? '', /could not be reached/);
  });

  it('a description that echoes the secrets, with line breaks: redacted, on one line', async () => {
    const upstream = await recordingServer((_req, res) =>
      sendJson(res, 400, {
        error: 'invalid_grant',
        error_description: `bad ${SUBJECT}\nfor ${CLIENT_SECRET}\r\n\u2028spotnana-embed: forged line \u001b[31m`,
      }),
    );
    try {
      const { handler } = handlerWith({ apiUrl: upstream.url });
      assert.equal((await handler(post())).status, 403);
      const [, code, status] = theLine();
      assert.equal(code, 'invalid_grant');
      assert.equal(status, '400');
      // eslint-disable-next-line no-control-regex -- finding them is the point
      assert.doesNotMatch(printed[0]![0]!, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    } finally {
      await upstream.close();
    }
  });

  it('nothing when onError is given, whatever fails', async () => {
    const seen: unknown[] = [];
    const onError = (error: unknown) => seen.push(error);
    await handlerWith({ clientSecret: WRONG_SECRET, onError }).handler(post());
    await handlerWith({ apiUrl: await closedPortUrl(), onError }).handler(post());
    await handlerWith({ onError }).handler(post({ origin: 'https://evil.example' }));
    assert.equal(seen.length, 3);
    assert.deepEqual(printed, []);
  });

  it('nothing for a success, a wrong method, no subject token, or a request the page aborted', async () => {
    await handlerWith().handler(post());
    await handlerWith().handler(post({ origin: APP }, 'GET'));
    await handlerWith({ getSubjectToken: () => '' }).handler(post());
    const silent = await recordingServer(() => {});
    try {
      const controller = new AbortController();
      const answer = handlerWith({ apiUrl: silent.url })
        .handler(post({ origin: APP }, 'POST', controller.signal))
        .catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.abort();
      await answer;
    } finally {
      await silent.close();
    }
    assert.deepEqual(printed, []);
  });

  it('a refused origin: the first one only, with the allowed origins', async () => {
    const listed = handlerWith({ allowedOrigins: ['https://www.example.com', 'https://admin.example.com/'] });
    await listed.handler(post({ 'sec-fetch-site': 'cross-site' }));
    await listed.handler(post({ origin: 'https://evil.example' }));
    assert.deepEqual(printed, [
      [
        'spotnana-embed: refused a token request without Origin from a "cross-site" page (Sec-Fetch-Site); further refusals are not printed; pass onError to createTokenHandler to log them your way',
      ],
    ]);
    printed = [];
    await handlerWith({ allowedOrigins: ['https://www.example.com'] }).handler(
      post({ origin: 'https://evil.example\u0085' }),
    );
    assert.deepEqual(printed, [
      [
        'spotnana-embed: refused a token request from origin "https://evil.example\\u0085", which is not in allowedOrigins ["https://www.example.com"]; further refusals are not printed; pass onError to createTokenHandler to log them your way',
      ],
    ]);
    printed = [];

    const { handler } = handlerWith();
    assert.equal((await handler(post({ origin: 'https://evil.example' }))).status, 403);
    assert.equal((await handler(post({ origin: 'https://other.example' }))).status, 403);
    assert.equal(printed.length, 1, JSON.stringify(printed));
    const line = printed[0]![0]!;
    assert.equal(
      line,
      'spotnana-embed: refused a token request from origin "https://evil.example", which is not the origin of the request\'s URL, "http://app.example" (behind a proxy, list your public origin in allowedOrigins); further refusals are not printed; pass onError to createTokenHandler to log them your way',
    );
  });
});
