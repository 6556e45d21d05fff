// The element's public events: names, `detail` types and the global event map, so that
// `el.addEventListener('spotnana-error', (e) => e.detail.code)` type-checks.
// Every event is a CustomEvent that bubbles and is composed (crosses shadow roots).

/** Where a `spotnana-error` came from. */
export type SpotnanaErrorSource = 'config' | 'token-endpoint' | 'token-provider' | 'spotnana';

/**
 * Codes of `source: 'config'`: the element's configuration, or the page's, is wrong. For each
 * code but `missing-token-endpoint` no iframe is loaded until it is fixed;
 * `missing-token-endpoint` is raised when the iframe asks while there is no token source, and
 * the iframe stays. `blocked-by-csp`: the page's Content Security Policy blocks the frame.
 */
export type ConfigErrorCode =
  | 'invalid-env'
  | 'invalid-embed-url'
  | 'invalid-path'
  | 'missing-token-endpoint'
  | 'invalid-token-endpoint'
  | 'invalid-option'
  | 'blocked-by-csp';

/** Codes of `source: 'token-endpoint'` (`blocked-by-csp`: the page's `connect-src` refuses it) and `source: 'token-provider'`. */
export type TokenErrorCode =
  'http-error' | 'invalid-response' | 'network-error' | 'timeout' | 'provider-error' | 'blocked-by-csp';

export interface SpotnanaErrorDetail {
  source: SpotnanaErrorSource;
  /**
   * A config or token code above; for `source: 'spotnana'` the iframe's own `errorCode`
   * (e.g. `INVALID_TOKEN`), `request-loop` or `no-request`.
   */
  code: ConfigErrorCode | TokenErrorCode | 'request-loop' | 'no-request' | (string & {});
  /** Human-readable; never holds a token. */
  message: string;
  /** The token endpoint's HTTP status, for `http-error`. */
  status?: number;
}

export interface SpotnanaLoadDetail {
  /** The URL the iframe was given (its later in-frame navigations are not readable cross-origin). */
  url: string;
  /** `true` when the element took over a prerendered frame that had loaded. */
  prerendered?: true;
}

export interface SpotnanaTokenSentDetail {
  /** `true` when the tokens came from the eager prefetch (or a prerender). */
  prefetched: boolean;
  /** `true` when a prerendered session had posted them before the element took it over. */
  prerendered?: true;
}

export interface SpotnanaMessageDetail {
  /** Whatever the embed app posted (already a structured clone). */
  data: unknown;
}

export type SpotnanaLoadEvent = CustomEvent<SpotnanaLoadDetail>;
export type SpotnanaTokenRequestEvent = CustomEvent<Record<string, never>>;
export type SpotnanaTokenSentEvent = CustomEvent<SpotnanaTokenSentDetail>;
export type SpotnanaErrorEvent = CustomEvent<SpotnanaErrorDetail>;
export type SpotnanaMessageEvent = CustomEvent<SpotnanaMessageDetail>;

export interface SpotnanaEmbedEventMap {
  'spotnana-load': SpotnanaLoadEvent;
  'spotnana-token-request': SpotnanaTokenRequestEvent;
  'spotnana-token-sent': SpotnanaTokenSentEvent;
  'spotnana-error': SpotnanaErrorEvent;
  'spotnana-message': SpotnanaMessageEvent;
}

/** Every event of the element, once each (the record's type makes the list complete: a missing or extra name does not compile). */
const EVENTS: Record<keyof SpotnanaEmbedEventMap, true> = {
  'spotnana-load': true,
  'spotnana-token-request': true,
  'spotnana-token-sent': true,
  'spotnana-error': true,
  'spotnana-message': true,
};
export const EVENT_TYPES = Object.keys(EVENTS) as (keyof SpotnanaEmbedEventMap)[];

declare global {
  // The events bubble and compose, so any element or the document may listen.
  interface HTMLElementEventMap extends SpotnanaEmbedEventMap {}
  interface DocumentEventMap extends SpotnanaEmbedEventMap {}
  interface WindowEventMap extends SpotnanaEmbedEventMap {}
}
