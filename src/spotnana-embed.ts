// The element: properties, render and lifecycle. It validates the configuration
// (config.ts), starts one EmbedSession per iframe life (session.ts) and turns what the
// session reports into events and views. Tokens never pass through here.

import { ReactiveElement, type PropertyValues } from 'lit';
import {
  DEFAULTS,
  resolveConfig,
  type EmbedConfig,
  type SpotnanaEnv,
  type TokenCredentials,
  type TokenFetch,
} from './config.js';
import { errorDetail } from './error.js';
import type { SpotnanaEmbedEventMap, SpotnanaErrorDetail } from './events.js';
import { EmbedSession, type SessionReport } from './session.js';
import { styles } from './spotnana-embed.styles.js';
import { errorView, frameSlot, loadingView } from './spotnana-embed.views.js';
import type { TokenProvider } from './token-client.js';

/** Properties whose changes apply to the iframe's attributes only: no validation, no reload. */
const FRAME_OPTIONS = new Set<PropertyKey>(['frameTitle', 'allow']);
/** The page's early frame, declared in the element's light DOM. */
const EARLY_FRAME = ':scope > iframe[slot="frame"]';
const CONFIG_FAILURE: SpotnanaErrorDetail = {
  source: 'config',
  code: 'invalid-option',
  message: 'The configuration is invalid.',
};

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
 * @slot frame - The page's early frame (`<iframe slot="frame">` with the URL the element would build), adopted instead of a frame of the element's own.
 * @slot loading - Shown until the tokens were sent (default: an indeterminate `<progress>` and "Loading Spotnana…").
 * @slot error - Shown after an error (default: the error's message and a retry button).
 *
 * @csspart frame - The Spotnana iframe (when it is the element's own; an adopted early frame stays in the page's DOM).
 * @csspart loading - The loading view (`role="status"`).
 * @csspart error - The error view (`role="alert"`).
 * @csspart retry - The default error view's retry button.
 *
 * @cssprop [--spotnana-embed-height=600px] - The element's height when the page sets none.
 * @cssprop [--spotnana-embed-background=#fff] - Background of the loading and error views.
 * @cssprop [--spotnana-embed-color=#1f2328] - Text color of the loading and error views.
 * @cssprop [--spotnana-embed-muted=#57606a] - Color of the error view's message.
 * @cssprop [--spotnana-embed-accent=#0b57d0] - The retry button and the progress bar.
 * @cssprop [--spotnana-embed-font=system-ui] - Font family of the loading and error views.
 */
export class SpotnanaEmbed extends ReactiveElement {
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
  /** Milliseconds one token-endpoint attempt (or the provider) may take before it is aborted: an integer from 1 to 120000. */
  declare tokenTimeout: number;
  /** Replaces the fetch of `token-endpoint` when set; not retried, aborted through `signal` after `token-timeout` ms. */
  declare tokenProvider: TokenProvider | undefined;

  /** The current iframe's life; none while signed out, disconnected or misconfigured. */
  #session?: EmbedSession;
  /** Start a new session on the next update: on connect, after reload(). */
  #sessionDue = true;
  /** Only the first session may adopt the page's early frame. */
  #mayAdopt = true;
  #signedOut = false;
  /** The loading view shows from a session's start until tokens are sent or something fails. */
  #loading = false;
  /** The error view shows while this holds a message. */
  #errorMessage?: string;
  /** The view in the shadow root, and the state it shows. */
  #view?: { key: string; node: HTMLElement };
  readonly #frameSlot = frameSlot();

  constructor() {
    super();
    this.env = DEFAULTS.env;
    this.path = DEFAULTS.path;
    this.tokenCredentials = DEFAULTS.tokenCredentials;
    this.tokenFetch = DEFAULTS.tokenFetch;
    this.frameTitle = DEFAULTS.frameTitle;
    this.tokenTimeout = DEFAULTS.tokenTimeout;
  }

  override connectedCallback() {
    super.connectedCallback();
    this.#sessionDue = true;
    this.requestUpdate();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#endSession();
  }

  // The configuration is validated here, in the update, not in the constructor or
  // connectedCallback: frameworks set properties after inserting the element.
  protected override willUpdate(changed: PropertyValues<this>) {
    const configChanged = [...changed.keys()].some((key) => !FRAME_OPTIONS.has(key));
    if (this.isConnected && !this.#signedOut && (this.#sessionDue || configChanged)) {
      this.#applyConfig(changed.has('tokenProvider'));
    }
    this.#applyFrameOptions();
  }

  // Lit's reactive base class, without a template engine: after each update the shadow root
  // holds the frame (or the slot of an adopted one) and the current view, if any.
  protected override update(changed: PropertyValues<this>) {
    super.update(changed);
    const session = this.#session;
    let frame: Element | undefined;
    if (session) frame = session.adopted ? this.#frameSlot : session.frame;
    const view = this.#currentView();
    const root = this.renderRoot;
    // Only what changed moves: inserting an iframe again would reload it.
    for (const child of [...root.children]) {
      if (child !== frame && child !== view && child.localName !== 'style') child.remove();
    }
    if (frame && frame.parentNode !== root) root.prepend(frame);
    if (view && view.parentNode !== root) root.append(view);
  }

  /** The loading or error view for the current state, built again only when the state changes. */
  #currentView(): HTMLElement | undefined {
    let key = '';
    if (this.#errorMessage !== undefined) key = `error ${this.#errorMessage}`;
    else if (this.#loading) key = 'loading';
    if (key !== this.#view?.key) {
      let node: HTMLElement | undefined;
      if (this.#errorMessage !== undefined) node = errorView(this.#errorMessage, () => this.reload());
      else if (this.#loading) node = loadingView();
      this.#view = node && { key, node };
    }
    return this.#view?.node;
  }

  /** Drops any tokens it holds and starts the iframe afresh (and resets the loop guard). */
  reload() {
    this.#endSession();
    this.#signedOut = false;
    this.#sessionDue = true;
  }

  /** For when the host's user signs out: drops tokens, aborts any fetch, removes the iframe; only `reload()` brings it back. */
  signOut() {
    this.#endSession();
    this.#signedOut = true;
  }

  /** Validates the configuration; starts a session, or passes the new options to the current one. */
  #applyConfig(providerChanged: boolean) {
    let config: EmbedConfig;
    try {
      config = resolveConfig(this, document.baseURI);
    } catch (thrown) {
      // No iframe while the configuration is invalid, not even the page's early frame.
      this.#endSession();
      this.#removeEarlyFrames();
      this.#sessionDue = false;
      this.#fail(errorDetail(thrown, CONFIG_FAILURE));
      return;
    }
    const session = this.#session;
    if (this.#sessionDue || !session || session.config.reloadKey !== config.reloadKey) {
      this.#startSession(config);
    } else {
      session.update(config);
      if (providerChanged) session.sourceChanged();
    }
  }

  #startSession(config: EmbedConfig) {
    this.#endSession();
    this.#sessionDue = false;
    const adopt = this.#mayAdopt ? this.#earlyFrame(config.src) : undefined;
    this.#mayAdopt = false;
    if (!adopt) this.#removeEarlyFrames();
    const session = new EmbedSession({ config, adopt, provider: () => this.tokenProvider, report: this.#report });
    this.#session = session;
    this.#loading = true;
    session.start();
  }

  /** Ends the session (held tokens dropped, fetches aborted with no error, timers cleared) and any view. */
  #endSession() {
    this.#session?.stop();
    this.#session = undefined;
    this.#loading = false;
    this.#errorMessage = undefined;
    this.requestUpdate();
  }

  /** The page's early frame, when its `src` is exactly the URL this element would build. */
  #earlyFrame(src: string): HTMLIFrameElement | undefined {
    const frame = this.querySelector<HTMLIFrameElement>(EARLY_FRAME);
    const declared = frame?.getAttribute('src');
    if (!frame || declared === null || declared === undefined) return undefined;
    try {
      return new URL(declared, document.baseURI).href === src ? frame : undefined;
    } catch {
      return undefined;
    }
  }

  #removeEarlyFrames() {
    for (const frame of this.querySelectorAll(EARLY_FRAME)) frame.remove();
  }

  #applyFrameOptions() {
    const session = this.#session;
    if (!session) return;
    const { frame } = session;
    // The page styles and names its own early frame; the element only fills in a missing title.
    if (session.adopted) {
      if (!frame.title) frame.title = this.frameTitle || DEFAULTS.frameTitle;
      return;
    }
    frame.title = this.frameTitle || DEFAULTS.frameTitle;
    if (this.allow) frame.allow = this.allow;
    else frame.removeAttribute('allow');
  }

  /** What the session reports, as events and views. */
  #report: SessionReport = {
    load: (url) => this.#emit('spotnana-load', { url }),
    request: () => this.#emit('spotnana-token-request', {}),
    sent: (prefetched) => {
      this.#loading = false;
      this.#errorMessage = undefined;
      this.requestUpdate();
      this.#emit('spotnana-token-sent', { prefetched });
    },
    error: (detail) => this.#fail(detail),
    message: (data) => this.#emit('spotnana-message', { data }),
  };

  /** Raises `spotnana-error`; the error view shows unless the host prevents it, and the loading view ends either way. */
  #fail(detail: SpotnanaErrorDetail) {
    this.#loading = false;
    if (this.#emit('spotnana-error', detail, true)) this.#errorMessage = detail.message;
    this.requestUpdate();
  }

  #emit<K extends keyof SpotnanaEmbedEventMap>(
    type: K,
    detail: SpotnanaEmbedEventMap[K]['detail'],
    cancelable = false,
  ) {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }
}
