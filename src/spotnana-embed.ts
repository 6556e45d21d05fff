// The element: properties, render and lifecycle. It wires the parts together, one way:
// attributes -> config (config.ts) -> token client (token-client.ts) and handshake
// (handshake.ts) -> events and views. Tokens live only in memory, in the current session.

import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { resolveConfig, type EmbedConfig, type SpotnanaEnv, type TokenCredentials, type TokenFetch } from './config.js';
import type { EmbedError } from './error.js';
import type { SpotnanaEmbedEventMap, SpotnanaErrorDetail } from './events.js';
import { classifyMessage, createLoopGuard, TOKEN_EXCHANGE_REQUEST, TOKEN_EXCHANGE_RESPONSE } from './handshake.js';
import { styles } from './spotnana-embed.styles.js';
import { fetchTokens, type TokenProvider, type Tokens } from './token-client.js';

/** A fetched token set and until when it may serve as the prefetched set. */
type Held = Tokens & { freshUntil: number };


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
 * @slot loading - Shown until the tokens were sent (default: an indeterminate `<progress>` and "Loading Spotnana…").
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
  declare tokenEndpoint?: string;
  /** Sent as the `orgId` query parameter (left out when empty). */
  declare orgId?: string;
  /** Path (and optional query) inside the embed app; must start with a single `/`. */
  declare path: string;
  /** Overrides the env's embed base: `https:`, or `http:` for localhost, 127.0.0.0/8 and [::1]. */
  declare embedUrl?: string;
  /** Fetch credentials mode for the token endpoint: `same-origin`, `include` or `omit`. */
  declare tokenCredentials: TokenCredentials;
  /** `eager`: fetch tokens as soon as the element connects; `on-request`: only when the iframe asks. */
  declare tokenFetch: TokenFetch;
  /** Accessible name of the iframe. */
  declare frameTitle: string;
  /** The iframe's `allow` attribute (permissions policy), e.g. `clipboard-write; fullscreen`. */
  declare allow?: string;
  /** Milliseconds one token-endpoint attempt (or the provider) may take before it is aborted. */
  declare tokenTimeout: number;
  /** Replaces the fetch of `token-endpoint` when set; not retried, aborted through `signal` after `token-timeout` ms. */
  declare tokenProvider: TokenProvider | undefined;

  /** The current session's configuration: one iframe's life, from its URL being set to a reload, a config change or removal. */
  #config?: EmbedConfig;
  /** A new iframe element per session: a reload is a fresh browsing context. */
  #frame?: HTMLIFrameElement;
  /** Aborted when the session ends: its fetches stop and nothing is posted afterwards. */
  #session?: AbortController;
  /** Whether to answer a request now (the loop guard). */
  #guard?: (now: number) => boolean;
  /** The eager prefetch, until a request claims it or it fails. */
  #prefetch?: Promise<Held | undefined>;
  /** The first load of the frame starts the silent-frame clock, unless a valid request came first. */
  #silentCheckDue = false;
  #silentTimer?: ReturnType<typeof setTimeout>;
  /** The loading view shows until tokens are sent; the error view while this holds a message. */
  #loading = false;
  #error?: string;
  /** Set by reload(), a reconnect or an invalid config: start a new session on the next update. */
  #restart = true;
  #signedOut = false;

  constructor() {
    super();
    this.env = 'sandbox';
    this.path = '/';
    this.tokenCredentials = 'same-origin';
    this.tokenFetch = 'eager';
    this.frameTitle = 'Spotnana';
    this.tokenTimeout = 10000;
  }

  override connectedCallback() {
    super.connectedCallback();
    addEventListener('message', this.#onMessage);
    this.requestUpdate();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('message', this.#onMessage);
    this.#stop();
    this.#restart = true;
  }

  // The configuration is validated here, in the update, not in the constructor or
  // connectedCallback: frameworks set properties after inserting the element.
  protected override willUpdate(changed: PropertyValues<this>) {
    // Changes of anything but frameTitle and allow are validated (and may reload).
    const restart = this.#restart;
    if (this.isConnected && !this.#signedOut && (restart || [...changed.keys()].some((p) => p != 'frameTitle' && p != 'allow'))) {
      this.#restart = false;
      try {
        const config = resolveConfig(this, document.baseURI);
        if (restart || config.key != this.#config?.key) this.#start(config);
        // Options that need no reload apply from the next fetch.
        this.#config = config;
      } catch (error) {
        // No iframe while the configuration is invalid.
        this.#stop();
        this.#fail((error as EmbedError).detail);
      }
    }
    const frame = this.#frame;
    if (frame) {
      frame.title = this.frameTitle || 'Spotnana';
      if (this.allow) frame.allow = this.allow;
      else frame.removeAttribute('allow');
    }
  }

  protected override render() {
    return [
      this.#frame,
      this.#error != null
        ? html`<div part="error" role="alert">
            <slot name="error">
              <p><strong>Spotnana could not be loaded.</strong></p>
              <p>${this.#error}</p>
              <button part="retry" @click=${this.reload}>Try again</button>
            </slot>
          </div>`
        : this.#loading
          ? html`<div part="loading" role="status"><slot name="loading"><progress></progress>Loading Spotnana…</slot></div>`
          : nothing,
    ];
  }

  /** Drops any tokens it holds and starts the iframe afresh (and resets the loop guard). */
  reload() {
    this.#stop();
    this.#signedOut = false;
    this.#restart = true;
  }

  /** For when the host's user signs out: drops tokens, aborts any fetch, removes the iframe; only `reload()` brings it back. */
  signOut() {
    this.#stop();
    this.#signedOut = true;
  }

  #start(config: EmbedConfig) {
    this.#stop();
    const frame = (this.#frame = document.createElement('iframe'));
    frame.setAttribute('part', 'frame');
    frame.src = config.src;
    frame.onload = () => this.#onLoad(frame);
    this.#session = new AbortController();
    this.#guard = createLoopGuard(() =>
      this.#fail({ source: 'spotnana', code: 'request-loop', message: 'Over 5 token requests in a minute: none is answered until reload().' }),
    );
    this.#loading = this.#silentCheckDue = true;
    if (config.eager) {
      // In parallel with the iframe's load. A failed prefetch is dropped so that a
      // request arriving later starts a fetch of its own.
      const prefetch = (this.#prefetch = this.#fetch(config));
      prefetch.then((held) => {
        if (!held && this.#prefetch == prefetch) this.#prefetch = undefined;
      });
    }
  }

  /** Ends the session (held tokens dropped, fetches aborted with no error, timers cleared) and any view. */
  #stop() {
    this.#session?.abort();
    clearTimeout(this.#silentTimer);
    this.#config = this.#frame = this.#prefetch = this.#error = undefined;
    this.#loading = false;
    this.requestUpdate();
  }

  #onMessage = (event: MessageEvent) => {
    const message = this.#frame && classifyMessage(event, this.#config!.embedOrigin, this.#frame.contentWindow);
    if (message == TOKEN_EXCHANGE_REQUEST) this.#onRequest();
    else if (message && 'code' in message) this.#fail(message);
    else if (message) this.#emit('spotnana-message', message);
  };

  #onLoad(frame: HTMLIFrameElement) {
    if (frame != this.#frame) return;
    this.#emit('spotnana-load', { url: frame.src });
    // Only the first load after the URL was set starts the clock; navigations inside the frame do not.
    if (!this.#silentCheckDue) return;
    this.#silentCheckDue = false;
    this.#silentTimer = setTimeout(() => {
      const message = `No token request 15 s after the frame loaded: is ${location.origin} on Spotnana's allow-list for this org, and is embed-url Spotnana's?`;
      this.#fail({ source: 'spotnana', code: 'no-request', message });
    }, 15_000);
  }

  async #onRequest() {
    const { signal } = this.#session!;
    if (!this.#guard!(performance.now())) return;
    this.#silentCheckDue = false;
    clearTimeout(this.#silentTimer);
    this.#emit('spotnana-token-request', {});

    // The prefetched set serves the first request only, and only while fresh; a request
    // that arrives while it is in flight waits for it. Every other request fetches anew.
    const prefetch = this.#prefetch;
    this.#prefetch = undefined;
    let held = await prefetch;
    if (signal.aborted || (prefetch && !held)) return; // a failed prefetch has said so
    const prefetched = !!held && held.freshUntil > Date.now();
    if (!prefetched) held = await this.#fetch(this.#config!);
    const frame = this.#frame?.contentWindow;
    if (!held || signal.aborted || !frame) return;

    // Pinned to the embed origin: if the frame has navigated elsewhere, the browser drops it.
    frame.postMessage({ type: TOKEN_EXCHANGE_RESPONSE, payload: { accessToken: held.accessToken, refreshToken: held.refreshToken } }, this.#config!.embedOrigin);
    this.#loading = false;
    this.#error = undefined;
    this.requestUpdate();
    this.#emit('spotnana-token-sent', { prefetched });
  }

  async #fetch(config: EmbedConfig): Promise<Held | undefined> {
    const { signal } = this.#session!;
    try {
      const tokens = await fetchTokens({ ...config, provider: this.tokenProvider, signal });
      // Fresh while 60 s of its lifetime are left, or (lifetime unknown) for 60 s.
      return { ...tokens, freshUntil: Date.now() + (tokens.expiresIn == null ? 60_000 : tokens.expiresIn * 1000 - 60_000) };
    } catch (error) {
      // An aborted fetch (reload, signOut, removal) is no error.
      if (!signal.aborted) this.#fail((error as EmbedError).detail);
    }
  }

  #fail(detail: SpotnanaErrorDetail) {
    if (this.#emit('spotnana-error', detail, true)) {
      this.#error = detail.message;
      this.requestUpdate();
    }
  }

  #emit<K extends keyof SpotnanaEmbedEventMap>(type: K, detail: SpotnanaEmbedEventMap[K]['detail'], cancelable?: boolean) {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }
}
