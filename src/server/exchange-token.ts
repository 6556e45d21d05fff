// Step 2 of the sequence: the host backend trades the user's token in the host system
// (the subject token) for Spotnana tokens, by OAuth 2.0 token exchange (RFC 8693 §2.1),
// a form-encoded POST to <api base>/v2/auth/oauth2-token.
// Input: credentials, subject token, env or apiUrl. Output: camelCase tokens, or a TokenExchangeError.
//
// The policy (what is retried, how long to wait) is here; the mechanism (capped read,
// retries, the deadline) is shared with the element's token client (shared/http.ts).
// Web APIs only, and none that a supported runtime lacks.
import { abortable, BodyTooLargeError, deadline, readCapped, retry, type RetryPolicy } from '../shared/http.js';
import { parseRetryAfter } from '../shared/retry-after.js';
import { got, gotSecret } from './describe.js';
import { type ApiTarget, tokenEndpointUrl } from './env.js';
import { TokenExchangeError, type TokenExchangeErrorCode, type TokenExchangeErrorInit } from './errors.js';
import { type Redactor, createRedactor, redactedCause } from './redact.js';

/** `grant_type` of RFC 8693 token exchange. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** The default `subject_token_type`: the subject token is an access token of the host system. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Default bound of the whole call, retry included: below the element's 10 s `token-timeout`. */
export const DEFAULT_TIMEOUT = 8000;
/** The longest delay a timer takes (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMEOUT = 2 ** 31 - 1;
/** The first try and one retry. */
const MAX_ATTEMPTS = 2;
/** The longest `Retry-After` the one retry waits for; a longer one fails at once (and is passed on). */
const MAX_RETRY_WAIT = 5000;
/** Without `Retry-After`, the retry waits this long plus a random share of as much again. */
const RETRY_BACKOFF = 250;
/** Spotnana's answer is a few hundred bytes; anything this large is not it. */
const MAX_BODY_BYTES = 64 * 1024;
/** How much of Spotnana's `error_description` an error keeps. */
const MAX_DESCRIPTION = 300;
/** RFC 6749 §5.2: `error` is printable ASCII without '"' and '\'. */
const OAUTH_ERROR_SHAPE = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,100}$/;

/** The OAuth error codes (RFC 6749 §5.2, RFC 8693 §2.2.2) that a `TokenExchangeError.code` may take from Spotnana. */
export const OAUTH_ERROR_CODES: readonly TokenExchangeErrorCode[] = Object.freeze([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
]);

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
 * `timeout` and `signal`. Spotnana's answer is read as a stream, 64 KiB at most.
 *
 * @throws {TokenExchangeError} with `code` = Spotnana's OAuth `error` (one of
 *   {@link OAUTH_ERROR_CODES}), or `http_error`, `network_error`, `timeout`, `invalid_response`.
 */
export async function exchangeToken(options: ExchangeTokenOptions): Promise<TokenExchangeResult> {
  const { clientId, clientSecret, subjectToken } = options;
  requireString(clientId, 'clientId');
  requireString(clientSecret, 'clientSecret', true);
  requireString(subjectToken, 'subjectToken', true);
  const redact = createRedactor([clientSecret, subjectToken]);
  const subjectTokenType = options.subjectTokenType ?? ACCESS_TOKEN_TYPE;
  requireString(subjectTokenType, 'subjectTokenType', false, redact);
  const timeout = checkTimeout(options.timeout ?? DEFAULT_TIMEOUT, redact);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new TypeError(`spotnana-embed/server: fetch must be a function; got ${got(fetchImpl, redact)}`);
  }
  const url = tokenEndpointUrl(options, redact);
  options.signal?.throwIfAborted();

  // Exactly the parameters of step 2, in its order.
  const body = new URLSearchParams([
    ['grant_type', TOKEN_EXCHANGE_GRANT_TYPE],
    ['client_id', clientId],
    ['client_secret', clientSecret],
    ['subject_token', subjectToken],
    ['subject_token_type', subjectTokenType],
    ['scope', 'openid'],
  ]).toString();

  const bound = deadline(
    timeout,
    options.signal,
    () => new TokenExchangeError('timeout', `Spotnana token exchange timed out after ${timeout} ms`),
  );
  const call: Call = {
    url,
    body,
    fetch: fetchImpl,
    signal: bound.signal,
    redact,
  };
  const startedAt = Date.now();
  const policy: RetryPolicy = {
    attempts: MAX_ATTEMPTS,
    wait(failure) {
      if (!(failure instanceof TokenExchangeError) || !isRetryable(failure)) return undefined;
      const wait = parseRetryAfter(failure.retryAfter) ?? RETRY_BACKOFF + Math.random() * RETRY_BACKOFF;
      // Retrying sooner than Spotnana asked would add to its load; waiting past our own
      // deadline would only turn a clear answer into a timeout. Either way: fail now.
      return wait > MAX_RETRY_WAIT || Date.now() - startedAt + wait >= timeout ? undefined : wait;
    },
  };
  try {
    // An abort (the caller's, or the deadline's) rejects with its reason: the caller's own, or a timeout error.
    return await retry(() => sendOnce(call), policy, call.signal);
  } finally {
    bound.release();
  }
}

/** Checks a `timeout` option: a positive number of milliseconds that a timer can take. */
export function checkTimeout(timeout: unknown, redact?: Redactor): number {
  if (typeof timeout !== 'number' || !(timeout > 0) || timeout > MAX_TIMEOUT) {
    throw new TypeError(
      `spotnana-embed/server: timeout must be a positive number of milliseconds, at most ${MAX_TIMEOUT}; got ${got(timeout, redact)}`,
    );
  }
  return timeout;
}

/** Checks a string option; of a secret, the error gives only the kind and length of what it got. */
export function requireString(value: unknown, name: string, secret = false, redact?: Redactor): void {
  if (typeof value !== 'string' || value === '') {
    const shown = secret ? gotSecret(value) : got(value, redact);
    throw new TypeError(`spotnana-embed/server: ${name} must be a non-empty string; got ${shown}`);
  }
}

/** One exchange's request and what bounds it. */
interface Call {
  url: URL;
  body: string;
  fetch: typeof fetch;
  /** Aborts on the caller's signal or the deadline. */
  signal: AbortSignal;
  redact: Redactor;
}

/**
 * One attempt: a controller of its own, so that an answer over the cap can close its
 * connection. An abort rejects with its reason; any other failure is a TokenExchangeError.
 */
async function sendOnce(call: Call): Promise<TokenExchangeResult> {
  const attempt = new AbortController();
  const onAbort = () => attempt.abort(call.signal.reason);
  call.signal.addEventListener('abort', onAbort, { once: true });
  // Called bare: workerd refuses a fetch called as a method of another object.
  const send = call.fetch;
  try {
    const response = await abortable(
      send(call.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: call.body,
        signal: attempt.signal,
        // Never follow a redirect: it would re-send the client secret to wherever it points.
        redirect: 'manual',
      }),
      call.signal,
    );
    if (response.status >= 200 && response.status < 300) {
      return parseTokens(await readBody(response, attempt, call.signal));
    }
    throw await errorFromResponse(response, attempt, call);
  } catch (error) {
    call.signal.throwIfAborted();
    throw error instanceof TokenExchangeError ? error : networkError(error, call.redact);
  } finally {
    call.signal.removeEventListener('abort', onAbort);
  }
}

function isRetryable(failure: TokenExchangeError): boolean {
  if (failure.code === 'network_error') return true;
  if (failure.code === 'invalid_response' || failure.status === undefined) return false;
  return failure.status === 429 || failure.status >= 500;
}

function networkError(error: unknown, redact: Redactor): TokenExchangeError {
  return new TokenExchangeError('network_error', 'Spotnana token exchange failed: the API could not be reached', {
    cause: redactedCause(error, redact),
  });
}

/** The answer's body as text; past 64 KiB the attempt is aborted (which closes the connection): invalid_response. */
async function readBody(response: Response, attempt: AbortController, signal: AbortSignal): Promise<string> {
  try {
    return await readCapped(response, MAX_BODY_BYTES, signal);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    attempt.abort();
    throw new TokenExchangeError(
      'invalid_response',
      'Spotnana token exchange failed: the answer is larger than 64 KiB',
      {
        status: response.status,
      },
    );
  }
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
    expiresIn =
      typeof expires_in === 'string' && /^\d+$/.test(expires_in) ? Number(expires_in) : (expires_in as number);
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

/** An error answer, read as RFC 6749 §5.2 JSON when it is that; every value taken from it is redacted. */
async function errorFromResponse(
  response: Response,
  attempt: AbortController,
  call: Call,
): Promise<TokenExchangeError> {
  const { status } = response;
  const { redact } = call;
  const received = response.headers.get('retry-after') ?? undefined;
  // A Retry-After that held a secret is no Retry-After.
  const retryAfter = received !== undefined && redact(received) === received ? received : undefined;
  if (status < 400) {
    // A redirect (status 0 is a browser's opaque redirect).
    response.body?.cancel().catch(() => {});
    return new TokenExchangeError(
      'invalid_response',
      `Spotnana token exchange failed: the API answered with a redirect (HTTP ${status})`,
      { status },
    );
  }
  // Over the cap this throws invalid_response: not retried, whatever the status.
  const text = await readBody(response, attempt, call.signal);
  const init: TokenExchangeErrorInit = { status, retryAfter };
  let code: TokenExchangeErrorCode = 'http_error';
  try {
    const data: unknown = JSON.parse(text);
    if (isRecord(data)) {
      if (typeof data.error === 'string' && OAUTH_ERROR_SHAPE.test(data.error)) {
        init.error = redact(data.error);
        if (OAUTH_ERROR_CODES.includes(data.error)) code = data.error;
      }
      if (typeof data.error_description === 'string' && data.error_description !== '') {
        init.errorDescription = redact(data.error_description).slice(0, MAX_DESCRIPTION);
      }
    }
  } catch {
    // Not JSON (an HTML error page of a proxy): http_error.
  }
  const detail = init.errorDescription === undefined ? '' : `: ${init.errorDescription}`;
  return new TokenExchangeError(code, redact(`Spotnana token exchange failed: HTTP ${status} ${code}${detail}`), init);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
