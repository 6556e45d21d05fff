// The token client: the host's token endpoint (or a tokenProvider) -> a validated Tokens set.
// Inputs: the endpoint URL or the provider, the credentials mode, the per-attempt timeout
// and an AbortSignal for the whole call. Output: Tokens, or an EmbedError carrying the
// SPEC's source/code; an aborted call rejects with the signal's reason and is no error.
// No DOM, no Lit: fetch, AbortSignal, timers.

import { EmbedError } from './error.js';
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
}

/** Answers larger than this are refused unread: no backend needs more for two tokens. */
export const MAX_BODY = 64 * 1024;

const fail = (source: Source, code: TokenErrorCode, message: string, retryable?: boolean) => new EmbedError({ source, code, message }, retryable);
const invalid = (source: Source, what: string) => fail(source, 'invalid-response', `The ${source} answered ${what}.`);

/**
 * How long to wait before attempt `attempt + 1`: Retry-After (seconds or an HTTP date) when
 * the answer gave one, capped at 30 s; otherwise 500 ms × 2^(attempt−1) × [0.5, 1).
 */
export function retryDelay(attempt: number, retryAfter: string | null | undefined, random: number, now = Date.now()): number {
  // Whole seconds, or an HTTP date (which always has hh:mm:ss; Date.parse alone would
  // read "1.5" or "-1" as dates in 2001 and retry at once).
  const value = retryAfter ?? '';
  const wait = /^\s*\d+\s*$/.test(value) ? +value * 1000 : /\d\d:\d\d:\d\d/.test(value) ? Date.parse(value) - now : NaN;
  return wait >= 0 ? Math.min(wait, 30_000) : wait < 0 ? 0 : 500 * 2 ** (attempt - 1) * (0.5 + random / 2);
}

/** Accepts the SPEC's camelCase answer or Spotnana's own snake_case one; anything else throws. */
export function toTokens(answer: unknown, source: Source): Tokens {
  const a = Object(answer);
  const accessToken = a.accessToken ?? a.access_token;
  const refreshToken = a.refreshToken ?? a.refresh_token;
  const expiresIn = a.expiresIn ?? a.expires_in;
  if (!(accessToken && typeof accessToken == 'string' && refreshToken && typeof refreshToken == 'string' && (expiresIn == null || (expiresIn >= 0 && typeof expiresIn == 'number')))) {
    throw invalid(source, 'no valid { accessToken, refreshToken, expiresIn? }');
  }
  return { accessToken, refreshToken, expiresIn };
}

async function callEndpoint({ endpoint, credentials }: TokenRequest, signal: AbortSignal): Promise<unknown> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { Accept: 'application/json' },
    credentials,
    cache: 'no-store',
    // An expired session often redirects to a login page: that is no token answer.
    redirect: 'manual',
    signal,
  });
  const { status, headers } = response;
  if (response.type == 'opaqueredirect') throw invalid('token-endpoint', 'a redirect (an expired session?)');
  if (!response.ok) {
    const message = `The token endpoint answered HTTP ${status}.`;
    throw new EmbedError({ source: 'token-endpoint', code: 'http-error', message, status }, status == 408 || status == 429 || status >= 500, headers.get('retry-after'));
  }
  // Read by chunks, so that a body without (or lying in) Content-Length is capped too.
  const chunks: BlobPart[] = [];
  let size = +headers.get('content-length')!;
  const reader = response.body?.getReader();
  for (let chunk; !(size > MAX_BODY) && reader && !(chunk = await reader.read()).done; size += chunk.value.length) chunks.push(chunk.value);
  if (size > MAX_BODY) {
    reader?.cancel().catch(() => {});
    throw invalid('token-endpoint', 'a body over 64 KiB');
  }
  try {
    return JSON.parse(await new Blob(chunks).text());
  } catch {
    throw invalid('token-endpoint', 'no JSON');
  }
}

/** Gets one token set: from the provider (not retried), or the endpoint (retried up to twice). */
export async function fetchTokens(request: TokenRequest): Promise<Tokens> {
  const { provider, signal, timeout } = request;
  const source: Source = provider ? 'token-provider' : 'token-endpoint';
  for (let n = 1; ; n++) {
    // One attempt: aborted after `timeout` ms, or with the caller's signal.
    const attempt = AbortSignal.any([signal, AbortSignal.timeout(timeout)]);
    let error: any;
    try {
      signal.throwIfAborted();
      const answer = provider ? provider({ signal: attempt, env: request.env, embedOrigin: request.embedOrigin }) : callEndpoint(request, attempt);
      // Race the abort too: a provider that ignores its signal still times out.
      return toTokens(await Promise.race([answer, new Promise((_, reject) => attempt.addEventListener('abort', reject))]), source);
    } catch (thrown: any) {
      signal.throwIfAborted();
      const message = thrown?.message;
      error = attempt.aborted
        ? fail(source, 'timeout', `The ${source} did not answer within ${timeout} ms.`, true)
        : thrown instanceof EmbedError
          ? thrown
          : provider
            ? fail(source, 'provider-error', typeof message == 'string' && message ? message : 'The token provider failed.')
            : fail(source, 'network-error', 'The token endpoint could not be reached.', true);
    }
    if (provider || !error.retryable || n > 2) throw error;
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, retryDelay(n, error.retryAfter, Math.random()));
      signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    });
  }
}
