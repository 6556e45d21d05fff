// The token client: a token source (the host's endpoint, or a tokenProvider) -> a validated
// Tokens set. Inputs: the source as the configuration resolved it (config.ts), the
// per-attempt timeout and an AbortSignal for the whole call. Output: Tokens, or an EmbedError
// carrying the source/code of `spotnana-error`; an aborted call rejects with the signal's
// reason and is no error. The endpoint's policy (which answers are retried, how long to wait)
// is here; the mechanism (capped read, retries, timeouts) is shared with the server half.
// No DOM, no Lit.

import type { TokenSource } from './config.js';
import { EmbedError, isEmbedError, messageOf } from './error.js';
import type { TokenErrorCode } from './events.js';
import { abortable, BodyTooLargeError, deadline, readCapped, retry, type RetryPolicy } from './shared/http.js';
import { parseRetryAfter } from './shared/retry-after.js';
import { timing } from './timing.js';

/** What the host's backend hands over for one embed session. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** Lifetime of the access token in seconds, when known. */
  expiresIn?: number;
}

export interface TokenProviderContext {
  /** Aborted after `token-timeout` ms, or when the element reloads or is removed. */
  signal: AbortSignal;
  env: string;
  embedOrigin: string;
}

/** Replaces the fetch of `token-endpoint`; owns its retries. */
export type TokenProvider = (context: TokenProviderContext) => Promise<Tokens>;

type Source = TokenSource['kind'];

export interface TokenRequest {
  source: TokenSource;
  /** Milliseconds one attempt may take, headers and body. */
  timeout: number;
  signal: AbortSignal;
  env: string;
  embedOrigin: string;
  /** The first attempt's answer when it was already requested (the early listener's fetch). */
  firstResponse?: Promise<Response>;
}

/** Answers larger than this are refused: no backend needs more for two tokens. */
export const MAX_BODY = 64 * 1024;
/** An error answer is read this far for its `error` code, and no further. */
const MAX_ERROR_BODY = 4 * 1024;
/** What an error answer's `error` must look like to be shown: one short word, as OAuth's codes. */
const ERROR_CODE = /^[\w.-]{1,64}$/;
/** At most three attempts in all: the first and two retries. */
export const MAX_ATTEMPTS = 3;
/** A `Retry-After` longer than this is capped. */
const MAX_RETRY_AFTER_MS = 30_000;
/** Statuses worth another attempt besides 5xx: Request Timeout, Too Many Requests. */
const RETRIED_STATUSES = [408, 429];
const SERVER_ERROR = 500;

const failure = (source: Source, code: TokenErrorCode, message: string, retryable = false) =>
  new EmbedError({ source, code, message }, retryable);
const invalidAnswer = (source: Source, what: string) =>
  failure(source, 'invalid-response', `The ${source} answered ${what}.`);

/**
 * How long to wait before attempt `attempt + 1`: Retry-After (seconds or an HTTP date) when
 * the answer gave one, capped at 30 s; otherwise `timing.retryBackoffMs` (500 ms) × 2^(attempt−1) × [0.5, 1).
 */
export function retryDelay(attempt: number, retryAfter: string | null | undefined, random: number, now = Date.now()) {
  const asked = parseRetryAfter(retryAfter, now);
  if (asked !== undefined) return Math.min(asked, MAX_RETRY_AFTER_MS);
  return timing.retryBackoffMs * 2 ** (attempt - 1) * (0.5 + random / 2);
}

/** The endpoint's policy: network errors, timeouts, 408, 429 and 5xx, up to three attempts. */
const ENDPOINT_RETRIES: RetryPolicy = {
  attempts: MAX_ATTEMPTS,
  wait: (thrown, attempt) =>
    isEmbedError(thrown) && thrown.retryable ? retryDelay(attempt, thrown.retryAfter, Math.random()) : undefined,
};

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Accepts the camelCase answer or Spotnana's own snake_case one; anything else throws. */
export function toTokens(answer: unknown, source: Source): Tokens {
  const fields = Object(answer);
  const accessToken = fields.accessToken ?? fields.access_token;
  const refreshToken = fields.refreshToken ?? fields.refresh_token;
  const expiresIn = fields.expiresIn ?? fields.expires_in;
  const validExpiry =
    expiresIn === undefined || expiresIn === null || (typeof expiresIn === 'number' && expiresIn >= 0);
  if (Array.isArray(answer) || !isNonEmptyString(accessToken) || !isNonEmptyString(refreshToken) || !validExpiry) {
    throw invalidAnswer(source, 'no valid { accessToken, refreshToken, expiresIn? }');
  }
  return { accessToken, refreshToken, expiresIn: expiresIn ?? undefined };
}

/** One request to the endpoint (or the early listener's answer to it): the answer as parsed JSON, or an EmbedError. */
async function callEndpoint(
  { url, init }: Extract<TokenSource, { kind: 'token-endpoint' }>,
  signal: AbortSignal,
  early?: Promise<Response>,
): Promise<unknown> {
  const response = await (early ?? fetch(url, { ...init, signal }));
  const { status } = response;
  if (response.type === 'opaqueredirect') throw invalidAnswer('token-endpoint', 'a redirect (an expired session?)');
  if (!response.ok) {
    const retryable = RETRIED_STATUSES.includes(status) || status >= SERVER_ERROR;
    const code = await errorCodeOf(response, signal);
    const detail = {
      source: 'token-endpoint',
      code: 'http-error',
      message: `The token endpoint answered HTTP ${status}${code ? ` (${code})` : ''}.`,
      status,
    } as const;
    throw new EmbedError(detail, retryable, response.headers.get('retry-after'));
  }
  let text: string;
  try {
    text = await readCapped(response, MAX_BODY, signal);
  } catch (thrown) {
    if (thrown instanceof BodyTooLargeError) throw invalidAnswer('token-endpoint', 'a body over 64 KiB');
    throw thrown;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalidAnswer('token-endpoint', 'no JSON');
  }
}

/**
 * The `error` code of an error answer's JSON (`{"error":"exchange_rejected"}`, as the server
 * half answers), when it is one short word; anything else, a larger body or an unreadable one
 * gives none: the status alone still says what happened.
 */
async function errorCodeOf(response: Response, signal: AbortSignal): Promise<string | undefined> {
  try {
    const { error } = Object(JSON.parse(await readCapped(response, MAX_ERROR_BODY, signal)));
    return typeof error === 'string' && ERROR_CODE.test(error) ? error : undefined;
  } catch {
    signal.throwIfAborted();
    return undefined;
  }
}

/** The EmbedError for whatever one attempt threw. */
function attemptFailure(thrown: unknown, source: Source): EmbedError {
  if (isEmbedError(thrown)) return thrown;
  if (source === 'token-provider') {
    return failure(source, 'provider-error', messageOf(thrown) ?? 'The token provider failed.');
  }
  return failure(source, 'network-error', 'The token endpoint could not be reached.', true);
}

/**
 * One attempt: `run` gets a signal that aborts after `timeout` ms (a provider that ignores it
 * still times out) or with the caller's; its answer is validated as tokens.
 */
async function attempt(request: TokenRequest, run: (signal: AbortSignal) => unknown): Promise<Tokens> {
  const { source, timeout, signal } = request;
  const bound = deadline(timeout, signal, () =>
    failure(source.kind, 'timeout', `The ${source.kind} did not answer within ${timeout} ms.`, true),
  );
  try {
    return toTokens(await abortable(run(bound.signal), bound.signal), source.kind);
  } catch (thrown) {
    // The caller's abort is no error; the timeout's reason is its EmbedError.
    bound.signal.throwIfAborted();
    throw attemptFailure(thrown, source.kind);
  } finally {
    bound.release();
  }
}

/** Gets one token set: from the provider (not retried: it owns its retries), or the endpoint (up to three attempts). */
export async function fetchTokens(request: TokenRequest): Promise<Tokens> {
  const { source, signal } = request;
  signal.throwIfAborted();
  if (source.kind === 'token-provider') {
    const { env, embedOrigin } = request;
    return attempt(request, (attemptSignal) => source.provider({ signal: attemptSignal, env, embedOrigin }));
  }
  let early = request.firstResponse;
  return retry(
    () => {
      const first = early;
      early = undefined;
      return attempt(request, (attemptSignal) => callEndpoint(source, attemptSignal, first));
    },
    ENDPOINT_RETRIES,
    signal,
  );
}
