// The token client: the host's token endpoint (or a tokenProvider) -> a validated Tokens set.
// Inputs: the endpoint URL or the provider, the credentials mode, the per-attempt timeout
// and an AbortSignal for the whole call. Output: Tokens, or a TokenError carrying the
// SPEC's source/code; an aborted call rejects with the signal's reason and is no error.
// No DOM, no Lit: fetch, AbortController, timers.

import type { TokenErrorCode } from './events.js';

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

export type TokenSource = 'token-endpoint' | 'token-provider';

export interface TokenRequest {
  endpoint: string;
  provider?: TokenProvider | null;
  credentials: RequestCredentials;
  /** Milliseconds one attempt may take, headers and body. */
  timeout: number;
  signal: AbortSignal;
  env: string;
  embedOrigin: string;
}

export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    readonly source: TokenSource,
    readonly code: TokenErrorCode,
    message: string,
    readonly status?: number,
    /** Worth another attempt (network error, timeout, 408, 429, 5xx). */
    readonly retryable = false,
    /** The answer's Retry-After header, when retryable. */
    readonly retryAfter?: string | null,
  ) {
    super(message);
  }
}

/** Answers larger than this are refused unread: no backend needs more for two tokens. */
export const MAX_BODY = 64 * 1024;
const RETRIES = 2;
const MAX_RETRY_AFTER = 30_000;

/**
 * How long to wait before attempt `attempt + 1`: Retry-After (seconds or an HTTP date) when
 * the answer gave one, capped at 30 s; otherwise 500 ms × 2^(attempt−1) × [0.5, 1).
 */
export function retryDelay(attempt: number, retryAfter: string | null | undefined, random: number, now = Date.now()): number {
  if (retryAfter) {
    // Whole seconds, or an HTTP date (which always has hh:mm:ss; Date.parse alone would
    // read "1.5" or "-1" as dates in 2001 and retry at once).
    const wait = /^\s*\d+\s*$/.test(retryAfter)
      ? +retryAfter * 1000
      : /\d\d:\d\d:\d\d/.test(retryAfter)
        ? Date.parse(retryAfter) - now
        : NaN;
    if (!isNaN(wait)) return Math.min(Math.max(wait, 0), MAX_RETRY_AFTER);
  }
  return 500 * 2 ** (attempt - 1) * (0.5 + random / 2);
}

/** Accepts the SPEC's camelCase answer or Spotnana's own snake_case one; anything else throws. */
export function toTokens(answer: unknown, source: TokenSource): Tokens {
  const a = (answer ?? {}) as Record<string, unknown>;
  const accessToken = a.accessToken ?? a.access_token;
  const refreshToken = a.refreshToken ?? a.refresh_token;
  const expiresIn = a.expiresIn ?? a.expires_in;
  if (!accessToken || typeof accessToken != 'string' || !refreshToken || typeof refreshToken != 'string') {
    throw new TokenError(source, 'invalid-response', `The ${source} answered without a non-empty accessToken and refreshToken.`);
  }
  if (expiresIn == null) return { accessToken, refreshToken };
  if (typeof expiresIn != 'number' || !(expiresIn >= 0)) {
    throw new TokenError(source, 'invalid-response', `The ${source} answered an expiresIn that is not a number of seconds.`);
  }
  return { accessToken, refreshToken, expiresIn };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

async function readJson(response: Response): Promise<unknown> {
  const invalid = (why: string) => new TokenError('token-endpoint', 'invalid-response', `The token endpoint answered ${why}.`);
  if (+response.headers.get('content-length')! > MAX_BODY) throw invalid('a body over 64 KiB');
  // Read by chunks so that a body without (or lying in) Content-Length is still capped.
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (let chunk; reader && !(chunk = await reader.read()).done; ) {
    text += decoder.decode(chunk.value, { stream: true });
    if ((size += chunk.value.length) > MAX_BODY) {
      reader.cancel().catch(() => {});
      throw invalid('a body over 64 KiB');
    }
  }
  try {
    return JSON.parse(text + decoder.decode());
  } catch {
    throw invalid('something that is not JSON');
  }
}

async function callEndpoint(request: TokenRequest, signal: AbortSignal): Promise<unknown> {
  const response = await fetch(request.endpoint, {
    method: 'POST',
    headers: { Accept: 'application/json' },
    credentials: request.credentials,
    cache: 'no-store',
    // An expired session often redirects to a login page: that is no token answer.
    redirect: 'manual',
    signal,
  });
  if (response.type == 'opaqueredirect') {
    throw new TokenError('token-endpoint', 'invalid-response', 'The token endpoint answered with a redirect (an expired session?).');
  }
  if (!response.ok) {
    const { status } = response;
    const retryable = status == 408 || status == 429 || status >= 500;
    throw new TokenError('token-endpoint', 'http-error', `The token endpoint answered HTTP ${status}.`, status, retryable, response.headers.get('retry-after'));
  }
  return readJson(response);
}

/** One attempt, aborted after `timeout` ms, or with the caller's signal. */
async function attempt(request: TokenRequest, source: TokenSource, run: (signal: AbortSignal) => Promise<unknown>): Promise<Tokens> {
  const outer = request.signal;
  const controller = new AbortController();
  const abort = () => controller.abort(outer.reason);
  let timedOut = false;
  const timer = setTimeout(() => ((timedOut = true), controller.abort()), request.timeout);
  outer.addEventListener('abort', abort);
  try {
    if (outer.aborted) throw outer.reason;
    // Race the abort too: a provider that ignores its signal still times out.
    const aborted = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', reject));
    return toTokens(await Promise.race([run(controller.signal), aborted]), source);
  } catch (error) {
    if (outer.aborted) throw outer.reason;
    if (timedOut) throw new TokenError(source, 'timeout', `The ${source} did not answer within ${request.timeout} ms.`, undefined, true);
    if (error instanceof TokenError) throw error;
    if (source == 'token-provider') {
      const message = (error as Error | undefined)?.message;
      throw new TokenError(source, 'provider-error', typeof message == 'string' && message ? message : 'The token provider failed.');
    }
    throw new TokenError(source, 'network-error', 'The token endpoint could not be reached.', undefined, true);
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', abort);
  }
}

/** Gets one token set: from the provider (not retried), or the endpoint (retried up to twice). */
export async function fetchTokens(request: TokenRequest): Promise<Tokens> {
  const { provider } = request;
  if (provider) {
    return attempt(request, 'token-provider', (signal) =>
      provider({ signal, env: request.env, embedOrigin: request.embedOrigin }),
    );
  }
  for (let n = 1; ; n++) {
    try {
      return await attempt(request, 'token-endpoint', (signal) => callEndpoint(request, signal));
    } catch (error) {
      if (!(error instanceof TokenError && error.retryable && n <= RETRIES)) throw error;
      await sleep(retryDelay(n, error.retryAfter, Math.random()), request.signal);
    }
  }
}
