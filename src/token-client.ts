// The token client: the host's token endpoint (or a tokenProvider) -> a validated Tokens set.
// Inputs: the endpoint URL or the provider, the credentials mode, the per-attempt timeout
// and an AbortSignal for the whole call. Output: Tokens, or an EmbedError carrying the
// source/code of `spotnana-error`; an aborted call rejects with the signal's reason and is
// no error. No DOM, no Lit: fetch, AbortSignal, timers.

import { EmbedError, isEmbedError, messageOf } from './error.js';
import type { TokenErrorCode } from './events.js';
import { parseRetryAfter } from './shared/retry-after.js';
import { sleep } from './shared/sleep.js';

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

type Source = 'token-endpoint' | 'token-provider';

export interface TokenRequest {
  endpoint: string;
  provider?: TokenProvider | null;
  credentials: RequestCredentials;
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
/** At most three attempts in all: the first and two retries. */
export const MAX_ATTEMPTS = 3;
/** The first retry waits BASE_BACKOFF_MS × [0.5, 1); each later one twice as long. */
const BASE_BACKOFF_MS = 500;
/** A `Retry-After` longer than this is capped. */
const MAX_RETRY_AFTER_MS = 30_000;
/** Statuses worth another attempt besides 5xx: Request Timeout, Too Many Requests. */
const RETRIED_STATUSES = [408, 429];
const SERVER_ERROR = 500;
/** A well-formed Content-Length: digits only. */
const CONTENT_LENGTH = /^\d+$/;

const failure = (source: Source, code: TokenErrorCode, message: string, retryable = false) =>
  new EmbedError({ source, code, message }, retryable);
const invalidAnswer = (source: Source, what: string) =>
  failure(source, 'invalid-response', `The ${source} answered ${what}.`);

/**
 * How long to wait before attempt `attempt + 1`: Retry-After (seconds or an HTTP date) when
 * the answer gave one, capped at 30 s; otherwise 500 ms × 2^(attempt−1) × [0.5, 1).
 */
export function retryDelay(attempt: number, retryAfter: string | null | undefined, random: number, now = Date.now()) {
  const asked = parseRetryAfter(retryAfter, now);
  if (asked !== undefined) return Math.min(asked, MAX_RETRY_AFTER_MS);
  return BASE_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + random / 2);
}

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

/** The body as text, refused once more than MAX_BODY bytes have been read (whatever Content-Length says). */
async function readCapped(response: Response): Promise<string> {
  const declared = response.headers.get('content-length') ?? '';
  // A well-formed length over the cap refuses the body before reading it.
  if (CONTENT_LENGTH.test(declared) && Number(declared) > MAX_BODY) {
    response.body?.cancel().catch(() => {});
    throw invalidAnswer('token-endpoint', 'a body over 64 KiB');
  }
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let bytesRead = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytesRead += value.byteLength;
    if (bytesRead > MAX_BODY) {
      reader.cancel().catch(() => {});
      throw invalidAnswer('token-endpoint', 'a body over 64 KiB');
    }
    chunks.push(value);
  }
  return new Blob(chunks as BlobPart[]).text();
}

/** One attempt at the endpoint: its answer as parsed JSON, or an EmbedError. */
async function callEndpoint(request: TokenRequest, signal: AbortSignal, early?: Promise<Response>): Promise<unknown> {
  const response = await (early ??
    fetch(request.endpoint, {
      method: 'POST',
      headers: { Accept: 'application/json' },
      credentials: request.credentials,
      cache: 'no-store',
      // An expired session often redirects to a login page: that is no token answer.
      redirect: 'manual',
      signal,
    }));
  const { status } = response;
  if (response.type === 'opaqueredirect') throw invalidAnswer('token-endpoint', 'a redirect (an expired session?)');
  if (!response.ok) {
    response.body?.cancel().catch(() => {});
    const retryable = RETRIED_STATUSES.includes(status) || status >= SERVER_ERROR;
    const detail = {
      source: 'token-endpoint',
      code: 'http-error',
      message: `The token endpoint answered HTTP ${status}.`,
      status,
    } as const;
    throw new EmbedError(detail, retryable, response.headers.get('retry-after'));
  }
  const text = await readCapped(response);
  try {
    return JSON.parse(text);
  } catch {
    throw invalidAnswer('token-endpoint', 'no JSON');
  }
}

/** Settles with `answer`, or rejects when `signal` aborts (a provider that ignores its signal still times out). */
function untilAborted<T>(answer: T | Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  return Promise.race([answer, aborted]);
}

/** The EmbedError for whatever one attempt threw. */
function attemptFailure(thrown: unknown, source: Source, timedOut: boolean, timeout: number): EmbedError {
  if (timedOut) return failure(source, 'timeout', `The ${source} did not answer within ${timeout} ms.`, true);
  if (isEmbedError(thrown)) return thrown;
  if (source === 'token-provider') {
    return failure(source, 'provider-error', messageOf(thrown) ?? 'The token provider failed.');
  }
  return failure(source, 'network-error', 'The token endpoint could not be reached.', true);
}

/** Gets one token set: from the provider (not retried), or the endpoint (up to three attempts). */
export async function fetchTokens(request: TokenRequest): Promise<Tokens> {
  const { provider, signal, timeout } = request;
  const source: Source = provider ? 'token-provider' : 'token-endpoint';
  let early = provider ? undefined : request.firstResponse;
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    // One attempt: aborted after `timeout` ms, or with the caller's signal.
    const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(timeout)]);
    let error: EmbedError;
    try {
      const answer = provider
        ? provider({ signal: attemptSignal, env: request.env, embedOrigin: request.embedOrigin })
        : callEndpoint(request, attemptSignal, early);
      return toTokens(await untilAborted(answer, attemptSignal), source);
    } catch (thrown) {
      signal.throwIfAborted();
      error = attemptFailure(thrown, source, attemptSignal.aborted, timeout);
    }
    early = undefined;
    if (provider || !error.retryable || attempt >= MAX_ATTEMPTS) throw error;
    await sleep(retryDelay(attempt, error.retryAfter, Math.random()), signal);
  }
}
