// Steps 1 and 5 of the sequence: the host's token endpoint, which the element POSTs to.
// Input: the page's Request (with the user's session). Output: a Response with the
// Spotnana tokens, or a small JSON error whose status the element knows how to treat.
//
// The statuses are chosen so that retries never multiply into a storm against Spotnana:
// the element retries 408, 429 and 5xx (at most 3 attempts) and exchangeToken retries
// once, so a rejection (4xx from Spotnana) becomes a 403 that nobody retries, and only
// a Spotnana outage or rate limit becomes a 502/503.
import { retryAfterSeconds } from '../shared/retry-after.js';
import { got, oneLine, quoted } from './describe.js';
import { type ApiTarget, tokenEndpointUrl } from './env.js';
import {
  TokenExchangeError,
  TokenHandlerError,
  type TokenExchangeErrorCode,
  type TokenHandlerErrorCode,
} from './errors.js';
import { DEFAULT_TIMEOUT, OAUTH_ERROR_CODES, checkTimeout, exchangeToken, requireString } from './exchange-token.js';
import { type Redactor, createRedactor } from './redact.js';

/**
 * How an exchange with Spotnana ended: `ok`; `rejected` when Spotnana refused it with an
 * OAuth error (a 4xx such as `invalid_client`, `invalid_grant`); `error` for anything else
 * (no answer, a timeout, a 5xx, a 429, an answer that is not Spotnana's, an aborted request).
 */
export type TokenExchangeOutcome = 'ok' | 'rejected' | 'error';

/** What `onExchange` receives for each exchange with Spotnana. Never a token, the subject token, the client id or the secret. */
export interface TokenExchangeEvent {
  /** Milliseconds from the first call to Spotnana to the end of the exchange, retry included. */
  durationMs: number;
  outcome: TokenExchangeOutcome;
  /**
   * When not `ok`: the {@link TokenExchangeError}'s `code` (`invalid_client`,
   * `network_error`, `timeout`...), or `aborted` when the page's request was aborted during
   * the exchange.
   */
  code?: TokenExchangeErrorCode | 'aborted';
  /** The HTTP status of Spotnana's answer (the last one, after a retry), when there was one. */
  status?: number;
}

export interface TokenHandlerOptions extends ApiTarget {
  clientId: string;
  clientSecret: string;
  /**
   * The signed-in user's token in your system (read it from the request's session or
   * cookie), or nothing when no one is signed in (the handler then answers 401).
   */
  getSubjectToken: (request: Request) => string | null | undefined | Promise<string | null | undefined>;
  /**
   * Origins whose pages may call the endpoint. Default: the origin of `request.url`.
   * Behind a proxy that changes the scheme or host, list the public origin here.
   */
  allowedOrigins?: readonly string[];
  /**
   * Sees each failure with its details, for your logs. Never sees a token. Without it, each
   * failed exchange with Spotnana (and the first refused origin) is printed as one line
   * with `console.error`; with it, nothing is printed.
   */
  onError?: (error: unknown, request: Request) => void;
  /**
   * Called once for each token exchange the handler makes with Spotnana (once, too, when the
   * exchange is retried), with its duration and outcome: for your metrics and traces. Not
   * called for a request refused before Spotnana is called: a wrong method, a refused
   * origin, no signed-in user, a throwing `getSubjectToken`. A throwing `onExchange` does
   * not change the answer.
   */
  onExchange?: (event: TokenExchangeEvent) => void;
  /** `subject_token_type`; default `urn:ietf:params:oauth:token-type:access_token`. */
  subjectTokenType?: string;
  /** Bound of one exchange, retry included; default 8000 ms. */
  timeout?: number;
  /** Your own `fetch` for the call to Spotnana. */
  fetch?: typeof fetch;
}

/** The token endpoint's successful answer. */
export interface TokenResponseBody {
  accessToken: string;
  refreshToken: string;
  expiresIn?: number;
}

/** Creates the host's token endpoint: `(request) => Promise<Response>`, for any runtime with Web `Request`/`Response`. */
export function createTokenHandler(options: TokenHandlerOptions): (request: Request) => Promise<Response> {
  const redactSecret = checkOptions(options);
  const allowedOrigins = options.allowedOrigins?.map((entry, index) => checkOrigin(entry, index, redactSecret));
  const { onError, onExchange } = options;
  let refusalPrinted = false;

  const report = (error: unknown, request: Request) => {
    if (onError) safely(() => onError(error, request));
  };
  const fail = (
    request: Request,
    code: TokenHandlerErrorCode,
    status: number,
    message: string,
    headers?: HeadersInit,
  ) => {
    report(new TokenHandlerError(code, status, message), request);
    return json({ error: code }, status, headers);
  };
  /** A refused origin: to onError, or else printed the first time (later ones could be another site's doing). */
  const refuse = (request: Request, message: string, line: string) => {
    if (!onError && !refusalPrinted) {
      refusalPrinted = true;
      console.error(
        oneLine(
          `spotnana-embed: refused a token request ${line}; further refusals are not printed; pass onError to createTokenHandler to log them your way`,
        ),
      );
    }
    return fail(request, 'forbidden_origin', 403, message);
  };

  return async function spotnanaTokenHandler(request: Request): Promise<Response> {
    if (request.method !== 'POST') {
      return fail(request, 'method_not_allowed', 405, `The token endpoint answers POST only, not ${request.method}`, {
        allow: 'POST',
      });
    }

    // Another site must not mint tokens with this user's cookies (a cross-site POST
    // carries them when SameSite allows it).
    const origin = request.headers.get('origin');
    if (origin !== null) {
      const allowed = allowedOrigins ?? [ownOrigin(request)];
      if (origin === 'null' || !allowed.includes(origin)) {
        const which = allowedOrigins
          ? `which is not in allowedOrigins [${allowed.map((entry) => quoted(entry)).join(', ')}]`
          : `which is not the origin of the request's URL, ${quoted(allowed[0]!)} (behind a proxy, list your public origin in allowedOrigins)`;
        return refuse(
          request,
          `A page at origin ${JSON.stringify(origin)} may not call the token endpoint`,
          `from origin ${quoted(origin)}, ${which}`,
        );
      }
    } else {
      const site = request.headers.get('sec-fetch-site');
      if (site !== null && site !== 'same-origin' && site !== 'none') {
        return refuse(
          request,
          `A ${site} request may not call the token endpoint`,
          `without Origin from a ${quoted(site)} page (Sec-Fetch-Site)`,
        );
      }
    }

    let subjectToken: string | null | undefined;
    try {
      subjectToken = await options.getSubjectToken(request);
    } catch (error) {
      report(error, request);
      return json({ error: 'internal_error' }, 500);
    }
    if (typeof subjectToken !== 'string' || subjectToken === '') {
      return fail(request, 'unauthenticated', 401, 'No signed-in user: getSubjectToken returned no token');
    }

    const startedAt = now();
    const exchanged = (outcome: TokenExchangeOutcome, error?: unknown) => {
      if (!onExchange) return;
      const event: TokenExchangeEvent = { durationMs: Math.max(0, now() - startedAt), outcome };
      if (error instanceof TokenExchangeError) {
        event.code = error.code;
        if (error.status !== undefined) event.status = error.status;
      } else if (outcome !== 'ok') {
        event.code = request.signal.aborted ? 'aborted' : 'internal_error';
      } else {
        event.status = 200;
      }
      safely(() => onExchange(event));
    };
    try {
      const tokens = await exchangeToken({
        env: options.env,
        apiUrl: options.apiUrl,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        subjectToken,
        subjectTokenType: options.subjectTokenType,
        timeout: options.timeout,
        fetch: options.fetch,
        // The page gave up (its own timeout, a navigation): so do we.
        signal: request.signal,
      });
      exchanged('ok');
      const body: TokenResponseBody = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
      if (tokens.expiresIn !== undefined) body.expiresIn = tokens.expiresIn;
      return json(body, 200);
    } catch (error) {
      exchanged(isRejection(error) ? 'rejected' : 'error', error);
      if (onError) report(error, request);
      else if (!request.signal.aborted) {
        // The host has no logger of ours: one line, so that a failing sign-in is not silent.
        console.error(failureLine(error, createRedactor([options.clientSecret, subjectToken])));
      }
      if (!(error instanceof TokenExchangeError)) return json({ error: 'internal_error' }, 500);
      if (error.status === 429) {
        // Pass Spotnana's own wait on, so the element waits as long as Spotnana asked: as
        // whole seconds, the one form that carries no text of Spotnana's to the browser.
        const seconds = retryAfterSeconds(error.retryAfter);
        return json(
          { error: 'upstream_unavailable' },
          503,
          seconds === undefined ? undefined : { 'retry-after': String(seconds) },
        );
      }
      if (error.status !== undefined && error.status >= 400 && error.status < 500) {
        return json({ error: 'exchange_rejected' }, 403);
      }
      // 5xx, no answer, a timeout, an answer that is not Spotnana's.
      return json({ error: 'upstream_unavailable' }, 502);
    }
  };
}

/** Spotnana refused the exchange: an OAuth error on a 4xx (a 429 is a rate limit, not a refusal). */
function isRejection(error: unknown): boolean {
  return (
    error instanceof TokenExchangeError &&
    OAUTH_ERROR_CODES.includes(error.code) &&
    error.status !== undefined &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 429
  );
}

/**
 * The default log line of a failed exchange: its code, Spotnana's status and what went
 * wrong, redacted and on one line.
 */
function failureLine(error: unknown, redact: Redactor): string {
  let what: string;
  if (error instanceof TokenExchangeError) {
    const status = error.status === undefined ? '' : ` (HTTP ${error.status})`;
    // Spotnana's description often ends a sentence; the line goes on after it.
    const detail = (error.errorDescription ?? failureDetail(error))?.replace(/\.$/, '');
    what = `${error.code}${status}${detail ? `: ${detail}` : ''}`;
  } else {
    what = `internal_error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
  return oneLine(
    redact(`spotnana-embed: token exchange failed: ${what}; pass onError to createTokenHandler to log it your way`),
  );
}

/** What the error's message says beyond its code and status, with the system's error code of a network error (ECONNREFUSED...). */
function failureDetail(error: TokenExchangeError): string | undefined {
  if (error.code === 'http_error' || OAUTH_ERROR_CODES.includes(error.code)) return undefined;
  const detail = error.message.replace(/^Spotnana token exchange (failed: )?/, '');
  const systemCode = causeCode(error.cause);
  return systemCode ? `${detail} (${systemCode})` : detail;
}

function causeCode(cause: unknown, depth = 0): string | undefined {
  if (typeof cause !== 'object' || cause === null || depth > 3) return undefined;
  const { code } = cause as { code?: unknown };
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  return causeCode((cause as { cause?: unknown }).cause, depth + 1);
}

/** Runs a callback of the host's; what it throws or rejects with is dropped: a failing logger must not change the answer. */
function safely(callback: () => unknown): void {
  try {
    const result = callback();
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      (result as PromiseLike<unknown>).then(undefined, () => {});
    }
  } catch {
    // Dropped, as above.
  }
}

/** Milliseconds, monotonic where the runtime has `performance`. */
const now = (): number => (typeof performance === 'object' ? performance.now() : Date.now());

function json(body: unknown, status: number, headers?: HeadersInit): Response {
  const response = new Response(JSON.stringify(body), { status, headers });
  response.headers.set('content-type', 'application/json; charset=utf-8');
  response.headers.set('cache-control', 'no-store');
  response.headers.set('x-content-type-options', 'nosniff');
  return response;
}

function ownOrigin(request: Request): string {
  try {
    return new URL(request.url).origin;
  } catch {
    return '';
  }
}

/**
 * Every option, checked once when the handler is created: a typo then fails at start-up
 * instead of answering 500 to every page load (which the element would retry). Each error
 * quotes what it got, redacted. Returns the redactor of the client secret.
 */
function checkOptions(options: TokenHandlerOptions): Redactor {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`spotnana-embed/server: createTokenHandler needs an options object; got ${got(options)}`);
  }
  requireString(options.clientSecret, 'clientSecret', true);
  const redact = createRedactor([options.clientSecret]);
  if (typeof options.getSubjectToken !== 'function') {
    throw new TypeError(
      `spotnana-embed/server: createTokenHandler needs a getSubjectToken(request) function; got ${got(options.getSubjectToken, redact)}`,
    );
  }
  requireString(options.clientId, 'clientId', false, redact);
  if (options.subjectTokenType !== undefined)
    requireString(options.subjectTokenType, 'subjectTokenType', false, redact);
  for (const name of ['onError', 'onExchange', 'fetch'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`spotnana-embed/server: ${name} must be a function; got ${got(options[name], redact)}`);
    }
  }
  tokenEndpointUrl(options, redact); // env and apiUrl
  checkTimeout(options.timeout ?? DEFAULT_TIMEOUT, redact);
  if (options.allowedOrigins !== undefined && !Array.isArray(options.allowedOrigins)) {
    throw new TypeError(
      `spotnana-embed/server: allowedOrigins must be an array of origins; got ${got(options.allowedOrigins, redact)}`,
    );
  }
  return redact;
}

/** An origin as a browser sends it in `Origin`: scheme, host and port, nothing else (a trailing `/` is tolerated). */
function checkOrigin(entry: unknown, index: number, redact: Redactor): string {
  const notAnOrigin = () =>
    new TypeError(
      `spotnana-embed/server: allowedOrigins[${index}] is not an origin such as https://app.example.com; got ${got(entry, redact)}`,
    );
  if (typeof entry !== 'string') throw notAnOrigin();
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw notAnOrigin();
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if (url.origin === 'null' || !bare || !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+\/?$/i.test(entry)) throw notAnOrigin();
  return url.origin;
}
