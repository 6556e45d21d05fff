// The errors of spotnana-embed/server. Each has a stable `code`; none ever carries the
// client secret or the subject token (in its message, its properties or its stack).

/**
 * `code` of a {@link TokenExchangeError}: the OAuth `error` of Spotnana's answer
 * (RFC 6749 §5.2, RFC 8693 §2.2.2), or one of ours for failures without one.
 */
export type TokenExchangeErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  /** an error answer without an OAuth `error` */
  | 'http_error'
  /** no answer: DNS, connection refused or reset, TLS */
  | 'network_error'
  /** the whole call, retry included, took longer than `timeout` */
  | 'timeout'
  /** a 2xx answer that is not the documented JSON, or a redirect */
  | 'invalid_response'
  | (string & {});

export interface TokenExchangeErrorInit {
  status?: number;
  error?: string;
  errorDescription?: string;
  retryAfter?: string;
  cause?: unknown;
}

/** A failed token exchange (step 2 of the sequence). */
export class TokenExchangeError extends Error {
  /** Stable machine-readable code: Spotnana's OAuth `error`, or `http_error`, `network_error`, `timeout`, `invalid_response`. */
  readonly code: TokenExchangeErrorCode;
  /** HTTP status of Spotnana's answer; absent when there was no answer. */
  readonly status?: number;
  /** The OAuth `error` of Spotnana's answer, when it had one. */
  readonly error?: string;
  /** The OAuth `error_description` of Spotnana's answer, when it had one (secrets redacted). */
  readonly errorDescription?: string;
  /** Spotnana's `Retry-After` header as received, on a 429 or 503. */
  readonly retryAfter?: string;

  constructor(code: TokenExchangeErrorCode, message: string, init: TokenExchangeErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = this.constructor.name;
    this.code = code;
    if (init.status !== undefined) this.status = init.status;
    if (init.error !== undefined) this.error = init.error;
    if (init.errorDescription !== undefined) this.errorDescription = init.errorDescription;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
  }
}

/** `code` of a {@link TokenHandlerError}: the `error` the token handler answered with. */
export type TokenHandlerErrorCode =
  | 'method_not_allowed'
  | 'forbidden_origin'
  | 'unauthenticated'
  | 'exchange_rejected'
  | 'upstream_unavailable'
  | 'internal_error';

/**
 * What `createTokenHandler`'s `onError` receives for an answer that has no other error
 * behind it (a wrong method, a cross-site caller, no signed-in user). Exchange failures
 * reach `onError` as the {@link TokenExchangeError} itself, and a throwing
 * `getSubjectToken` as what it threw.
 */
export class TokenHandlerError extends Error {
  readonly code: TokenHandlerErrorCode;
  /** The HTTP status the handler answered with. */
  readonly status: number;

  constructor(code: TokenHandlerErrorCode, status: number, message: string) {
    super(message);
    this.name = this.constructor.name;
    this.code = code;
    this.status = status;
  }
}
