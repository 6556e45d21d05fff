// Step 2 of the sequence: the host backend trades the user's token in the host system
// (the subject token) for Spotnana tokens, by OAuth 2.0 token exchange (RFC 8693 §2.1),
// a form-encoded POST to <api base>/v2/auth/oauth2-token.
// Input: credentials, subject token, env or apiUrl. Output: camelCase tokens, or a TokenExchangeError.
import { type ApiTarget, tokenEndpointUrl } from './env.js';
import { TokenExchangeError } from './errors.js';

/** `grant_type` of RFC 8693 token exchange. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** The default `subject_token_type`: the subject token is an access token of the host system. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Default bound of the whole call, retry included: below the element's 10 s `token-timeout`. */
export const DEFAULT_TIMEOUT = 8000;
/** The longest `Retry-After` the one retry waits for; a longer one fails at once (and is passed on). */
const MAX_RETRY_WAIT = 5000;
/** Spotnana's answer is a few hundred bytes; anything this large is not it. */
const MAX_BODY_CHARS = 64 * 1024;

export interface ExchangeTokenOptions extends ApiTarget {
  /** The client id Spotnana gave you. */
  clientId: string;
  /** The client secret Spotnana gave you. Never logged, never in an error. */
  clientSecret: string;
  /** The signed-in user's token in your system; Spotnana sends it to your user-detail API. */
  subjectToken: string;
  /** Default `urn:ietf:params:oauth:token-type:access_token`. */
  subjectTokenType?: string;
  /** Milliseconds the whole call (retry included) may take; default 8000. */
  timeout?: number;
  /** Aborts the call; it then rejects with `signal.reason`, not a `TokenExchangeError`. */
  signal?: AbortSignal;
  /** Your own `fetch` (instrumented, proxied...); default the global one. */
  fetch?: typeof fetch;
}

/** Spotnana's answer (step 4), in camelCase. */
export interface TokenExchangeResult {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives (3600 at Spotnana); absent if Spotnana leaves it out. */
  expiresIn?: number;
  /** `Bearer`. */
  tokenType: string;
  /** `openid`. */
  scope?: string;
}

/**
 * Exchanges the user's token for Spotnana tokens. Network errors, 429 and 5xx are retried
 * once, after `Retry-After` (up to 5 s) or a short backoff; the whole call is bounded by
 * `timeout` and `signal`.
 *
 * @throws {TokenExchangeError} with `code` = Spotnana's OAuth `error`, or `http_error`,
 *   `network_error`, `timeout`, `invalid_response`.
 */
export async function exchangeToken(options: ExchangeTokenOptions): Promise<TokenExchangeResult> {
  const { clientId, clientSecret, subjectToken } = options;
  requireString(clientId, 'clientId');
  requireString(clientSecret, 'clientSecret');
  requireString(subjectToken, 'subjectToken');
  const subjectTokenType = options.subjectTokenType ?? ACCESS_TOKEN_TYPE;
  requireString(subjectTokenType, 'subjectTokenType');
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout)) {
    throw new TypeError('spotnana-embed/server: timeout must be a positive number of milliseconds');
  }
  const url = tokenEndpointUrl(options);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const secrets = [clientSecret, subjectToken];

  // Exactly the parameters of the SPEC's step 2, in its order.
  const body = new URLSearchParams([
    ['grant_type', TOKEN_EXCHANGE_GRANT_TYPE],
    ['client_id', clientId],
    ['client_secret', clientSecret],
    ['subject_token', subjectToken],
    ['subject_token_type', subjectTokenType],
    ['scope', 'openid'],
  ]).toString();

  const callerSignal = options.signal;
  callerSignal?.throwIfAborted();
  const deadline = AbortSignal.timeout(timeout);
  const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
  const startedAt = Date.now();
  const timeoutError = () =>
    new TokenExchangeError('timeout', `Spotnana token exchange timed out after ${timeout} ms`);

  for (let attempt = 1; ; attempt++) {
    let failure: TokenExchangeError;
    let retryable: boolean;
    try {
      const response = await abortable(
        fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body,
          signal,
          // Never follow a redirect: it would re-send the client secret to wherever it points.
          redirect: 'manual',
        }),
        signal,
      );
      if (response.status >= 200 && response.status < 300) {
        return parseTokens(await abortable(readBody(response), signal));
      }
      failure = await abortable(errorFromResponse(response, secrets), signal);
      retryable = response.status === 429 || response.status >= 500;
    } catch (error) {
      if (error instanceof TokenExchangeError) throw error;
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (deadline.aborted) throw timeoutError();
      failure = new TokenExchangeError('network_error', 'Spotnana token exchange failed: the API could not be reached', {
        cause: error,
      });
      retryable = true;
    }
    if (attempt >= 2 || !retryable) throw failure;

    const asked = failure.retryAfter === undefined ? undefined : parseRetryAfter(failure.retryAfter);
    const wait = asked ?? 250 + Math.random() * 250;
    // Retrying sooner than Spotnana asked would add to its load; waiting past our own
    // deadline would only turn a clear answer into a timeout. Either way: fail now.
    if (wait > MAX_RETRY_WAIT || Date.now() - startedAt + wait >= timeout) throw failure;
    try {
      await sleep(wait, signal);
    } catch {
      if (callerSignal?.aborted) throw callerSignal.reason;
      throw timeoutError();
    }
  }
}

function requireString(value: unknown, name: string): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`spotnana-embed/server: ${name} must be a non-empty string`);
  }
}

async function readBody(response: Response): Promise<string> {
  const text = await response.text();
  if (text.length > MAX_BODY_CHARS) {
    throw new TokenExchangeError('invalid_response', 'Spotnana token exchange failed: the answer is too large', {
      status: response.status,
    });
  }
  return text;
}

function parseTokens(text: string): TokenExchangeResult {
  const invalid = (why: string) =>
    new TokenExchangeError('invalid_response', `Spotnana token exchange failed: the answer ${why}`, { status: 200 });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid('is not JSON');
  }
  if (!isRecord(data)) throw invalid('is not a JSON object');
  const { access_token, refresh_token, token_type, expires_in, scope } = data;
  if (typeof access_token !== 'string' || access_token === '') throw invalid('has no access_token');
  if (typeof refresh_token !== 'string' || refresh_token === '') throw invalid('has no refresh_token');
  if (token_type !== undefined && (typeof token_type !== 'string' || token_type === '')) {
    throw invalid('has an invalid token_type');
  }
  if (scope !== undefined && typeof scope !== 'string') throw invalid('has an invalid scope');
  let expiresIn: number | undefined;
  if (expires_in !== undefined && expires_in !== null) {
    // RFC 6749 §5.1 says a number; some servers send a numeric string.
    expiresIn = typeof expires_in === 'string' && /^\d+$/.test(expires_in) ? Number(expires_in) : (expires_in as number);
    if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0) {
      throw invalid('has an invalid expires_in');
    }
  }
  const result: TokenExchangeResult = {
    accessToken: access_token,
    refreshToken: refresh_token,
    tokenType: (token_type as string | undefined) ?? 'Bearer',
  };
  if (expiresIn !== undefined) result.expiresIn = expiresIn;
  if (scope !== undefined) result.scope = scope;
  return result;
}

/** An error answer, read as RFC 6749 §5.2 JSON when it is that. */
async function errorFromResponse(response: Response, secrets: string[]): Promise<TokenExchangeError> {
  const status = response.status;
  const retryAfter = response.headers.get('retry-after') ?? undefined;
  if (status < 400) {
    // A redirect (status 0 is a browser's opaque redirect).
    await response.body?.cancel().catch(() => {});
    return new TokenExchangeError(
      'invalid_response',
      `Spotnana token exchange failed: the API answered with a redirect (HTTP ${status})`,
      { status },
    );
  }
  let error: string | undefined;
  let errorDescription: string | undefined;
  try {
    const data: unknown = JSON.parse(await readBody(response));
    if (isRecord(data)) {
      // RFC 6749 §5.2: error is ASCII without '"' and '\'.
      // A code that holds a secret (an echoing proxy, a hostile upstream) is no code: http_error.
      if (
        typeof data.error === 'string' &&
        /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,100}$/.test(data.error) &&
        redact(data.error, secrets) === data.error
      ) {
        error = data.error;
      }
      if (typeof data.error_description === 'string' && data.error_description !== '') {
        errorDescription = redact(data.error_description, secrets).slice(0, 300);
      }
    }
  } catch {
    // Not JSON (an HTML error page of a proxy): http_error below.
  }
  const code = error ?? 'http_error';
  const detail = errorDescription === undefined ? '' : `: ${errorDescription}`;
  return new TokenExchangeError(code, `Spotnana token exchange failed: HTTP ${status} ${code}${detail}`, {
    status,
    error,
    errorDescription,
    retryAfter,
  });
}

/** Spotnana might echo a parameter back; our errors never carry one. */
function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  return out;
}

/** `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date; milliseconds, or undefined if unreadable. */
export function parseRetryAfter(value: string): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date always has hh:mm:ss; Date.parse alone reads "1.5" or "-1" as dates in 2001.
  if (!/\d\d:\d\d:\d\d/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (in case a custom fetch ignores it). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
