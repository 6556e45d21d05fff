// The element: properties, render and lifecycle. It validates the configuration
// (config.ts), starts one EmbedSession per iframe life (session.ts) and turns what the
// session reports into events and views. Tokens never pass through here.

import { ReactiveElement, type PropertyDeclarations } from 'lit';
import { resolveConfig, type EmbedConfig } from './config.js';
import { errorDetail } from './error.js';
import type { SpotnanaEmbedEventMap, SpotnanaErrorDetail } from './events.js';
import { isFrameOption, OPTION_NAMES, ROWS, type SpotnanaEmbedOptions } from './options.js';
import { adoptableFrame, claimEarlyAnswer, hasEarlyFrame, hasEarlyListener, removeEarlyFrames } from './early.js';
import {
  endPrerenders,
  prerender,
  takePrerender,
  type MovingParent,
  type PrerenderHandle,
  type PrerenderOptions,
} from './prerender.js';
import { EmbedSession, type SessionReport } from './session.js';
import { styles } from './spotnana-embed.styles.js';
import { errorView, frameSlot, loadingView } from './spotnana-embed.views.js';
import { timing, type Timing } from './timing.js';

/**
 * What the element shows: nothing yet (`idle`: a session starts on the next update), the
 * loading view until tokens are sent, nothing once they are (`ready`), the error view
 * (no message: the host prevented it), or nothing after `signOut()`.
 */
type State =
  | { name: 'idle' }
  | { name: 'loading' }
  | { name: 'ready' }
  | { name: 'error'; message?: string }
  | { name: 'signed-out' };

/** Each option as a reactive property: its attribute (or none) from the option table. */
const OPTION_PROPERTIES: PropertyDeclarations = Object.fromEntries(
  OPTION_NAMES.map((name) => {
    const { attribute, numeric } = ROWS[name];
    return [name, { attribute, type: numeric ? Number : String }];
  }),
);
const CONFIG_FAILURE: SpotnanaErrorDetail = {
  source: 'config',
  code: 'invalid-option',
  message: 'The configuration is invalid.',
};

/** The elements in the document, for signOutAll(). */
const connected = new Set<SpotnanaEmbed>();

/** A prerendered session taken over: its frame is moved into the shadow root at the next update. */
interface Takeover {
  loaded: boolean;
  answered: boolean;
  release(): void;
}

// The options' properties (env, tokenEndpoint, ...) are declared by the option table: the
// class and this interface merge, so that the table stays their one source.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface SpotnanaEmbed extends SpotnanaEmbedOptions {}

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
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class SpotnanaEmbed extends ReactiveElement {
  static override styles = styles;

  // One reactive property per option; their types, docs and defaults are in options.ts.
  static override properties = OPTION_PROPERTIES;

  /** The current iframe's life; none while signed out, disconnected or misconfigured. */
  #session?: EmbedSession;
  #state: State = { name: 'idle' };
  /** Only the first session may adopt the page's early frame. */
  #mayAdopt = true;
  /** Waiting for the document to be parsed, when the early frame may still come (see #startSession). */
  #parseWait?: AbortController;
  /** The view in the shadow root, and the state it shows. */
  #view?: { state: State; node?: HTMLElement };
  readonly #frameSlot = frameSlot();
  /** A prerendered session's frame, until it is moved in. */
  #takeover?: Takeover;

  /**
   * Signs a frame in before any element exists (a single-page app, before the route that
   * shows Spotnana): an element with the same frame URL and token source takes it over.
   * Options by property name, plus `keep` (seconds, default 600); an invalid one throws a
   * TypeError.
   */
  static prerender(options: PrerenderOptions): PrerenderHandle {
    return prerender(options);
  }

  /**
   * The element's tunable waits, in ms: `silentFrameMs` (15000: no token request this long
   * after the frame's first load raises `no-request`) and `retryBackoffMs` (500: the token
   * endpoint's first retry waits this × [0.5, 1), each later one twice as long). Set a field
   * before the elements it should affect start; tests shorten both.
   */
  static readonly timing: Timing = timing;

  /** For when the host's user signs out or changes: every element signs out, and every prerender ends. */
  static signOutAll() {
    for (const element of [...connected]) element.signOut();
    endPrerenders();
  }

  constructor() {
    super();
    for (const name of OPTION_NAMES) {
      const { default: value } = ROWS[name];
      if (value !== undefined) (this as Record<string, unknown>)[name] = value;
    }
  }

  override connectedCallback() {
    super.connectedCallback();
    connected.add(this);
    if (this.#state.name !== 'signed-out') this.#setState({ name: 'idle' });
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    connected.delete(this);
    this.#endSession();
  }

  // The configuration is validated here, in the update, not in the constructor or
  // connectedCallback: frameworks set properties after inserting the element.
  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (!this.isConnected || this.#state.name === 'signed-out') return;
    // A change of the frame's attributes alone cannot make an invalid configuration valid:
    // with no session it is no reason to validate (and report) again.
    const frameOnly = [...changed.keys()].every(isFrameOption);
    if (this.#state.name === 'idle' || (changed.size > 0 && (this.#session || !frameOnly))) this.#applyConfig();
  }

  // Lit's reactive base class, without a template engine: after each update the shadow root
  // holds the frame (or the slot of an adopted one) and the current view, if any.
  protected override update(changed: Map<PropertyKey, unknown>) {
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
    if (frame && frame.parentNode !== root) this.#insertFrame(frame, root);
    if (view && view.parentNode !== root) root.append(view);
  }

  // After the prerendered frame moved in: the events that tell how far it got.
  protected override updated() {
    const takeover = this.#takeover;
    if (!takeover || !this.#session) return;
    this.#takeover = undefined;
    if (takeover.loaded) this.#emit('spotnana-load', { url: this.#session.frame.src, prerendered: true });
    if (takeover.answered) this.#emit('spotnana-token-sent', { prefetched: true, prerendered: true });
  }

  /** A prerendered frame moves in with moveBefore, which keeps its document; any other frame loads as it is inserted. */
  #insertFrame(frame: Element, root: ParentNode) {
    const takeover = this.#takeover;
    if (takeover) (root as MovingParent).moveBefore(frame, root.firstChild);
    else root.prepend(frame);
    takeover?.release();
  }

  /** The loading or error view for the current state, built again only when the state changes. */
  #currentView(): HTMLElement | undefined {
    const state = this.#state;
    if (state !== this.#view?.state) {
      let node: HTMLElement | undefined;
      if (state.name === 'loading') node = loadingView();
      else if (state.name === 'error' && state.message !== undefined)
        node = errorView(state.message, () => this.reload());
      this.#view = { state, node };
    }
    return this.#view.node;
  }

  /** Drops any tokens it holds and starts the iframe afresh (and resets the loop guard). */
  reload() {
    this.#endSession();
    this.#setState({ name: 'idle' });
  }

  /** For when the host's user signs out: drops tokens, aborts any fetch, removes the iframe; only `reload()` brings it back. */
  signOut() {
    this.#endSession();
    this.#setState({ name: 'signed-out' });
  }

  #setState(state: State) {
    this.#state = state;
    this.requestUpdate();
  }

  /** Validates the configuration; starts a session, or passes the new options to the current one. */
  #applyConfig() {
    let config: EmbedConfig;
    try {
      config = resolveConfig(this, document.baseURI);
    } catch (thrown) {
      // No iframe while the configuration is invalid, not even the page's early frame (nor its answer).
      this.#endSession();
      removeEarlyFrames(this);
      claimEarlyAnswer(undefined, false);
      this.#fail(errorDetail(thrown, CONFIG_FAILURE));
      return;
    }
    const session = this.#session;
    if (this.#state.name === 'idle' || !session || session.config.reloadKey !== config.reloadKey) {
      this.#startSession(config);
    } else {
      session.update(config);
    }
  }

  #startSession(config: EmbedConfig) {
    this.#endSession();
    const prerendered = takePrerender(config);
    if (prerendered && 'session' in prerendered) {
      const { session, ...takeover } = prerendered;
      this.#mayAdopt = false;
      removeEarlyFrames(this);
      session.handOver(this.#report, config);
      this.#session = session;
      this.#takeover = takeover;
      this.#setState({ name: takeover.answered ? 'ready' : 'loading' });
      return;
    }
    if (this.#mayAdopt && this.#earlyFrameMayComeLater()) {
      // The element was defined before the parser reached its children (an async script, HTML
      // streamed in chunks): wait for the page's early frame rather than load a second one.
      this.#setState({ name: 'loading' });
      this.#parseWait = new AbortController();
      const retry = () => this.#setState({ name: 'idle' });
      document.addEventListener('DOMContentLoaded', retry, { once: true, signal: this.#parseWait.signal });
      return;
    }
    const adopt = this.#mayAdopt ? adoptableFrame(this, config.src) : undefined;
    this.#mayAdopt = false;
    if (!adopt) removeEarlyFrames(this);
    const session = new EmbedSession({ config, adopt, report: this.#report, prefetch: prerendered?.tokens });
    this.#session = session;
    this.#setState({ name: 'loading' });
    session.start();
  }

  /** While the page is parsed after its early listener ran, an element with no early frame yet may still get one. */
  #earlyFrameMayComeLater(): boolean {
    return document.readyState === 'loading' && hasEarlyListener() && !hasEarlyFrame(this);
  }

  /** Ends the session (held tokens dropped, fetches aborted with no error, timers cleared), or the wait for the early frame. */
  #endSession() {
    this.#parseWait?.abort();
    this.#parseWait = undefined;
    this.#session?.stop();
    this.#session = undefined;
    // A prerendered frame that never moved in leaves with its holder.
    this.#takeover?.release();
    this.#takeover = undefined;
    this.requestUpdate();
  }

  /** What the session reports, as events and views. */
  #report: SessionReport = {
    load: (url) => this.#emit('spotnana-load', { url }),
    request: () => this.#emit('spotnana-token-request', {}),
    sent: (prefetched) => {
      this.#setState({ name: 'ready' });
      this.#emit('spotnana-token-sent', { prefetched });
    },
    error: (detail) => this.#fail(detail),
    frameBlocked: (detail) => {
      // As for any configuration error: no iframe.
      this.#endSession();
      this.#fail(detail);
    },
    message: (data) => this.#emit('spotnana-message', { data }),
  };

  /** Raises `spotnana-error`; the error view shows unless the host prevents it, and the loading view ends either way. */
  #fail(detail: SpotnanaErrorDetail) {
    if (this.#emit('spotnana-error', detail, true)) this.#setState({ name: 'error', message: detail.message });
    // Prevented: the loading view ends all the same, and a shown error view stays.
    else if (this.#state.name === 'idle' || this.#state.name === 'loading') this.#setState({ name: 'error' });
  }

  #emit<K extends keyof SpotnanaEmbedEventMap>(
    type: K,
    detail: SpotnanaEmbedEventMap[K]['detail'],
    cancelable = false,
  ) {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }
}
