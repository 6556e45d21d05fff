// Shared by the element's browser tests: the fake Spotnana frame lives on another origin
// (127.0.0.1 vs the test page's localhost), the token endpoint on the page's own origin.
import { chai, fixture } from '@open-wc/testing';
import { render } from 'lit';
import '../../src/index.js';
import type { SpotnanaEmbed } from '../../src/index.js';
import { timing, type Timing } from '../../src/timing.js';

export const EMBED_ORIGIN = `http://127.0.0.1:${location.port}`;
export const EMBED_URL = `${EMBED_ORIGIN}/fake-frame`;

let counter = 0;
/** A key unique to this test run, so that reports and token logs never mix. */
export const uid = (name = 'k') => `${name}-${Date.now().toString(36)}-${++counter}`;

export interface Report {
  host: string;
  origin?: string;
  fromParent?: boolean;
  loaded?: boolean;
  href?: string;
  data?: any;
  /** A hostile-matrix frame's progress: `sent` once it posted its payloads and `marker`. */
  hostile?: string;
  marker?: string;
  /** The frame got the `marker` command with this marker (see `receivedBefore`). */
  marked?: string;
  /** The frame was told to navigate (sent by beacon as it leaves). */
  navigating?: boolean;
  /** The frame's page was requested (one entry per request, with its referer). */
  request?: { referer: string | null };
}

/**
 * A request to the fakes' control origin (see test/support/fake-spotnana.mjs): an origin of its
 * own, so that the tests' polls never take a connection the element's token requests need.
 */
export async function control(path: string): Promise<Response> {
  return fetch(`${(await fakeOrigins()).controlOrigin}${path}`, { cache: 'no-store' });
}

/** What the control origin answers to `path`, as JSON. */
export async function askControl<T>(path: string): Promise<T> {
  return (await control(path)).json();
}

/** What frame `id` has received so far (it reports to its own origin, on this server). */
export async function reports(id: string): Promise<Report[]> {
  return askControl(`/__reports?id=${encodeURIComponent(id)}`);
}

/** Waits until frame `id` has loaded `count` times (each new iframe or navigation reports once). */
export async function loads(id: string, count: number) {
  await until(async () => (await reports(id)).filter((r) => r.loaded).length >= count, `frame load #${count}`);
}

export async function responses(id: string) {
  return (await reports(id)).filter((r) => r.data?.type === 'TOKEN_EXCHANGE_RESPONSE');
}

export async function tokenLog(key: string): Promise<
  {
    method: string;
    accept: string;
    contentType: string | null;
    cookie: string | null;
    bodyLength: number;
    at: number;
    aborted: boolean;
    /** The exchange is over: answered, or given up by either side. */
    closed: boolean;
  }[]
> {
  return askControl(`/__token-log?key=${encodeURIComponent(key)}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sets fields of `SpotnanaEmbed.timing` (src/timing.ts) for each test of the enclosing
 * `describe` (or file), and puts back the values it found after each: the element and the
 * token client read them when they start a timer. A short silentFrameMs raises `no-request` for
 * every frame that never asks: only where the test is about the silent frame.
 */
export function useTiming(values: Partial<Timing>) {
  let saved: Timing | undefined;
  beforeEach(() => {
    saved = { ...timing };
    Object.assign(timing, values);
  });
  afterEach(() => {
    if (saved) Object.assign(timing, saved);
  });
}

/**
 * Resolves once every timer that this page set before the call with a delay of at most `ms`
 * has run (HTML: a timer waits for those of its window that were set before it with an equal
 * or shorter delay). Not a guessed wait: it waits out a timer that the element or the token
 * client may have set (the silent-frame check, a retry's backoff), so that whatever that
 * timer would have done has been done.
 */
export const outlastTimers = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A request to the fakes on `origin` (default: the page's own), answered. The fake token
 * endpoint logs a request as it arrives: a request the page started before this one has had
 * this round trip to arrive. (HTTP orders nothing across connections: this is the browser's
 * order in practice, and it takes as long as the machine's load makes it, as a fixed wait
 * does not.)
 */
export async function serverRoundTrip(origin = location.origin): Promise<void> {
  await fetch(`${origin}/token?key=${uid('round-trip')}&s=ok`, { cache: 'no-store' });
}

/**
 * Waits until every message that window `source` posted to this page before the call has
 * been dispatched to every listener here, the element's included: `source` (a fake frame, see
 * test/support/fake-spotnana.mjs, or this window) posts a marker after them, and one window's
 * messages to another arrive in order. A fake frame posts it to its target (this page, also
 * with target=top); the element sees it as a `spotnana-message` when `source` is its frame.
 */
export async function postedBefore(source: Window, what = 'the marker'): Promise<void> {
  const marker = uid('marker');
  let seen = false;
  const listener = (e: MessageEvent) => {
    if (e.source === source && (e.data as { __marker?: unknown } | null)?.__marker === marker) seen = true;
  };
  addEventListener('message', listener);
  try {
    if (source === window) window.postMessage({ __marker: marker }, location.origin);
    else source.postMessage({ cmd: 'marker', marker }, '*');
    await until(() => seen, what);
  } finally {
    removeEventListener('message', listener);
  }
}

/**
 * Waits until fake frame `frame` (reporting as `id`) has received and reported every message
 * that this page posted to it before the call, the element's included: the frame gets a
 * marker after them (one window's messages to another arrive in order) and reports in order.
 * The frame also posts the marker back (see `postedBefore`).
 */
export async function receivedBefore(frame: Window, id: string, what = 'the frame to report the marker') {
  const marker = uid('marker');
  frame.postMessage({ cmd: 'marker', marker }, '*');
  await until(async () => (await reports(id)).some((r) => r.marked === marker), what);
}

/** Plain data: primitives, and arrays and plain objects of this page's realm made of them. */
function isPlainData(value: unknown, depth = 0): boolean {
  if (typeof value === 'function') return false;
  if (value === null || typeof value !== 'object') return true;
  if (depth > PLAIN_DATA_DEPTH) return false;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every((v) => isPlainData(v, depth + 1));
}
const PLAIN_DATA_DEPTH = 8;

/**
 * A failed assertion's `actual` or `expected`, in a form the runner can carry back: it walks
 * them whole, and a DOM node, a window, a promise or another page's object there stalls the
 * browser (the file then never finishes) instead of failing the test. Plain data stays as it is.
 */
const portable = (value: unknown) => (isPlainData(value) ? value : chai.util.inspect(value));

// A focused run (GREP, web-test-runner.config.mjs): the runner counts a test that never ran
// as failed, so the tests that the pattern leaves out are marked pending (reported as skipped),
// once the test file has declared them (a microtask: after the module graph, before the run).
const browserMocha = (globalThis as { mocha?: { options: { grep?: RegExp | string }; suite: Mocha.Suite } }).mocha;
const focus = browserMocha?.options.grep;
if (browserMocha && focus) {
  const pattern = new RegExp(focus);
  const leaveOut = (suite: Mocha.Suite) => {
    for (const test of suite.tests) if (!pattern.test(test.fullTitle())) test.pending = true;
    suite.suites.forEach(leaveOut);
  };
  queueMicrotask(() => leaveOut(browserMocha.suite));
}

/** Mocha's time-out message, whose advice (call done(), resolve the promise) never applies here. */
const MOCHA_TIMEOUT =
  /^Timeout of (\d+)ms exceeded\. For async tests and hooks, ensure "done\(\)" is called; if returning a Promise, ensure it resolves\./;

// What the running test is waiting for, so that a test that hits its time-out names it: in
// its error message, which the runner reads once the file has finished, and so in the summary.
const waiting = new Set<string>();
let generation = 0;
afterEach(function () {
  const test = this.currentTest;
  const err = test?.err as (Error & { actual?: unknown; expected?: unknown }) | undefined;
  if (test?.state === 'failed' && err) {
    err.message = err.message.replace(MOCHA_TIMEOUT, 'ran out of its $1 ms');
    if (waiting.size) err.message = `while waiting for ${[...waiting].join(', ')}: ${err.message}`;
    if ('actual' in err) err.actual = portable(err.actual);
    if ('expected' in err) err.expected = portable(err.expected);
  }
  waiting.clear();
  generation++; // polls left behind by a failed test stop
});

/** `until` polls soon, then less and less often: a long wait must not load a busy machine. */
const POLL_FIRST_MS = 25;
const POLL_BACKOFF = 1.5;
const POLL_MAX_MS = 250;

/**
 * Polls until `check` returns a truthy value, not an empty array. There is no deadline of its
 * own: on a loaded machine any guess is too short, and the test's time-out bounds the wait
 * (a test that hits it names `what`). Pass `timeout` only where running out of time is itself
 * the failure being tested.
 */
export async function until<T>(check: () => T | Promise<T>, what: string, timeout = Infinity): Promise<T> {
  const end = Date.now() + timeout;
  const started = generation;
  let interval = POLL_FIRST_MS;
  waiting.add(what);
  try {
    for (;;) {
      const value = await check();
      if (Array.isArray(value) ? value.length : value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      if (generation !== started) throw new Error(`gave up waiting for ${what}: the test ended`);
      await sleep(interval);
      interval = Math.min(interval * POLL_BACKOFF, POLL_MAX_MS);
    }
  } finally {
    waiting.delete(what);
  }
}

export interface Recorded {
  type: string;
  detail: any;
  bubbles: boolean;
  composed: boolean;
  cancelable: boolean;
}

/** Every event the element fires. */
export const EVENT_TYPES = [
  'spotnana-load',
  'spotnana-token-request',
  'spotnana-token-sent',
  'spotnana-error',
  'spotnana-message',
];

/**
 * Records every spotnana-* event the element fires, in order, as seen on the element itself:
 * also those it fires once removed, which no longer reach the document.
 */
export function record(el: HTMLElement): Recorded[] {
  const events: Recorded[] = [];
  for (const type of EVENT_TYPES) {
    const listener = (e: Event) => {
      const { detail, bubbles, composed, cancelable } = e as CustomEvent;
      events.push({ type, detail, bubbles, composed, cancelable });
    };
    el.addEventListener(type, listener);
    after(() => el.removeEventListener(type, listener));
  }
  return events;
}

export const ofType = (events: Recorded[], type: string) => events.filter((e) => e.type === type);
export const errors = (events: Recorded[]) => ofType(events, 'spotnana-error').map((e) => e.detail);

export interface EmbedOptions {
  /** Query of the fake frame (id is added). */
  frame?: Record<string, string>;
  /** Script of the token endpoint, e.g. '503,ok'. */
  script?: string;
  attrs?: Record<string, string>;
  /** Set before the element connects. */
  props?: Partial<SpotnanaEmbed>;
  /** Wait for the frame to load (default true). */
  wait?: boolean;
  /** Where the fake token endpoint lives (default: the page's own origin). */
  endpointOrigin?: string;
  /**
   * Appended to the page's body, not to open-wc's fixture container (emptied after each test):
   * for an element that serves several tests. The caller removes it.
   */
  outlivesTest?: boolean;
}

/**
 * An element pointed at the fake frame (path carries the frame's id) and the fake token
 * endpoint (`key` counts its attempts); events are recorded from the start.
 */
export async function embed(options: EmbedOptions = {}) {
  const id = uid('frame');
  const key = uid('token');
  const el = document.createElement('spotnana-embed');
  const query = new URLSearchParams({ id, ...options.frame });
  el.setAttribute('embed-url', EMBED_URL);
  el.setAttribute('path', `/?${query}`);
  el.setAttribute('token-endpoint', `${options.endpointOrigin ?? ''}/token?key=${key}&s=${options.script ?? 'ok'}`);
  for (const [name, value] of Object.entries(options.attrs ?? {})) el.setAttribute(name, value);
  Object.assign(el, options.props);
  const events = record(el);
  if (options.outlivesTest) {
    document.body.append(el);
    await el.updateComplete;
  } else {
    await fixture(el);
  }
  // Commands reach the frame only once its script listens.
  if (options.wait !== false) await until(async () => (await reports(id)).some((r) => r.loaded), 'the frame to load');
  return { el, id, key, events };
}

/**
 * Renders a Lit template into a new `<div>` at the end of the page (removed after the suite).
 * For templates whose root is not an element with `updateComplete`: open-wc's fixture() then
 * waits for an animation frame, and Chromium runs none in a test page that runs beside another.
 */
export function renderFixture(template: unknown): HTMLDivElement {
  const container = document.body.appendChild(document.createElement('div'));
  after(() => container.remove());
  render(template, container);
  return container;
}

export const frameOf = (el: SpotnanaEmbed) => el.shadowRoot!.querySelector('iframe');

/** Sends a test command to the fake frame (it accepts them from any origin). */
export function command(el: SpotnanaEmbed, cmd: Record<string, unknown>) {
  frameOf(el)!.contentWindow!.postMessage(cmd, EMBED_ORIGIN);
}

export const view = (el: SpotnanaEmbed) => {
  const root = el.shadowRoot!;
  if (root.querySelector('[part=error]')) return 'error';
  if (root.querySelector('[part=loading]')) return 'loading';
  return 'none';
};

let origins: { thirdOrigin: string; closingOrigin: string; controlOrigin: string } | undefined;
const fakeOrigins = async () => (origins ??= await (await fetch('/__env')).json());

/** An origin that is neither the page's nor the embed's. */
export async function thirdOrigin(): Promise<string> {
  return (await fakeOrigins()).thirdOrigin;
}

/**
 * The fakes on an origin whose every answer closes its connection, so that no connection is
 * ever reused: there the browser never resends a request that got a 408 on its own (Chromium
 * does on a reused or idle keep-alive connection), and the token log counts only the client's
 * attempts.
 */
export async function closingOrigin(): Promise<string> {
  return (await fakeOrigins()).closingOrigin;
}

/**
 * A session cookie on the test page (a `localhost` cookie: sent to every port of localhost),
 * set for the enclosing `describe` and removed after it; the cookie's `name=value`.
 */
export function pageCookie(): string {
  const cookie = `sid=${uid('cookie')}`;
  before(() => {
    document.cookie = `${cookie}; path=/`;
  });
  after(() => {
    document.cookie = `sid=; path=/; max-age=0`;
  });
  return cookie;
}
