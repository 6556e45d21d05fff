// One embed session: one iframe's life, from its URL being set to a reload, a configuration
// change, a sign-out or the element's removal. It owns every rule of the handshake that
// depends on time or history:
//   - the iframe (its own, or the page's early frame that it adopts) and its `load` events;
//   - the window `message` listener, and the origin + source checks (handshake.ts);
//   - the loop guard (handshake.ts) and the silent-frame timer;
//   - the eager prefetch, its freshness, and answering each request at most once;
//   - the page's CSP violations that block its frame or its token endpoint (csp.ts);
//   - one AbortController: when the session stops, its fetches stop and nothing is posted.
// Input: a validated EmbedConfig (again on every change that needs no reload), a SessionReport.
// Output: calls to the SessionReport, which the element turns into events and views.

import { frameAttributes, type EmbedConfig } from './config.js';
import { blockedByCsp } from './csp.js';
import { claimEarlyAnswer, discardAnswer, takeOverEarlyFrame } from './early.js';
import { errorDetail } from './error.js';
import type { SpotnanaErrorDetail } from './events.js';
import { TOKEN_EXCHANGE_REQUEST, TOKEN_EXCHANGE_RESPONSE, classifyMessage, createLoopGuard } from './handshake.js';
import { timing } from './timing.js';
import { fetchTokens, type Tokens } from './token-client.js';

/** How the session tells the element what happened. */
export interface SessionReport {
  load(url: string): void;
  request(): void;
  sent(prefetched: boolean): void;
  error(detail: SpotnanaErrorDetail): void;
  /** The page's Content Security Policy blocked the frame: a configuration error, and no iframe. */
  frameBlocked(detail: SpotnanaErrorDetail): void;
  message(data: unknown): void;
}

export interface SessionOptions {
  config: EmbedConfig;
  report: SessionReport;
  /** The page's early frame, when its URL is the one this session would build. */
  adopt?: HTMLIFrameElement;
  /** Tokens a prerender fetched: the eager prefetch (when they fail, the session fetches its own). */
  prefetch?: Promise<HeldTokens | undefined>;
}

/** A prefetched set serves a request while at least this much of its lifetime is left (or this long after its fetch, lifetime unknown). */
export const FRESHNESS_MARGIN_MS = 60_000;
const MS_PER_SECOND = 1000;

/** A fetched token set, and until when it may serve as the prefetched set. */
export type HeldTokens = Tokens & { freshUntil: number };

/** Tokens just fetched, held: fresh until a minute before they expire (a minute, lifetime unknown). */
export function holdTokens(tokens: Tokens): HeldTokens {
  const lifetime = tokens.expiresIn === undefined ? undefined : tokens.expiresIn * MS_PER_SECOND;
  const freshFor = lifetime === undefined ? FRESHNESS_MARGIN_MS : lifetime - FRESHNESS_MARGIN_MS;
  return { ...tokens, freshUntil: Date.now() + freshFor };
}

const LOOP_MESSAGE = 'Over 5 token requests in a minute: none is answered until reload().';
const MISSING_SOURCE_MESSAGE = 'Set token-endpoint or tokenProvider.';
const UNEXPECTED: SpotnanaErrorDetail = {
  source: 'spotnana',
  code: 'unexpected',
  message: 'The embed failed unexpectedly.',
};

export class EmbedSession {
  /** The session's iframe: its own, or the adopted early frame (which stays in the light DOM). */
  readonly frame: HTMLIFrameElement;
  readonly adopted: boolean;
  #config: EmbedConfig;
  #report: SessionReport;
  /** A prerender's tokens, until start() takes them as the prefetch. */
  #given?: Promise<HeldTokens | undefined>;
  readonly #abort = new AbortController();
  readonly #guard = createLoopGuard(() =>
    this.#report.error({ source: 'spotnana', code: 'request-loop', message: LOOP_MESSAGE }),
  );
  /** The early listener's token answer, when this session made the same request (see early.ts). */
  #earlyAnswer?: Promise<Response>;
  /** The eager prefetch, until a request claims it or it fails. */
  #prefetch?: Promise<HeldTokens | undefined>;
  #prefetchStarted = false;
  /** Until the first valid request, the first load (or the adoption) starts the silent-frame clock. */
  #silentCheckDue = true;
  #silentTimer?: ReturnType<typeof setTimeout>;
  /** The token endpoint the page's CSP refused: reported once, and its fetches' failures are not reported again. */
  #blockedEndpoint?: string;

  constructor({ config, report, adopt, prefetch }: SessionOptions) {
    this.#config = config;
    this.#report = report;
    this.#given = prefetch;
    this.adopted = !!adopt;
    this.frame = adopt ?? this.#createFrame(config.src);
    this.#applyFrameAttributes();
  }

  get config(): EmbedConfig {
    return this.#config;
  }

  /** Starts listening, the eager prefetch, and (for an adopted frame) what the early listener kept. */
  start() {
    const { signal } = this.#abort;
    addEventListener('message', this.#onMessage, { signal });
    document.addEventListener('securitypolicyviolation', this.#onViolation, { signal });
    this.frame.addEventListener('load', this.#onLoad, { signal });
    this.#earlyAnswer = claimEarlyAnswer(this.#config.source, this.adopted && this.#config.eager);
    this.#startPrefetch();
    if (this.adopted) this.#takeOverEarlyFrame();
  }

  /**
   * Options that need no reload apply now: the frame's title and `allow` at once, the token
   * source, credentials and timeout from the next fetch. A token source set only now (a
   * framework sets tokenProvider after the element connected) starts the eager prefetch.
   */
  update(config: EmbedConfig) {
    // A prefetch of the endpoint's is not the provider's that replaced it (or the other way
    // round): the next request fetches anew.
    if (config.source?.kind !== this.#config.source?.kind) this.#prefetch = undefined;
    this.#config = config;
    this.#applyFrameAttributes();
    this.#startPrefetch();
  }

  /** A prerendered session's takeover: from now on it reports to the element, with its configuration. */
  handOver(report: SessionReport, config: EmbedConfig) {
    this.#report = report;
    this.update(config);
  }

  /** Ends the session: held tokens dropped, fetches aborted with no error, listeners and timers gone. */
  stop() {
    this.#abort.abort();
    clearTimeout(this.#silentTimer);
    this.#prefetch = undefined;
    // Not taken, or taken but not read to its end: its connection is closed.
    if (this.#earlyAnswer) discardAnswer(this.#earlyAnswer);
    // An adopted frame leaves with its session: later sessions use a frame of the element's own.
    if (this.adopted) this.frame.remove();
  }

  #createFrame(src: string): HTMLIFrameElement {
    // Not yet in the document: it loads once the element inserts it, with the attributes
    // the constructor sets (the referrer policy among them) already in place.
    const frame = document.createElement('iframe');
    frame.setAttribute('part', 'frame');
    frame.src = src;
    return frame;
  }

  /** The frame's attributes as the configuration gives them, its URL aside. */
  #applyFrameAttributes() {
    for (const [name, value] of Object.entries(frameAttributes(this.#config))) {
      // Setting the URL again would reload the frame: it is set once, when the frame is created.
      if (name === 'src') continue;
      const attribute = name.toLowerCase();
      if (value) this.frame.setAttribute(attribute, value);
      else this.frame.removeAttribute(attribute);
    }
  }

  #startPrefetch() {
    const given = this.#given;
    this.#given = undefined;
    if (this.#abort.signal.aborted) return;
    if (!given && (this.#prefetchStarted || !this.#config.eager || !this.#config.source)) return;
    this.#prefetchStarted = true;
    // In parallel with the iframe's load. A failed prefetch is dropped so that a request
    // arriving later starts a fetch of its own; a prerender's that failed is replaced by one.
    const prefetch = given ? given.then((held) => held ?? this.#fetch()) : this.#fetch(this.#earlyAnswer);
    this.#prefetch = prefetch;
    prefetch.then((held) => {
      if (!held && this.#prefetch === prefetch) this.#prefetch = undefined;
    });
  }

  /** An adopted frame may have loaded and asked before the element was defined. */
  #takeOverEarlyFrame() {
    this.#startSilentClock();
    const { loaded, requests } = takeOverEarlyFrame(this.frame);
    if (loaded) this.#report.load(this.frame.src);
    for (const event of requests) this.#onMessage(event);
  }

  #startSilentClock() {
    this.#silentCheckDue = false;
    const delay = timing.silentFrameMs;
    this.#silentTimer = setTimeout(() => {
      const message = `No token request ${delay / MS_PER_SECOND} s after the frame loaded: is ${location.origin} on Spotnana's allow-list for this org, and is embed-url Spotnana's?`;
      this.#report.error({ source: 'spotnana', code: 'no-request', message });
    }, delay);
  }

  #onLoad = () => {
    // Only the first load after the URL was set starts the clock; navigations inside the frame do not.
    // It starts before the load is reported: a listener of that report may end the session.
    if (this.#silentCheckDue) this.#startSilentClock();
    this.#report.load(this.frame.src);
  };

  #onViolation = (event: SecurityPolicyViolationEvent) => {
    const { source, embedOrigin } = this.#config;
    const endpoint = source?.kind === 'token-endpoint' ? source.url : undefined;
    const detail = blockedByCsp(event, embedOrigin, endpoint);
    if (!detail) return;
    if (detail.source === 'config') return this.#report.frameBlocked(detail);
    if (this.#blockedEndpoint === endpoint) return;
    this.#blockedEndpoint = endpoint;
    this.#report.error(detail);
  };

  #onMessage = (event: MessageEvent) => {
    try {
      const message = classifyMessage(event, this.#config.embedOrigin, this.frame.contentWindow);
      if (message === TOKEN_EXCHANGE_REQUEST) void this.#onRequest();
      else if (message && 'code' in message) this.#report.error(message);
      else if (message) this.#report.message(message.data);
    } catch (thrown) {
      this.#report.error(errorDetail(thrown, UNEXPECTED));
    }
  };

  async #onRequest() {
    const { signal } = this.#abort;
    if (!this.#guard(performance.now())) return;
    this.#silentCheckDue = false;
    clearTimeout(this.#silentTimer);
    this.#report.request();

    // The prefetched set serves the first request only, and only while fresh; a request
    // that arrives while it is in flight waits for it. Every other request fetches anew.
    const prefetch = this.#prefetch;
    this.#prefetch = undefined;
    let held = await prefetch;
    // A failed prefetch has raised its error: the request that waited on it gets no answer.
    if (signal.aborted || (prefetch && !held)) return;
    const prefetched = !!held && held.freshUntil > Date.now();
    if (!prefetched) held = await this.#fetch();
    const target = this.frame.contentWindow;
    if (!held || signal.aborted || !target) return;

    // Pinned to the embed origin: if the frame has navigated elsewhere, the browser drops it.
    const payload = { accessToken: held.accessToken, refreshToken: held.refreshToken };
    target.postMessage({ type: TOKEN_EXCHANGE_RESPONSE, payload }, this.#config.embedOrigin);
    this.#report.sent(prefetched);
  }

  /** One token set from the source configured now, or undefined after reporting why (an aborted fetch is no error). */
  async #fetch(firstResponse?: Promise<Response>): Promise<HeldTokens | undefined> {
    const { signal } = this.#abort;
    const { source, timeout, env, embedOrigin } = this.#config;
    if (!source) {
      // The request gets no answer; a later one, once a source is set, is answered.
      this.#report.error({ source: 'config', code: 'missing-token-endpoint', message: MISSING_SOURCE_MESSAGE });
      return undefined;
    }
    try {
      return holdTokens(await fetchTokens({ source, timeout, env, embedOrigin, signal, firstResponse }));
    } catch (thrown) {
      // A fetch the page's CSP refused has been reported as such (#onViolation).
      const blocked = source.kind === 'token-endpoint' && source.url === this.#blockedEndpoint;
      if (!signal.aborted && !blocked) {
        const code = source.kind === 'token-provider' ? 'provider-error' : 'network-error';
        this.#report.error(errorDetail(thrown, { source: source.kind, code, message: `The ${source.kind} failed.` }));
      }
      return undefined;
    }
  }
}
