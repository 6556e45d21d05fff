// The token client, in the SPEC's words ("The token endpoint", the tokenProvider row and the
// token-endpoint / token-provider codes of spotnana-error): fetchTokens() and retryDelay()
// directly, then the same failures through the element. Every request goes over real HTTP to
// the scripted fake endpoint (test/support/fake-spotnana.mjs); nothing is patched, and times
// are only ever asserted as lower bounds.
import { expect } from '@open-wc/testing';
import type { SpotnanaEmbed } from '../../src/index.js';
import { EmbedError } from '../../src/error.js';
import { tokenRequestInit, type TokenSource } from '../../src/config.js';
import {
  fetchTokens,
  MAX_ATTEMPTS,
  retryDelay,
  type TokenProvider,
  type TokenRequest,
  type Tokens,
} from '../../src/token-client.js';
import { timing } from '../../src/timing.js';
import {
  closingOrigin,
  control,
  command,
  embed,
  EMBED_ORIGIN,
  errors,
  frameOf,
  ofType,
  outlastTimers,
  pageCookie,
  receivedBefore,
  reports,
  responses,
  serverRoundTrip,
  sleep,
  tokenLog,
  uid,
  until,
  useTiming,
  view,
} from './helpers.js';

// Nothing the client or the element does may throw into the page.
const pageErrors: unknown[] = [];
addEventListener('error', (e) => pageErrors.push(e.error ?? e.message));
addEventListener('unhandledrejection', (e) => pageErrors.push(e.reason));
afterEach(() => expect(pageErrors.splice(0)).to.deep.equal([]));

/** The fake endpoint's absolute URL for a script; `key` names its token log. */
const endpointUrl = (key: string, script: string, origin = location.origin) =>
  new URL(`/token?key=${key}&s=${script}`, origin).href;

/** A token source as the configuration resolves it: the provider when given, else the endpoint with the default request. */
const sourceOf = ({ endpoint = '', provider }: { endpoint?: string; provider?: TokenProvider }): TokenSource =>
  provider
    ? { kind: 'token-provider', provider }
    : { kind: 'token-endpoint', url: endpoint, init: tokenRequestInit('same-origin') };

type CallOptions = Partial<Omit<TokenRequest, 'source'>> & { endpoint?: string; provider?: TokenProvider };

/** One fetchTokens() call against the fake endpoint with `script`, a fresh AbortController and a 5 s timeout. */
function call(script: string, { endpoint, provider, ...options }: CallOptions = {}) {
  const key = uid('tc');
  const controller = new AbortController();
  const started = Date.now();
  const promise = fetchTokens({
    source: sourceOf({ endpoint: endpoint ?? endpointUrl(key, script), provider }),
    timeout: 5000,
    signal: controller.signal,
    env: 'sandbox',
    embedOrigin: EMBED_ORIGIN,
    ...options,
  });
  return { key, controller, promise, started };
}

/** What `promise` rejected with; fails the test when it resolves. */
const rejection = (promise: Promise<unknown>): Promise<any> =>
  promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error) => error,
  );

/** Asserts an EmbedError with this detail, and that neither its message nor its string form holds a token of `key`. */
function expectTokenError(error: unknown, source: string, code: string, status?: number, key?: string) {
  expect(error, String(error)).to.be.instanceOf(EmbedError);
  const e = error as EmbedError;
  expect(e.detail).to.deep.equal(
    status ? { source, code, message: e.message, status } : { source, code, message: e.message },
  );
  expect(e.message).to.be.a('string').and.not.equal('');
  if (key) {
    for (const text of [e.message, String(e), JSON.stringify(e)]) {
      expect(text).not.to.include(`at-${key}`);
      expect(text).not.to.include(`rt-${key}`);
    }
  }
}

const attempts = async (key: string) => (await tokenLog(key)).length;
const gaps = async (key: string) => {
  const log = await tokenLog(key);
  return log.slice(1).map((entry, i) => entry.at - log[i].at);
};

describe('fetchTokens: a good answer becomes a token set', () => {
  it('accepts the camelCase answer, with expiresIn, in one POST with Accept: application/json and no body', async () => {
    const { key, promise } = call('ok');
    expect(await promise).to.deep.equal({ accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1`, expiresIn: 3600 });
    const log = await tokenLog(key);
    expect(log).to.have.length(1);
    expect(log[0]).to.include({ method: 'POST', accept: 'application/json', bodyLength: 0, contentType: null });
  });

  it("accepts Spotnana's snake_case answer and maps expires_in to expiresIn (nothing else is kept)", async () => {
    const { key, promise } = call('snake');
    expect(await promise).to.deep.equal({ accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1`, expiresIn: 3600 });
  });

  it('accepts an answer without expiresIn', async () => {
    const { key, promise } = call('okne');
    const tokens = await promise;
    expect(tokens).to.deep.equal({ accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1`, expiresIn: undefined });
  });

  it('reads a body that arrives slowly but within the timeout', async () => {
    const { key, promise } = call('trickle:5', { timeout: 3000 });
    expect(await promise).to.deep.equal({
      accessToken: `at-${key}-1`,
      refreshToken: `rt-${key}-1`,
      expiresIn: undefined,
    });
  });
});

describe('fetchTokens: an invalid answer is invalid-response, at once and never retried', () => {
  const invalid: [string, string][] = [
    ['badjson', 'JSON cut short'],
    ['html', 'an HTML sign-in page'],
    ['empty', 'an empty body'],
    ['missing', 'no refreshToken'],
    ['wrongtype', 'tokens that are not strings'],
    ['emptystr', 'empty-string tokens'],
    ['array', 'an array holding a token set'],
    ['badexpiry', 'an expiresIn that is not a number'],
    ['redirect', 'a redirect (an expired session)'],
    ['big', 'a body over 64 KiB (chunked)'],
    ['biglen', 'a body over 64 KiB with Content-Length'],
    ['bigchunked', 'a body over 64 KiB without Content-Length'],
  ];

  for (const [script, what] of invalid) {
    it(`${what} (${script}): EmbedError(token-endpoint, invalid-response), no status, 1 attempt, no token in the message`, async () => {
      const { key, promise } = call(script);
      const error = await rejection(promise);
      expect(error.detail.code, `${script}: ${what}`).to.equal('invalid-response');
      expectTokenError(error, 'token-endpoint', 'invalid-response', undefined, key);
      expect(await attempts(key), `${script}: attempts`).to.equal(1);
    });
  }

  it('refuses a Content-Length over 64 KiB from the header alone, without waiting for the body', async () => {
    // The fake sends the header and never the body: reading it would end in a timeout.
    const { key, promise } = call('bighead', { timeout: 3000 });
    expectTokenError(await rejection(promise), 'token-endpoint', 'invalid-response');
    expect(await attempts(key)).to.equal(1);
  });
});

describe('fetchTokens: HTTP errors', () => {
  // Not about the backoff's length: a short one.
  useTiming({ retryBackoffMs: 50 });

  for (const status of [401, 403, 404, 400]) {
    it(`${status} is http-error with the status, after 1 attempt (not retried)`, async () => {
      const { key, promise } = call(`${status},ok`);
      expectTokenError(await rejection(promise), 'token-endpoint', 'http-error', status);
      expect(await attempts(key), `${status}: attempts`).to.equal(1);
    });
  }

  for (const status of [500, 502, 503, 504, 408, 429]) {
    it(`${status} is retried: 3 attempts, then http-error with the last status`, async () => {
      // A 408 comes from the origin that never reuses a connection (see closingOrigin).
      const key = uid('tc');
      const endpoint = endpointUrl(key, `${status}`, status === 408 ? await closingOrigin() : location.origin);
      const { promise } = call(`${status}`, { endpoint });
      expectTokenError(await rejection(promise), 'token-endpoint', 'http-error', status);
      expect(await attempts(key), `${status}: attempts`).to.equal(3);
    });
  }

  it("the error names the last failure, whatever came before: '500,503,502' is HTTP 502", async () => {
    const statuses = call('500,503,502');
    expectTokenError(await rejection(statuses.promise), 'token-endpoint', 'http-error', 502);
    expect(await attempts(statuses.key)).to.equal(3);
  });

  it("the error names the last failure, whatever came before: '503,500,badjson' is invalid-response", async () => {
    const mixed = call('503,500,badjson');
    expectTokenError(await rejection(mixed.promise), 'token-endpoint', 'invalid-response');
    expect(await attempts(mixed.key)).to.equal(3);
  });

  it("'503,ok' succeeds with the second set", async () => {
    const second = call('503,ok');
    expect(await second.promise).to.deep.equal({
      accessToken: `at-${second.key}-2`,
      refreshToken: `rt-${second.key}-2`,
      expiresIn: 3600,
    });
    expect(await attempts(second.key)).to.equal(2);
  });

  it("'500,500,ok' succeeds with the third set", async () => {
    const third = call('500,500,ok');
    expect(await third.promise).to.deep.equal({
      accessToken: `at-${third.key}-3`,
      refreshToken: `rt-${third.key}-3`,
      expiresIn: 3600,
    });
    expect(await attempts(third.key)).to.equal(3);
  });
});

describe("fetchTokens: an error answer's `error` code is in the message", () => {
  // Not about the backoff's length: a short one.
  useTiming({ retryBackoffMs: 50 });
  const body = (status: number, text: string) => `body:${status}:${encodeURIComponent(text)}`;
  const messageFor = async (script: string) => ((await rejection(call(script).promise)) as EmbedError).message;

  it('a JSON `error` code follows the status: "HTTP 403 (exchange_rejected)"', async () => {
    expect(await messageFor(body(403, '{"error":"exchange_rejected"}'))).to.equal(
      'The token endpoint answered HTTP 403 (exchange_rejected).',
    );
    expect(await messageFor(body(401, '{ "error" : "unauthenticated" }'))).to.equal(
      'The token endpoint answered HTTP 401 (unauthenticated).',
    );
  });

  it('the code of the last attempt when retried', async () => {
    expect(await messageFor(`500,503,${body(502, '{"error":"upstream_unavailable"}')}`)).to.equal(
      'The token endpoint answered HTTP 502 (upstream_unavailable).',
    );
  });

  // No code when the body has none, is not JSON, or holds anything but a short code.
  const noCode: [string, string][] = [
    ['an empty body', body(403, '')],
    ['an HTML body', body(403, '<html><body>Forbidden</body></html>')],
    ['JSON without an error field', body(403, '{"message":"no error field"}')],
    ['a JSON array', body(403, '["exchange_rejected"]')],
    ['an error that is a number', body(403, '{"error":42}')],
    ['an error holding markup', body(403, '{"error":"<b>x</b>"}')],
    ['an error of two words', body(403, '{"error":"two words"}')],
    ['an error with a line break', body(403, '{"error":"line\nbreak"}')],
    ['an error over 64 characters', body(403, `{"error":"${'a'.repeat(65)}"}`)],
    ['a 70 KiB JSON answer', 'bigerror:403'],
  ];
  for (const [what, script] of noCode) {
    it(`no code in the message for ${what}: "HTTP 403."`, async () => {
      expect(await messageFor(script), script.slice(0, 60)).to.equal('The token endpoint answered HTTP 403.');
    });
  }
});

describe('fetchTokens: network errors and timeouts', () => {
  // A short backoff; the tests that measure the time they took assert against it.
  useTiming({ retryBackoffMs: 200 });
  /** The least the two backoffs before attempts 2 and 3 add up to: ½ + 1 × retryBackoffMs. */
  const leastBackoffs = () => 1.5 * timing.retryBackoffMs;

  it('a closed port is network-error after 3 attempts (two backoffs: at least 1.5 × retryBackoffMs)', async () => {
    const started = Date.now();
    const controller = new AbortController();
    const error = await rejection(
      fetchTokens({
        source: sourceOf({ endpoint: 'http://127.0.0.1:9/token' }),
        timeout: 2000,
        signal: controller.signal,
        env: 'sandbox',
        embedOrigin: EMBED_ORIGIN,
      }),
    );
    expectTokenError(error, 'token-endpoint', 'network-error');
    expect(Date.now() - started).to.be.at.least(leastBackoffs() - 10);
  });

  it('a cross-origin endpoint that sends no CORS headers is network-error after exactly 3 attempts', async () => {
    // 127.0.0.1 is another origin than the page's localhost: the requests arrive, the answers are blocked.
    const key = uid('cors');
    const endpoint = `http://127.0.0.1:${location.port}/token?key=${key}&s=ok`;
    const controller = new AbortController();
    const error = await rejection(
      fetchTokens({
        source: sourceOf({ endpoint }),
        timeout: 2000,
        signal: controller.signal,
        env: 'sandbox',
        embedOrigin: EMBED_ORIGIN,
      }),
    );
    expectTokenError(error, 'token-endpoint', 'network-error', undefined, key);
    expect(await attempts(key)).to.equal(3);
  });

  // An attempt that the client gives up before its request has reached the server is not
  // logged: token-timeout leaves each request time to arrive on a loaded machine (at 300 ms,
  // one of three attempts once went missing under load).
  const ARRIVAL_TIMEOUT = 1000;

  it('an endpoint that never answers is timeout after 3 attempts of token-timeout each', async () => {
    const { key, promise, started } = call('hang', { timeout: ARRIVAL_TIMEOUT });
    expectTokenError(await rejection(promise), 'token-endpoint', 'timeout');
    expect(await attempts(key)).to.equal(3);
    // 3 token-timeouts of attempts + at least ½ + 1 × retryBackoffMs of backoff
    expect(Date.now() - started).to.be.at.least(3 * ARRIVAL_TIMEOUT + leastBackoffs() - 10);
  });

  it('the timeout covers the body too: headers at once, then a body slower than the timeout, is timeout', async () => {
    // A byte every 400 ms: the body of about 60 bytes would take 24 s.
    const { key, promise } = call('trickle:400', { timeout: ARRIVAL_TIMEOUT });
    expectTokenError(await rejection(promise), 'token-endpoint', 'timeout', undefined, key);
    expect(await attempts(key)).to.equal(3);
  });

  it('each attempt has its own timeout: a hang, then a good answer, succeeds', async () => {
    // The second attempt's whole round trip must fit in token-timeout: at 1000 ms it once did
    // not under load.
    const { key, promise } = call('hang,ok', { timeout: 2000 });
    expect(await promise).to.deep.equal({ accessToken: `at-${key}-2`, refreshToken: `rt-${key}-2`, expiresIn: 3600 });
  });
});

describe('fetchTokens: waits between attempts', () => {
  // A shorter backoff than the default, and the bounds it sets (retryDelay's tests check the
  // default's numbers): the first wait is at least ½ retryBackoffMs, the second at least 1 ×.
  useTiming({ retryBackoffMs: 200 });

  for (const status of [503, 500, 429]) {
    it(`without Retry-After (${status}), the 2nd attempt comes at least ½ and the 3rd at least 1 × retryBackoffMs after the one before`, async () => {
      const run = call(`${status}`);
      await rejection(run.promise);
      const [second, third] = await gaps(run.key);
      expect(second, 'wait before attempt 2').to.be.at.least(timing.retryBackoffMs / 2);
      expect(third, 'wait before attempt 3').to.be.at.least(timing.retryBackoffMs);
    });
  }

  for (const status of [503, 429]) {
    it(`Retry-After in seconds replaces the backoff (${status})`, async () => {
      const run = call(`ra:1:${status},ok`);
      expect((await run.promise).accessToken).to.equal(`at-${run.key}-2`);
      expect((await gaps(run.key))[0]).to.be.at.least(900);
    });
  }

  it('Retry-After as an HTTP date: the next attempt does not come before that date', async () => {
    const at = Math.ceil((Date.now() + 2000) / 1000) * 1000; // whole seconds, at least 2 s away
    const date = new Date(at).toUTCString(); // "Wed, 01 Jan 2031 10:00:00 GMT": escaped twice for the script's ':' and ','
    const { key, promise } = call(`ra:${encodeURIComponent(encodeURIComponent(date))}:503,ok`);
    expect((await promise).accessToken).to.equal(`at-${key}-2`);
    const [first, second] = await tokenLog(key);
    expect(first.at).to.be.below(at - 1000); // the date really was ahead of the first answer
    expect(second.at).to.be.at.least(at - 5);
  });
});

describe('fetchTokens: the caller aborts', () => {
  // A short backoff, waited out where a retry must not come.
  useTiming({ retryBackoffMs: 100 });

  it('mid-fetch: rejects with the abort reason (no EmbedError) and makes no further attempt', async () => {
    const { key, controller, promise } = call('hang', { timeout: 5000 });
    await until(() => attempts(key), 'the first attempt');
    const reason = new Error('the element went away');
    controller.abort(reason);
    expect(await rejection(promise)).to.equal(reason);
    // Any first backoff has run out (a retry would have been sent), and its request arrived.
    await outlastTimers(timing.retryBackoffMs);
    await serverRoundTrip();
    expect(await attempts(key)).to.equal(1);
  });

  it('during a retry wait: rejects with the abort reason at once, not after the wait, and makes no further attempt', async () => {
    // The first attempt hangs until its 300 ms timeout aborts it; the client then waits its
    // backoff, made 10 s or more here (put back after the test, useTiming). The server sees
    // the connection cut only after the client has aborted it, and by then the client waits.
    timing.retryBackoffMs = 20_000;
    const { key, controller, promise } = call('hang,ok', { timeout: 300 });
    await until(async () => (await tokenLog(key))[0]?.closed, 'the first attempt to time out');
    const reason = new DOMException('reloaded', 'AbortError');
    controller.abort(reason);
    // The bound of the failure (a client that sat out its wait), not a wait: a correct client
    // settles at once.
    const settled = await Promise.race([rejection(promise), sleep(5000).then(() => 'still waiting after 5 s')]);
    expect(settled).to.equal(reason);
    await serverRoundTrip();
    expect(await attempts(key)).to.equal(1);
  });

  it('an already aborted signal rejects with its reason and makes no attempt at all', async () => {
    const key = uid('pre');
    const controller = new AbortController();
    const reason = { why: 'signed out' };
    controller.abort(reason);
    const promise = fetchTokens({
      source: sourceOf({ endpoint: endpointUrl(key, 'ok') }),
      timeout: 2000,
      signal: controller.signal,
      env: 'sandbox',
      embedOrigin: EMBED_ORIGIN,
    });
    expect(await rejection(promise)).to.equal(reason);
    await serverRoundTrip();
    expect(await attempts(key)).to.equal(0);
  });
});

describe('retryDelay: how long before the next attempt', () => {
  it('attempt 1 waits in [250, 500) ms and attempt 2 in [500, 1000) ms over random in [0, 1)', () => {
    expect(retryDelay(1, null, 0)).to.equal(250);
    expect(retryDelay(1, null, 0.5)).to.equal(375);
    expect(retryDelay(1, null, 0.999999)).to.be.within(499, 499.999999);
    expect(retryDelay(2, null, 0)).to.equal(500);
    expect(retryDelay(2, null, 0.5)).to.equal(750);
    expect(retryDelay(2, null, 0.999999)).to.be.within(999, 999.999999);
    for (let i = 0; i < 100; i++) {
      expect(retryDelay(1, undefined, Math.random()))
        .to.be.at.least(250)
        .and.below(500);
      expect(retryDelay(2, undefined, Math.random()))
        .to.be.at.least(500)
        .and.below(1000);
    }
  });

  it('Retry-After in seconds is that many ms, capped at 30 s', () => {
    expect(retryDelay(1, '1', 0.5)).to.equal(1000);
    expect(retryDelay(2, '7', 0.5)).to.equal(7000);
    expect(retryDelay(1, ' 2 ', 0.5)).to.equal(2000);
    expect(retryDelay(1, '0', 0.5)).to.equal(0);
    expect(retryDelay(1, '30', 0.5)).to.equal(30000);
    expect(retryDelay(1, '31', 0.5)).to.equal(30000);
    expect(retryDelay(1, '3600', 0.5)).to.equal(30000);
  });

  it('Retry-After as an HTTP date: the time until it, 0 when past, capped at 30 s', () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 0);
    expect(retryDelay(1, new Date(now + 5000).toUTCString(), 0.5, now)).to.equal(5000);
    expect(retryDelay(1, 'Tue, 01 Jan 2030 12:00:12 GMT', 0.5, now)).to.equal(12000);
    expect(retryDelay(1, new Date(now - 5000).toUTCString(), 0.5, now)).to.equal(0);
    expect(retryDelay(1, new Date(now + 3_600_000).toUTCString(), 0.5, now)).to.equal(30000);
  });

  for (const value of [null, undefined, '', 'soon', 'garbage', 'never', '5s']) {
    it(`a missing or unreadable Retry-After (${JSON.stringify(value) ?? 'undefined'}) falls back to the backoff`, () => {
      expect(retryDelay(1, value, 0.5), JSON.stringify(value)).to.equal(375);
      expect(retryDelay(2, value, 0.5), JSON.stringify(value)).to.equal(750);
    });
  }

  // Regression: Date.parse() alone reads "1.5" or "-1" as dates in 2001, which made the
  // wait 0 (an immediate retry) instead of the backoff.
  for (const value of ['1.5', '-1', 'in 5', '1,5', '+5']) {
    it(`a Retry-After that is neither seconds nor an HTTP date (${JSON.stringify(value)}) falls back to the backoff, not to 0`, () => {
      expect(retryDelay(1, value, 0.5), JSON.stringify(value)).to.equal(375);
    });
  }

  it('the backoff is SpotnanaEmbed.timing.retryBackoffMs as it is when the wait starts', () => {
    const saved = timing.retryBackoffMs;
    try {
      timing.retryBackoffMs = 100;
      expect(retryDelay(1, null, 0)).to.equal(50);
      expect(retryDelay(2, null, 0.5)).to.equal(150);
    } finally {
      timing.retryBackoffMs = saved;
    }
    expect(retryDelay(1, null, 0)).to.equal(250);
  });
});

describe('tokenProvider: replaces the endpoint, validated like it, never retried', () => {
  // A short backoff, waited out where a retry must not come.
  useTiming({ retryBackoffMs: 100 });
  /** A provider that counts its calls and keeps the signal it got. */
  function provider(answer: (ctx: { signal: AbortSignal }) => unknown) {
    const calls: { signal: AbortSignal; env: string; embedOrigin: string }[] = [];
    const fn = ((ctx) => {
      calls.push(ctx);
      return answer(ctx);
    }) as TokenProvider;
    return { fn, calls };
  }
  const viaProvider = (fn: TokenProvider, timeout = 2000) => call('ok', { provider: fn, timeout, env: 'production' });

  it('resolves with its answer, gets env, embedOrigin and a live signal, and the endpoint is not called', async () => {
    const p = provider(async () => ({ accessToken: 'p-at', refreshToken: 'p-rt', expiresIn: 600 }));
    const { key, promise } = viaProvider(p.fn);
    expect(await promise).to.deep.equal({ accessToken: 'p-at', refreshToken: 'p-rt', expiresIn: 600 });
    expect(p.calls).to.have.length(1);
    expect(p.calls[0]).to.include({ env: 'production', embedOrigin: EMBED_ORIGIN });
    expect(p.calls[0].signal).to.be.instanceOf(AbortSignal);
    expect(p.calls[0].signal.aborted).to.equal(false);
    expect(await attempts(key)).to.equal(0);
  });

  it('accepts a snake_case answer too (validated like the endpoint)', async () => {
    const p = provider(async () => ({ access_token: 'p-at', refresh_token: 'p-rt', expires_in: 60 }));
    expect(await viaProvider(p.fn).promise).to.deep.equal({ accessToken: 'p-at', refreshToken: 'p-rt', expiresIn: 60 });
  });

  for (const [how, answer] of [
    [
      'throws',
      () => {
        throw new Error('boom');
      },
    ],
    [
      'rejects',
      async () => {
        throw new Error('boom');
      },
    ],
  ] as const) {
    it(`${how} with Error('boom'): provider-error with message 'boom', one call`, async () => {
      const p = provider(answer);
      const error = await rejection(viaProvider(p.fn).promise);
      expectTokenError(error, 'token-provider', 'provider-error');
      expect(error.message).to.equal('boom');
      expect(p.calls).to.have.length(1);
    });
  }

  for (const [what, reason] of [
    ['a string', 'nope'],
    ['undefined', undefined],
    ['a number', 42],
    ['a plain object', { code: 'E' }],
  ] as const) {
    it(`rejects with something that is not an Error (${what}): still provider-error, with a message of its own`, async () => {
      const p = provider(() => Promise.reject(reason));
      const error = await rejection(viaProvider(p.fn).promise);
      expectTokenError(error, 'token-provider', 'provider-error');
      expect(p.calls).to.have.length(1);
    });
  }

  it('hangs and ignores its signal: timeout after token-timeout, its signal aborted, not retried', async () => {
    const p = provider(() => new Promise<Tokens>(() => {}));
    const started = Date.now();
    const error = await rejection(viaProvider(p.fn, 300).promise);
    expectTokenError(error, 'token-provider', 'timeout');
    expect(Date.now() - started).to.be.at.least(290);
    expect(p.calls[0].signal.aborted).to.equal(true);
    // Any first backoff has run out: a retry would have called the provider by now.
    await outlastTimers(timing.retryBackoffMs);
    expect(p.calls).to.have.length(1);
  });

  const shapes: [string, unknown][] = [
    ['{}', {}],
    ['no refreshToken', { accessToken: 'a' }],
    ['an empty accessToken', { accessToken: '', refreshToken: 'b' }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'string'],
    ['an array', [{ accessToken: 'a', refreshToken: 'b' }]],
    ['tokens that are not strings', { accessToken: 1, refreshToken: 2 }],
    ['an expiresIn that is not a number', { accessToken: 'a', refreshToken: 'b', expiresIn: '3600' }],
  ];
  for (const [what, answer] of shapes) {
    it(`an answer of the wrong shape (${what}) is invalid-response, one call`, async () => {
      const p = provider(async () => answer);
      const error = await rejection(viaProvider(p.fn).promise);
      expect(error.detail.code, what).to.equal('invalid-response');
      expectTokenError(error, 'token-provider', 'invalid-response');
      expect(p.calls, what).to.have.length(1);
    });
  }

  it('is not retried after an error that the endpoint would retry', async () => {
    const p = provider(() => Promise.reject(new TypeError('Failed to fetch')));
    expectTokenError(await rejection(viaProvider(p.fn).promise), 'token-provider', 'provider-error');
    // Any first backoff has run out: a retry would have called the provider by now.
    await outlastTimers(timing.retryBackoffMs);
    expect(p.calls).to.have.length(1);
  });

  it('the caller aborting rejects with the reason (no TokenError) and aborts the signal the provider got', async () => {
    const p = provider(() => new Promise<Tokens>(() => {}));
    const { controller, promise } = viaProvider(p.fn, 5000);
    const reason = new Error('removed');
    controller.abort(reason);
    expect(await rejection(promise)).to.equal(reason);
    expect(p.calls[0].signal.aborted).to.equal(true);
  });
});

describe('through the element: each failure is one spotnana-error, and nothing is posted', () => {
  // Not about the backoff's length: a short one, waited out before counting the errors.
  useTiming({ retryBackoffMs: 50 });
  // token-timeout is 300 ms where the case is a timeout, and generous elsewhere: on a slow,
  // shared machine a quick 401 must not turn into a timeout.
  const failures: {
    name: string;
    script?: string;
    endpoint?: string;
    provider?: TokenProvider;
    expected: Record<string, unknown>;
  }[] = [
    { name: '401', script: '401', expected: { source: 'token-endpoint', code: 'http-error', status: 401 } },
    { name: '403', script: '403', expected: { source: 'token-endpoint', code: 'http-error', status: 403 } },
    { name: '503 three times', script: '503', expected: { source: 'token-endpoint', code: 'http-error', status: 503 } },
    { name: 'not JSON', script: 'badjson', expected: { source: 'token-endpoint', code: 'invalid-response' } },
    { name: 'a redirect', script: 'redirect', expected: { source: 'token-endpoint', code: 'invalid-response' } },
    {
      name: 'a body over 64 KiB',
      script: 'bigchunked',
      expected: { source: 'token-endpoint', code: 'invalid-response' },
    },
    { name: 'no answer', script: 'hang', expected: { source: 'token-endpoint', code: 'timeout' } },
    {
      name: 'a closed port',
      endpoint: 'http://127.0.0.1:9/token',
      expected: { source: 'token-endpoint', code: 'network-error' },
    },
    {
      name: 'a provider that rejects',
      provider: () => Promise.reject(new Error('boom')),
      expected: { source: 'token-provider', code: 'provider-error', message: 'boom' },
    },
    {
      name: 'a provider answering {}',
      provider: async () => ({}) as Tokens,
      expected: { source: 'token-provider', code: 'invalid-response' },
    },
    {
      name: 'a provider that hangs',
      provider: () => new Promise<Tokens>(() => {}),
      expected: { source: 'token-provider', code: 'timeout' },
    },
  ];

  for (const { name, script, endpoint, provider, expected } of failures) {
    it(`${name}: exactly one spotnana-error with its source, code and status, bubbling, composed, cancelable; the error view shows`, async () => {
      const attrs: Record<string, string> = { 'token-timeout': expected.code === 'timeout' ? '300' : '5000' };
      if (endpoint) attrs['token-endpoint'] = endpoint;
      const { el, id, key, events } = await embed({
        script,
        attrs,
        props: provider ? { tokenProvider: provider } : {},
        frame: { ask: 'never' },
      });
      const [error] = await until(() => ofType(events, 'spotnana-error'), `${name}: spotnana-error`);
      expect(error, name).to.include({ bubbles: true, composed: true, cancelable: true });
      expect(error.detail, name).to.include(expected);
      expect(Object.keys(error.detail).sort(), name).to.deep.equal(
        ['code', 'message', 'source', ...('status' in expected ? ['status'] : [])].sort(),
      );
      expect(error.detail.message, name).to.be.a('string').and.not.equal('');
      expect(error.detail.message, name).not.to.include(`at-${key}`);
      await el.updateComplete;
      expect(view(el), name).to.equal('error');
      const alert = el.shadowRoot!.querySelector('[part=error]')!;
      expect(alert.getAttribute('role'), name).to.equal('alert');
      expect(alert.textContent, name).to.include(error.detail.message);
      // The longest backoff a further attempt would wait has run out, and whatever the element
      // posted to its frame before the marker the frame has reported.
      await outlastTimers(timing.retryBackoffMs * 2 ** (MAX_ATTEMPTS - 1));
      await receivedBefore(frameOf(el)!.contentWindow!, id);
      expect(errors(events), `${name}: one error only`).to.have.length(1);
      expect(
        (await reports(id)).filter((r) => 'data' in r),
        `${name}: nothing posted`,
      ).to.deep.equal([]);
    });
  }

  it('a request waiting on a prefetch that fails gets no answer, and the failure is raised once', async () => {
    // The prefetch is a provider that fails only when the test says so, once the frame's
    // request is known to be waiting on it (no race with a timeout).
    let fail: (reason: Error) => void = () => {};
    let calls = 0;
    const tokenProvider: TokenProvider = () => {
      calls++;
      return new Promise<Tokens>((_, reject) => (fail = reject));
    };
    const { el, id, events } = await embed({ props: { tokenProvider }, frame: { ask: 'never' } });
    await until(() => calls, 'the prefetch');
    command(el, { cmd: 'ask' });
    await until(() => ofType(events, 'spotnana-token-request'), 'the request');
    expect(errors(events), 'the prefetch still runs when the request arrives').to.deep.equal([]);
    fail(new Error('backend down'));
    const [error] = await until(() => errors(events), 'spotnana-error');
    expect(error).to.include({ source: 'token-provider', code: 'provider-error' });
    // What the element does next for the request it runs at once (no timer): by the time
    // the frame reports a marker sent now, an answer posted before it would be reported.
    await receivedBefore(frameOf(el)!.contentWindow!, id);
    expect(errors(events)).to.have.length(1);
    expect(calls, 'the request waited on the prefetch instead of fetching').to.equal(1);
    expect(await responses(id)).to.deep.equal([]);
    expect(ofType(events, 'spotnana-token-sent')).to.deep.equal([]);
    await el.updateComplete;
    expect(view(el)).to.equal('error');
  });

  it('preventDefault() on spotnana-error suppresses the error view', async () => {
    const cancel = (e: Event) => e.preventDefault();
    document.addEventListener('spotnana-error', cancel);
    try {
      const { el, events } = await embed({ script: '401', frame: { ask: 'never' } });
      const [error] = await until(() => errors(events), 'spotnana-error');
      expect(error).to.include({ source: 'token-endpoint', code: 'http-error', status: 401 });
      await el.updateComplete;
      // (booleans, not the element: a failing assertion that prints a live element with its frame disconnects the browser)
      expect(el.shadowRoot!.querySelector('[part=error]') === null, 'no [part=error]').to.equal(true);
      expect(view(el)).not.to.equal('error');
    } finally {
      document.removeEventListener('spotnana-error', cancel);
    }
  });
});

describe('through the element: recovering after a failure', () => {
  it('reload() after a failure fetches again, and the frame gets the new tokens', async () => {
    // on-request and a frame that asks on load: the first request meets the 401, the reloaded frame the good answer.
    const { el, id, key, events } = await embed({ script: '401,ok', attrs: { 'token-fetch': 'on-request' } });
    await until(() => errors(events), 'spotnana-error');
    await el.updateComplete;
    expect(view(el)).to.equal('error');
    expect(await responses(id)).to.deep.equal([]);
    (el as SpotnanaEmbed).reload();
    const [response] = await until(() => responses(id), 'tokens after reload()');
    expect(response.data.payload).to.deep.equal({ accessToken: `at-${key}-2`, refreshToken: `rt-${key}-2` });
    await until(() => ofType(events, 'spotnana-token-sent'), 'spotnana-token-sent');
    await el.updateComplete;
    expect(view(el)).to.equal('none');
    expect(errors(events)).to.have.length(1);
  });

  it("the error view's retry button reloads too", async () => {
    const { el, id, key, events } = await embed({ script: '401,ok', attrs: { 'token-fetch': 'on-request' } });
    await until(() => errors(events), 'spotnana-error');
    await el.updateComplete;
    (el.shadowRoot!.querySelector('[part=retry]') as HTMLButtonElement).click();
    const [response] = await until(() => responses(id), 'tokens after retry');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-2`);
  });

  it('a tokenProvider set while the endpoint prefetch is pending answers the next request (it does not wait on the endpoint)', async () => {
    // The endpoint's prefetch hangs until released: a request must not wait on it once a provider replaced it.
    const { el, id, key } = await embed({ script: 'gate', frame: { ask: 'never' } });
    await until(async () => (await tokenLog(key)).length === 1, 'the endpoint prefetch');
    (el as SpotnanaEmbed).tokenProvider = async () => ({ accessToken: 'provided-at', refreshToken: 'provided-rt' });
    await el.updateComplete;
    command(el, { cmd: 'ask' });
    try {
      const [response] = await until(() => responses(id), 'the provider’s tokens in the frame');
      expect(response.data.payload).to.deep.equal({ accessToken: 'provided-at', refreshToken: 'provided-rt' });
    } finally {
      await control(`/__release?key=${encodeURIComponent(key)}`);
    }
  });

  it('a request after a failed prefetch starts a new fetch, its tokens reach the frame, and the error view clears', async () => {
    const { el, id, key, events } = await embed({ script: '401,ok', frame: { ask: 'never' } });
    const [error] = await until(() => errors(events), 'the prefetch to fail');
    expect(error).to.include({ source: 'token-endpoint', code: 'http-error', status: 401 });
    await el.updateComplete;
    expect(view(el)).to.equal('error');
    command(el, { cmd: 'ask' });
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload).to.deep.equal({ accessToken: `at-${key}-2`, refreshToken: `rt-${key}-2` });
    await until(() => ofType(events, 'spotnana-token-sent'), 'spotnana-token-sent');
    expect(ofType(events, 'spotnana-token-sent')[0].detail).to.deep.equal({ prefetched: false });
    await el.updateComplete;
    expect(view(el)).to.equal('none');
    expect(await tokenLog(key)).to.have.length(2);
  });
});

describe('through the element: token-credentials', () => {
  const cookie = pageCookie();

  /** The Cookie header of the element's prefetch, with `token-credentials` set to `mode` (or not set). */
  async function prefetchCookie(mode?: string) {
    const { key } = await embed({
      frame: { ask: 'never' },
      attrs: mode ? { 'token-credentials': mode } : {},
      wait: false,
    });
    return (await until(() => tokenLog(key), `the prefetch of ${key}`))[0].cookie;
  }

  it('same-origin (the default, unset) sends the page cookie to the endpoint', async () => {
    expect((await prefetchCookie()) ?? '', 'default').to.include(cookie);
  });

  it('same-origin sends the page cookie to the endpoint', async () => {
    expect((await prefetchCookie('same-origin')) ?? '', 'same-origin').to.include(cookie);
  });

  it('include sends the page cookie to the endpoint', async () => {
    expect((await prefetchCookie('include')) ?? '', 'include').to.include(cookie);
  });

  it('omit does not send the page cookie', async () => {
    expect(await prefetchCookie('omit'), 'omit').to.equal(null);
  });
});
