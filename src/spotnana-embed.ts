// The element: properties, render and lifecycle. It wires the parts together, one way:
// attributes -> config (config.ts) -> token client (token-client.ts) and handshake
// (handshake.ts) -> events and views. Tokens live only in memory, in the current session.

import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { ConfigError, resolveConfig, type EmbedConfig, type SpotnanaEnv, type TokenCredentials, type TokenFetch } from './config.js';
import type { SpotnanaEmbedEventMap, SpotnanaErrorDetail } from './events.js';
import { classifyMessage, createLoopGuard, TOKEN_EXCHANGE_RESPONSE, type LoopVerdict } from './handshake.js';
import { styles } from './spotnana-embed.styles.js';
import { fetchTokens, type TokenError, type TokenProvider, type Tokens } from './token-client.js';

/** A fetched token set and when it arrived (for the prefetch's freshness rule). */
interface Held {
  tokens: Tokens;
  at: number;
}

/** One iframe's life: from its URL being set to a reload, a config change or removal. */
interface Session {
  config: EmbedConfig;
  controller: AbortController;
  guard: (now: number) => LoopVerdict;
  /** The eager prefetch, until a request claims it or it fails. */
  prefetch?: Promise<Held | undefined>;
  /** A valid request has arrived (the silent-frame check). */
  asked?: boolean;
  loaded?: boolean;
  silentTimer?: ReturnType<typeof setTimeout>;
}

type View = 'loading' | 'error' | 'none';

// Changes of these are validated; changes of frameTitle and allow only re-render.
const CONFIG_PROPERTIES = ['env', 'embedUrl', 'path', 'orgId', 'tokenEndpoint', 'tokenProvider', 'tokenCredentials', 'tokenFetch', 'tokenTimeout'] as const;
const FRESH_FOR = 60_000;
const SILENT_AFTER = 15_000;

/** The prefetched set still serves a request: 60 s of its lifetime left, or (lifetime unknown) fetched less than 60 s ago. */
const isFresh = ({ tokens, at }: Held, now = Date.now()) =>
  tokens.expiresIn == null ? now - at < FRESH_FOR : at + tokens.expiresIn * 1000 - now >= FRESH_FOR;

/**
 * Embeds the Spotnana travel platform: renders its iframe, gets tokens from the host's
 * backend and answers the iframe's `TOKEN_EXCHANGE_REQUEST` by `postMessage`, pinned to
 * the embed origin and to its own iframe.
 *
 * @tagname spotnana-embed
 * @summary The Spotnana travel platform, embedded and signed in.
 *
 * @fires {CustomEvent<{ url: string }>} spotnana-load - The iframe fired `load`.
 * @fires {CustomEvent<{}>} spotnana-token-request - A valid `TOKEN_EXCHANGE_REQUEST` arrived from the iframe.
 * @fires {CustomEvent<{ prefetched: boolean }>} spotnana-token-sent - Tokens were posted to the iframe (`prefetched`: they came from the eager prefetch).
 * @fires {CustomEvent<SpotnanaErrorDetail>} spotnana-error - Anything failed: `{ source, code, message, status? }`. Cancelable: `preventDefault()` suppresses the built-in error view.
 * @fires {CustomEvent<{ data: unknown }>} spotnana-message - Any other message from the element's own iframe at the embed origin.
 *
 * @slot loading - Shown until the tokens were sent (default: a spinner and "Loading Spotnana…").
 * @slot error - Shown after an error (default: the error's message and a retry button).
 *
 * @csspart frame - The Spotnana iframe.
 * @csspart loading - The loading view (`role="status"`).
 * @csspart error - The error view (`role="alert"`).
 * @csspart retry - The default error view's retry button.
 *
 * @cssprop [--spotnana-embed-height=600px] - The element's height when the page sets none.
 * @cssprop [--spotnana-embed-background=#fff] - Background of the loading and error views.
 * @cssprop [--spotnana-embed-color=#333] - Text color of the loading and error views.
 */
export class SpotnanaEmbed extends LitElement {
  /** Registers the element (once; a second call, or a second copy of the package, is a no-op). */
  static define(tag = 'spotnana-embed', registry = globalThis.customElements) {
    if (registry && !registry.get(tag)) registry.define(tag, this);
    return this;
  }

  static override styles = styles;

  static override properties = {
    env: {},
    tokenEndpoint: { attribute: 'token-endpoint' },
    orgId: { attribute: 'org-id' },
    path: {},
    embedUrl: { attribute: 'embed-url' },
    tokenCredentials: { attribute: 'token-credentials' },
    tokenFetch: { attribute: 'token-fetch' },
    frameTitle: { attribute: 'frame-title' },
    allow: {},
    tokenTimeout: { attribute: 'token-timeout', type: Number },
    tokenProvider: { attribute: false },
  };

  /** `sandbox` or `production`: picks the embed base. */
  declare env: SpotnanaEnv;
  /** URL of the host backend's token endpoint; relative URLs resolve against the document. */
  declare tokenEndpoint: string;
  /** Sent as the `orgId` query parameter (left out when empty). */
  declare orgId: string;
  /** Path (and optional query) inside the embed app; must start with a single `/`. */
  declare path: string;
  /** Overrides the env's embed base: `https:`, or `http:` for localhost, 127.0.0.0/8 and [::1]. */
  declare embedUrl: string;
  /** Fetch credentials mode for the token endpoint: `same-origin`, `include` or `omit`. */
  declare tokenCredentials: TokenCredentials;
  /** `eager`: fetch tokens as soon as the element connects; `on-request`: only when the iframe asks. */
  declare tokenFetch: TokenFetch;
  /** Accessible name of the iframe. */
  declare frameTitle: string;
  /** The iframe's `allow` attribute (permissions policy), e.g. `clipboard-write; fullscreen`. */
  declare allow: string;
  /** Milliseconds one token-endpoint attempt (or the provider) may take before it is aborted. */
  declare tokenTimeout: number;
  /** Replaces the fetch of `token-endpoint` when set; not retried, aborted through `signal` after `token-timeout` ms. */
  declare tokenProvider: TokenProvider | undefined;

  #session?: Session;
  #view: View = 'loading';
  #errorMessage = '';
  /** Set by reload(), a reconnect or an invalid config: start a new session on the next update. */
  #restart = true;
  #signedOut = false;

  constructor() {
    super();
    this.env = 'sandbox';
    this.tokenEndpoint = '';
    this.orgId = '';
    this.path = '/';
    this.embedUrl = '';
    this.tokenCredentials = 'same-origin';
    this.tokenFetch = 'eager';
    this.frameTitle = 'Spotnana';
    this.allow = '';
    this.tokenTimeout = 10000;
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('message', this.#onMessage);
    this.requestUpdate();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('message', this.#onMessage);
    this.#stop();
    this.#restart = true;
    this.requestUpdate();
  }

  // The configuration is validated here, in the update, not in the constructor or
  // connectedCallback: frameworks set properties after inserting the element.
  protected override willUpdate(changed: PropertyValues<this>) {
    if (!this.isConnected || this.#signedOut) return;
    const restart = this.#restart;
    if (!restart && !CONFIG_PROPERTIES.some((p) => changed.has(p))) return;
    this.#restart = false;
    let config: EmbedConfig;
    try {
      config = resolveConfig(this, document.baseURI);
    } catch (error) {
      // No iframe while the configuration is invalid.
      this.#stop();
      this.#setView('none');
      const { code, message } = error as ConfigError;
      this.#fail({ source: 'config', code, message });
      return;
    }
    if (restart || config.key != this.#session?.config.key) this.#start(config);
    // Options that need no reload apply from the next fetch.
    else this.#session!.config = config;
  }

  protected override render() {
    const session = this.#session;
    const view = this.#view;
    return [
      session
        ? // A new iframe element per session: a reload is a fresh browsing context.
          keyed(
            session,
            html`<iframe
              part="frame"
              src=${session.config.src}
              title=${this.frameTitle || 'Spotnana'}
              allow=${this.allow || nothing}
              @load=${this.#onLoad}
            ></iframe>`,
          )
        : nothing,
      view == 'loading'
        ? html`<div part="loading" role="status">
            <slot name="loading"><span class="spinner"></span>Loading Spotnana…</slot>
          </div>`
        : view == 'error'
          ? html`<div part="error" role="alert">
              <slot name="error">
                <p><strong>Spotnana could not be loaded.</strong></p>
                <p>${this.#errorMessage}</p>
                <button part="retry" @click=${this.reload}>Try again</button>
              </slot>
            </div>`
          : nothing,
    ];
  }

  /** Drops any tokens it holds and starts the iframe afresh (and resets the loop guard). */
  reload() {
    this.#signedOut = false;
    this.#stop();
    this.#restart = true;
    this.requestUpdate();
  }

  /** For when the host's user signs out: drops tokens, aborts any fetch, removes the iframe; only `reload()` brings it back. */
  signOut() {
    this.#signedOut = true;
    this.#stop();
    this.#setView('none');
  }

  #start(config: EmbedConfig) {
    this.#stop();
    const session: Session = { config, controller: new AbortController(), guard: createLoopGuard() };
    this.#session = session;
    this.#setView('loading');
    if (config.eager) {
      // In parallel with the iframe's load. A failed prefetch is dropped so that a
      // request arriving later starts a fetch of its own.
      const prefetch = (session.prefetch = this.#fetch(session));
      prefetch.then((held) => {
        if (!held && session.prefetch == prefetch) session.prefetch = undefined;
      });
    }
  }

  /** Ends the session: held tokens dropped, fetches aborted (no error), timers cleared. */
  #stop() {
    const session = this.#session;
    if (!session) return;
    this.#session = undefined;
    session.controller.abort();
    clearTimeout(session.silentTimer);
  }

  get #frame() {
    return this.renderRoot?.querySelector('iframe')?.contentWindow;
  }

  #onMessage = (event: MessageEvent) => {
    const session = this.#session;
    const message = session && classifyMessage(event, session.config.embedOrigin, this.#frame);
    if (!message) return;
    if (message.kind == 'request') this.#onRequest(session!);
    else if (message.kind == 'error') this.#fail({ source: 'spotnana', code: message.code, message: message.message });
    else this.#emit('spotnana-message', { data: message.data });
  };

  #onLoad = () => {
    const session = this.#session;
    if (!session) return;
    this.#emit('spotnana-load', { url: session.config.src });
    // Only the first load after the URL was set starts the clock; navigations inside the frame do not.
    if (session.loaded) return;
    session.loaded = true;
    if (!session.asked) {
      session.silentTimer = setTimeout(
        () =>
          this.#fail({
            source: 'spotnana',
            code: 'no-request',
            message: `The Spotnana frame has not asked for tokens ${SILENT_AFTER / 1000} s after loading. Is ${location.origin} on Spotnana's allow-list for this org, and does the embed URL point at Spotnana?`,
          }),
        SILENT_AFTER,
      );
    }
  };

  async #onRequest(session: Session) {
    const verdict = session.guard(performance.now());
    if (verdict != 'ok') {
      if (verdict == 'trip') {
        this.#fail({
          source: 'spotnana',
          code: 'request-loop',
          message: 'The Spotnana frame asked for tokens more than 5 times in a minute; no more are sent until reload().',
        });
      }
      return;
    }
    session.asked = true;
    clearTimeout(session.silentTimer);
    this.#emit('spotnana-token-request', {});

    // The prefetched set serves the first request only, and only while fresh; a request
    // that arrives while it is in flight waits for it. Every other request fetches anew.
    const prefetch = session.prefetch;
    session.prefetch = undefined;
    let held = prefetch && (await prefetch);
    if (prefetch && !held) return; // the prefetch failed and has said so
    const prefetched = !!held && isFresh(held);
    if (!prefetched) held = await this.#fetch(session);
    const frame = this.#frame;
    if (!held || session != this.#session || !frame) return;

    const { accessToken, refreshToken } = held.tokens;
    // Pinned to the embed origin: if the frame has navigated elsewhere, the browser drops it.
    frame.postMessage({ type: TOKEN_EXCHANGE_RESPONSE, payload: { accessToken, refreshToken } }, session.config.embedOrigin);
    this.#setView('none');
    this.#emit('spotnana-token-sent', { prefetched });
  }

  async #fetch(session: Session): Promise<Held | undefined> {
    const { config, controller } = session;
    try {
      const tokens = await fetchTokens({
        endpoint: config.tokenEndpoint,
        provider: this.tokenProvider,
        credentials: config.credentials,
        timeout: config.timeout,
        signal: controller.signal,
        env: config.env,
        embedOrigin: config.embedOrigin,
      });
      return { tokens, at: Date.now() };
    } catch (error) {
      // An aborted fetch (reload, signOut, removal) is no error.
      if (session == this.#session && !controller.signal.aborted) {
        const { source, code, message, status } = error as TokenError;
        this.#fail(status ? { source, code, message, status } : { source, code, message });
      }
    }
  }

  #fail(detail: SpotnanaErrorDetail) {
    if (this.#emit('spotnana-error', detail, true)) {
      this.#errorMessage = detail.message;
      this.#setView('error');
    }
  }

  #setView(view: View) {
    this.#view = view;
    this.requestUpdate();
  }

  #emit<K extends keyof SpotnanaEmbedEventMap>(type: K, detail: SpotnanaEmbedEventMap[K]['detail'], cancelable = false) {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }
}
