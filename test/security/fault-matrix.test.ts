// The backend fault matrix: the token endpoint (real HTTP, scripted attempt by attempt by
// test/support/fake-spotnana.mjs) and the tokenProvider, failing every way the issue lists.
// For every case, a test of its own: the number of attempts, the one spotnana-error's
// source/code(/status), the error view, no token handed to the frame, and recovery on
// reload(). The waits the cases are not about are short (SpotnanaEmbed.timing, token-timeout),
// and each wait is on an event or a count, never on a guessed time.
import { expect } from '@open-wc/testing';
import type { SpotnanaEmbed, Tokens } from '../../src/index.js';
import {
  closingOrigin,
  embed,
  errors,
  ofType,
  responses,
  thirdOrigin,
  tokenLog,
  until,
  view,
  type Recorded,
} from '../element/helpers.js';
import { keepEmbedSiteAlive, roundTrip, useTiming, whenRecorded } from './support.js';

const pageErrors: unknown[] = [];
addEventListener('error', (e) => pageErrors.push(e.error ?? e.message));
addEventListener('unhandledrejection', (e) => pageErrors.push(e.reason));
afterEach(() => expect(pageErrors.splice(0), 'errors thrown into the page').to.deep.equal([]));
// Every case loads two frames of the embed origin, one after another. The cases need not wait
// for the first to load (embed's `wait: false`): the frame asks as it loads, and a case
// commands it (roundTrip) only once the element has failed that request.
keepEmbedSiteAlive();

/** token-timeout for the attempt after reload(), ms. */
const RECOVERY_TIMEOUT_MS = 60_000;
/**
 * SpotnanaEmbed.timing.retryBackoffMs for the endpoint's cases (default 500): the retried
 * cases wait it × [0.5, 1), then twice that, and check those lower bounds, scaled. The
 * default's own values are checked by retryDelay's tests (test/element/token-client.test.ts).
 */
const BACKOFF_MS = 50;
/** The server's clock reads whole milliseconds, and a timer may fire a little early. */
const CLOCK_SLACK_MS = 5;

interface Expected {
  source: 'token-endpoint' | 'token-provider';
  code: string;
  status?: number;
}

/** Waits for the one error, checks it, the error view and that nothing was handed over; then reload() recovers. */
async function failsThenRecovers(
  el: SpotnanaEmbed,
  id: string,
  events: Recorded[],
  expected: Expected,
  expectedToken: string,
) {
  const [error] = await whenRecorded(events, 'spotnana-error', errors);
  const { message, ...rest } = error;
  expect(rest).to.deep.equal(expected);
  expect(message)
    .to.be.a('string')
    .and.not.match(/at-|rt-|provided/);
  await el.updateComplete;
  expect(view(el), 'the error view').to.equal('error');
  expect(el.shadowRoot!.querySelector('[part=error]')!.getAttribute('role')).to.equal('alert');
  // Settled: the frame's round trip shows its request, and anything else it sent, handled.
  await roundTrip(el, events);
  expect(errors(events), 'one error only').to.have.length(1);
  expect(await responses(id), 'tokens handed to the frame').to.deep.equal([]);
  expect(ofType(events, 'spotnana-token-sent')).to.have.length(0);

  // The recovery's one answer must not race a short token-timeout on a loaded machine (a
  // change of token-timeout applies without a reload).
  el.tokenTimeout = RECOVERY_TIMEOUT_MS;
  el.reload();
  await whenRecorded(events, 'tokens sent after reload()', (all) => ofType(all, 'spotnana-token-sent'));
  const [response] = await until(() => responses(id), 'tokens after reload()');
  expect(response.data.payload.accessToken).to.equal(expectedToken);
  await until(() => view(el) === 'none', 'the error view to clear');
  expect(errors(events)).to.have.length(1);
}

/**
 * token-fetch="on-request": the frame's first request makes the one fetch (with its retries),
 * so attempts are counted exactly (with the eager prefetch, a request arriving after a fast
 * failure rightly starts a fetch of its own).
 */
const attrsFor = (extra?: number | Record<string, string>): Record<string, string> => ({
  'token-fetch': 'on-request',
  ...(typeof extra === 'number' ? { 'token-timeout': String(extra) } : extra),
});

interface EndpointCase {
  name: string;
  /** The failing step, repeated for every attempt; `ok` follows it. */
  step: string;
  attempts: number;
  code: string;
  status?: number;
  timeout?: number;
  /** Minimum ms between attempt 1 and 2, 2 and 3 (server clock). */
  gaps?: [number, number];
  attrs?: Record<string, string>;
  /** Served from the origin that never reuses a connection (see closingOrigin). */
  noReuse?: boolean;
}

/** A token-timeout that leaves a request time to reach the endpoint on a loaded machine. */
const ARRIVES_WITHIN_MS = 2000;

const BACKOFF_GAPS: [number, number] = [BACKOFF_MS / 2 - CLOCK_SLACK_MS, BACKOFF_MS - CLOCK_SLACK_MS];

const http = (status: number, retried: boolean): EndpointCase => ({
  name: `HTTP ${status}`,
  step: String(status),
  attempts: retried ? 3 : 1,
  code: 'http-error',
  status,
  // BACKOFF_MS × 2^(n−1) × [0.5, 1): at least half of it, then all of it
  gaps: retried ? BACKOFF_GAPS : undefined,
});

const ENDPOINT_CASES: EndpointCase[] = [
  // Other 4xx: not retried.
  ...[400, 401, 403, 404].map((s) => http(s, false)),
  // 408, 429 and 5xx: retried twice.
  ...[429, 500, 502, 503, 504].map((s) => http(s, true)),
  // Chromium itself resends a request that got a 408 on a reused or idle keep-alive
  // connection. So that only the element's attempts are counted, this case's endpoint is on
  // the origin whose every answer closes its connection.
  { ...http(408, true), noReuse: true },
  {
    name: 'HTTP 429 with Retry-After: 1 (seconds)',
    step: 'ra:1:429',
    attempts: 3,
    code: 'http-error',
    status: 429,
    gaps: [950, 950],
  },
  {
    name: 'HTTP 503 with Retry-After: 1',
    step: 'ra:1:503',
    attempts: 3,
    code: 'http-error',
    status: 503,
    gaps: [950, 950],
  },
  { name: 'HTTP 429 with Retry-After: 0', step: 'ra:0:429', attempts: 3, code: 'http-error', status: 429 },
  {
    name: 'HTTP 429 with an unreadable Retry-After (backoff instead)',
    step: 'ra:soon:429',
    attempts: 3,
    code: 'http-error',
    status: 429,
    gaps: BACKOFF_GAPS,
  },
  // Failures without a status.
  { name: 'connection cut mid-answer (network failure)', step: 'cut', attempts: 3, code: 'network-error' },
  // A hang never answers: any token-timeout shows it. Attempts are counted where they arrive,
  // so each must reach the endpoint before the element gives up on it: under load a request
  // took more than 150 ms to get there (one attempt counted of three). These two hold their
  // connections to the end: on the origin that never reuses one, away from the page's own.
  {
    name: 'no answer within token-timeout',
    step: 'hang',
    attempts: 3,
    code: 'timeout',
    timeout: ARRIVES_WITHIN_MS,
    noReuse: true,
  },
  {
    // The headers come at once, the body (about 80 bytes) one byte every 100 ms: some 8 s.
    name: 'slow trickle past token-timeout (headers in time, body not)',
    step: 'trickle:100',
    attempts: 3,
    code: 'timeout',
    timeout: ARRIVES_WITHIN_MS,
    noReuse: true,
  },
  // Answers that are no token set: not retried.
  { name: 'redirect to another origin (not followed)', step: 'redirectx', attempts: 1, code: 'invalid-response' },
  { name: 'redirect to a login page', step: 'redirect', attempts: 1, code: 'invalid-response' },
  { name: 'HTML instead of JSON', step: 'html', attempts: 1, code: 'invalid-response' },
  { name: 'empty body', step: 'empty', attempts: 1, code: 'invalid-response' },
  { name: 'truncated JSON', step: 'badjson', attempts: 1, code: 'invalid-response' },
  { name: 'wrong types (number, boolean)', step: 'wrongtype', attempts: 1, code: 'invalid-response' },
  { name: 'a token missing', step: 'missing', attempts: 1, code: 'invalid-response' },
  { name: 'empty strings', step: 'emptystr', attempts: 1, code: 'invalid-response' },
  { name: 'an array', step: 'array', attempts: 1, code: 'invalid-response' },
  { name: 'expiresIn not a number', step: 'badexpiry', attempts: 1, code: 'invalid-response' },
  { name: 'body over 64 KiB (Content-Length)', step: 'biglen', attempts: 1, code: 'invalid-response' },
  { name: 'body over 64 KiB (chunked)', step: 'bigchunked', attempts: 1, code: 'invalid-response' },
  { name: 'Content-Length over 64 KiB, then nothing', step: 'bighead', attempts: 1, code: 'invalid-response' },
];

/** What a case's test is called: the failure, the attempts and the error it must end in. */
const endpointTitle = (c: EndpointCase) =>
  `${c.name}: ${c.attempts === 1 ? 'one attempt' : `${c.attempts} attempts`}, then ${c.code}${c.status ? ` ${c.status}` : ''}`;

describe(`backend fault matrix: the token endpoint (${ENDPOINT_CASES.length + 2} cases)`, () => {
  useTiming({ retryBackoffMs: BACKOFF_MS });

  const run = async (c: EndpointCase) => {
    const script = [...Array(c.attempts).fill(c.step), 'ok'].join(',');
    const endpointOrigin = c.noReuse ? await closingOrigin() : undefined;
    const { el, id, key, events } = await embed({
      script,
      endpointOrigin,
      attrs: { ...attrsFor(c.timeout), ...c.attrs },
      wait: false,
    });
    const expected: Expected = { source: 'token-endpoint', code: c.code };
    if (c.status) expected.status = c.status;
    await whenRecorded(events, 'spotnana-error', errors);
    // A request the element gave up on may still be on its way to the endpoint (a loaded
    // machine may hold it up): the count is read once every attempt has arrived.
    await until(async () => (await tokenLog(key)).length >= c.attempts, `${c.attempts} attempts to reach the endpoint`);
    const log = await tokenLog(key);
    expect(log.length, 'attempts').to.equal(c.attempts);
    if (c.gaps) {
      expect(log[1].at - log[0].at, 'wait before attempt 2').to.be.at.least(c.gaps[0]);
      expect(log[2].at - log[1].at, 'wait before attempt 3').to.be.at.least(c.gaps[1]);
    }
    await failsThenRecovers(el, id, events, expected, `at-${key}-${c.attempts + 1}`);
    expect(await tokenLog(key), 'one more attempt after reload()').to.have.length(c.attempts + 1);
    if (c.step === 'redirectx') expect(await tokenLog(`${key}-followed`), 'the redirect followed').to.deep.equal([]);
    el.remove();
  };

  for (const c of ENDPOINT_CASES) it(endpointTitle(c), () => run(c));

  it('an endpoint nothing listens on: network-error, then reload() recovers once it is fixed', async function () {
    const { port } = await (await fetch('/__closed-port')).json();
    const { el, id, key, events } = await embed({
      attrs: attrsFor({ 'token-endpoint': `http://127.0.0.1:${port}/token` }),
      wait: false,
    });
    const [error] = await whenRecorded(events, 'network-error', errors);
    expect(error).to.deep.include({ source: 'token-endpoint', code: 'network-error' });
    // Settled: the frame's round trip shows its request, and anything else it sent, handled.
    await roundTrip(el, events);
    expect(errors(events)).to.have.length(1);
    expect(await responses(id)).to.deep.equal([]);
    el.tokenEndpoint = `/token?key=${key}-fixed&s=ok`; // a configuration change reloads
    const [response] = await until(() => responses(id), 'tokens after the fix');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-fixed-1`);
  });

  it('a transient failure within the retries raises nothing and hands the set over', async () => {
    const { id, key, events } = await embed({ script: '503,cut,ok', wait: false });
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-3`);
    expect(errors(events)).to.deep.equal([]);
    expect(await tokenLog(key)).to.have.length(3);
  });

  it('the redirect target is on another origin (so a followed redirect would show)', async () => {
    expect(new URL(await thirdOrigin()).origin).to.not.equal(location.origin);
  });
});

interface ProviderCase {
  name: string;
  /** What the first call does; later calls answer a valid set. */
  first: (ctx: { signal: AbortSignal }) => unknown;
  code: string;
  message?: string;
  timeout?: number;
  /** The signal must have been aborted (a hang). */
  aborted?: boolean;
}

const valid = (n: number): Tokens => ({ accessToken: `provided-at-${n}`, refreshToken: `provided-rt-${n}` });
const answers = (value: unknown) => async () => value;
const hang = (ctx: { signal: AbortSignal }) =>
  new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));

const INVALID_SHAPES: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a string', 'at-123'],
  ['a number', 42],
  ['an array', [valid(0)]],
  ['an empty object', {}],
  ['a refresh token missing', { accessToken: 'a' }],
  ['an access token missing', { refreshToken: 'r' }],
  ['empty strings', { accessToken: '', refreshToken: '' }],
  ['numbers for tokens', { accessToken: 1, refreshToken: 2 }],
  ['a String object for a token', { accessToken: new String('a'), refreshToken: 'r' }],
  ['expiresIn a string', { accessToken: 'a', refreshToken: 'r', expiresIn: '3600' }],
  ['expiresIn negative', { accessToken: 'a', refreshToken: 'r', expiresIn: -1 }],
  ['expiresIn NaN', { accessToken: 'a', refreshToken: 'r', expiresIn: NaN }],
];

const PROVIDER_CASES: ProviderCase[] = [
  {
    name: 'throws synchronously',
    first: () => {
      throw new Error('provider exploded');
    },
    code: 'provider-error',
    message: 'provider exploded',
  },
  {
    name: 'rejects',
    first: () => Promise.reject(new Error('backend said no')),
    code: 'provider-error',
    message: 'backend said no',
  },
  { name: 'rejects with a non-Error', first: () => Promise.reject('just a string'), code: 'provider-error' },
  { name: 'hangs, honouring its signal', first: hang, code: 'timeout', timeout: 150, aborted: true },
  {
    name: 'hangs, ignoring its signal',
    first: () => new Promise(() => {}),
    code: 'timeout',
    timeout: 150,
    aborted: true,
  },
  ...INVALID_SHAPES.map(([name, value]): ProviderCase => ({
    name: `answers ${name}`,
    first: answers(value),
    code: 'invalid-response',
  })),
];

describe(`backend fault matrix: tokenProvider (${PROVIDER_CASES.length} cases)`, () => {
  for (const c of PROVIDER_CASES) {
    it(`a tokenProvider that ${c.name}: one attempt, ${c.code}, recovery on reload()`, async () => {
      const signals: AbortSignal[] = [];
      let calls = 0;
      const provider = (ctx: { signal: AbortSignal; env: string; embedOrigin: string }) => {
        signals.push(ctx.signal);
        return (++calls === 1 ? c.first(ctx) : Promise.resolve(valid(calls))) as Promise<Tokens>;
      };
      const { el, id, key, events } = await embed({
        props: { tokenProvider: provider },
        attrs: attrsFor(c.timeout),
        wait: false,
      });
      const [error] = await whenRecorded(events, 'spotnana-error', errors);
      expect(calls, 'provider calls (never retried)').to.equal(1);
      if (c.message) expect(error.message).to.equal(c.message);
      if (c.aborted) expect(signals[0].aborted, 'its signal aborted').to.equal(true);
      await failsThenRecovers(el, id, events, { source: 'token-provider', code: c.code }, 'provided-at-2');
      expect(calls).to.equal(2);
      expect(await tokenLog(key), 'the endpoint is not called').to.deep.equal([]);
      el.remove();
    });
  }
});
