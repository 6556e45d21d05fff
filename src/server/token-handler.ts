// Steps 1 and 5 of the sequence: the host's token endpoint, which the element POSTs to.
// Input: the page's Request (with the user's session). Output: a Response with the
// Spotnana tokens, or a small JSON error whose status the element knows how to treat.
//
// The statuses are chosen so that retries never multiply into a storm against Spotnana:
// the element retries 408, 429 and 5xx (at most 3 attempts) and exchangeToken retries
// once, so a rejection (4xx from Spotnana) becomes a 403 that nobody retries, and only
// a Spotnana outage or rate limit becomes a 502/503.
import { retryAfterSeconds } from '../shared/retry-after.js';
import { type ApiTarget, tokenEndpointUrl } from './env.js';
import { TokenExchangeError, TokenHandlerError, type TokenHandlerErrorCode } from './errors.js';
import { DEFAULT_TIMEOUT, checkTimeout, exchangeToken } from './exchange-token.js';

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
  /** Sees each failure with its details, for your logs. Never sees a token. */
  onError?: (error: unknown, request: Request) => void;
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
  checkOptions(options);
  const allowedOrigins = options.allowedOrigins?.map(checkOrigin);

  const report = (error: unknown, request: Request) => {
    try {
      options.onError?.(error, request);
    } catch {
      // A failing logger must not change the answer.
    }
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
        return fail(
          request,
          'forbidden_origin',
          403,
          `A page at origin ${JSON.stringify(origin)} may not call the token endpoint`,
        );
      }
    } else {
      const site = request.headers.get('sec-fetch-site');
      if (site !== null && site !== 'same-origin' && site !== 'none') {
        return fail(request, 'forbidden_origin', 403, `A ${site} request may not call the token endpoint`);
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
      const body: TokenResponseBody = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
      if (tokens.expiresIn !== undefined) body.expiresIn = tokens.expiresIn;
      return json(body, 200);
    } catch (error) {
      report(error, request);
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
 * instead of answering 500 to every page load (which the element would retry).
 */
function checkOptions(options: TokenHandlerOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('spotnana-embed/server: createTokenHandler needs an options object');
  }
  if (typeof options.getSubjectToken !== 'function') {
    throw new TypeError('spotnana-embed/server: createTokenHandler needs a getSubjectToken(request) function');
  }
  for (const name of ['clientId', 'clientSecret'] as const) {
    if (typeof options[name] !== 'string' || options[name] === '') {
      throw new TypeError(`spotnana-embed/server: ${name} must be a non-empty string`);
    }
  }
  if (
    options.subjectTokenType !== undefined &&
    (typeof options.subjectTokenType !== 'string' || options.subjectTokenType === '')
  ) {
    throw new TypeError('spotnana-embed/server: subjectTokenType must be a non-empty string');
  }
  for (const name of ['onError', 'fetch'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`spotnana-embed/server: ${name} must be a function`);
    }
  }
  tokenEndpointUrl(options); // env and apiUrl
  checkTimeout(options.timeout ?? DEFAULT_TIMEOUT);
  if (options.allowedOrigins !== undefined && !Array.isArray(options.allowedOrigins)) {
    throw new TypeError('spotnana-embed/server: allowedOrigins must be an array of origins');
  }
}

/** An origin as a browser sends it in `Origin`: scheme, host and port, nothing else (a trailing `/` is tolerated). */
function checkOrigin(entry: unknown): string {
  const notAnOrigin = () =>
    new TypeError(
      `spotnana-embed/server: allowedOrigins holds ${JSON.stringify(String(entry))}, which is not an origin such as https://app.example.com`,
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
