// POST /v2/auth/oauth2-token as Spotnana documents it: RFC 8693 token exchange (steps 2-4)
// and client_credentials. Errors are RFC 6749 §5.2 JSON, checked in the SPEC's order:
// request shape, then the client, then (only then) the host's user-detail API.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TokenStore } from './token-store.js';

export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const TOKEN_LIFETIME_SECONDS = 3600;
/** Refresh tokens outlive access tokens, as usual. */
const REFRESH_LIFETIME_SECONDS = 24 * 3600;
const USER_DETAIL_TIMEOUT = 5000;

export interface TokenApiConfig {
  clientId: string;
  clientSecret: string;
  userDetailUrl?: string;
  /** Known emails, lower-cased; undefined: every email is known. */
  users?: ReadonlySet<string>;
  store: TokenStore;
  log: (line: string) => void;
  /**
   * The scenario's rejection of this exchange, if one is pending (it is then used up): asked
   * once the request and the client have passed their checks, before the user-detail call.
   */
  takeRejection?: () => ApiAnswer | undefined;
}

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

const oauthError = (status: number, error: string, description: string): ApiAnswer => ({
  status,
  body: { error, error_description: description },
});

/** Answers one token request, given its form parameters. */
export async function handleTokenRequest(form: URLSearchParams, config: TokenApiConfig): Promise<ApiAnswer> {
  const { log } = config;
  const reject = (answer: ApiAnswer, why: string): ApiAnswer => {
    log(`2  token request rejected: ${answer.status} ${String(answer.body.error)} (${why})`);
    return answer;
  };

  // RFC 6749 §3.2: parameters must not be included more than once.
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length > 1) {
      return reject(oauthError(400, 'invalid_request', `The ${name} parameter is repeated.`), `${name} repeated`);
    }
  }
  const grantType = form.get('grant_type');
  if (!grantType)
    return reject(oauthError(400, 'invalid_request', 'The grant_type parameter is missing.'), 'no grant_type');

  if (grantType === 'client_credentials') {
    log(`2  POST /v2/auth/oauth2-token: client_credentials for client ${quote(form.get('client_id'))}`);
    for (const name of ['client_id', 'client_secret']) {
      if (!form.get(name))
        return reject(oauthError(400, 'invalid_request', `The ${name} parameter is missing.`), `no ${name}`);
    }
    if (!clientMatches(form, config)) {
      return reject(oauthError(401, 'invalid_client', 'Client authentication failed.'), 'wrong client id or secret');
    }
    const accessToken = config.store.issue({
      kind: 'access',
      grant: 'client-credentials',
      expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000,
    });
    log(`4  issued a client_credentials access token (expires in ${TOKEN_LIFETIME_SECONDS} s)`);
    return {
      status: 200,
      body: { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS },
    };
  }

  if (grantType !== TOKEN_EXCHANGE_GRANT_TYPE) {
    return reject(
      oauthError(400, 'unsupported_grant_type', 'Only token exchange and client_credentials are supported.'),
      `grant_type ${quote(grantType)}`,
    );
  }

  log(`2  POST /v2/auth/oauth2-token: token exchange for client ${quote(form.get('client_id'))}`);
  for (const name of ['client_id', 'client_secret', 'subject_token', 'subject_token_type', 'scope']) {
    if (!form.get(name))
      return reject(oauthError(400, 'invalid_request', `The ${name} parameter is missing.`), `no ${name}`);
  }
  if (form.get('subject_token_type') !== ACCESS_TOKEN_TYPE) {
    return reject(
      oauthError(400, 'invalid_request', `The subject_token_type must be ${ACCESS_TOKEN_TYPE}.`),
      `subject_token_type ${quote(form.get('subject_token_type'))}`,
    );
  }
  if (form.get('scope') !== 'openid') {
    return reject(oauthError(400, 'invalid_scope', 'The scope must be openid.'), `scope ${quote(form.get('scope'))}`);
  }
  if (!clientMatches(form, config)) {
    return reject(oauthError(401, 'invalid_client', 'Client authentication failed.'), 'wrong client id or secret');
  }
  const rejection = config.takeRejection?.();
  if (rejection) return reject(rejection, 'scenario rejectNextExchange');

  // RFC 8693 §2.2.2: a subject token that cannot be used is invalid_request.
  const invalidSubject = (description: string, why: string) =>
    reject(oauthError(400, 'invalid_request', description), why);
  if (!config.userDetailUrl) {
    return invalidSubject(
      'The subject token could not be checked: no user-detail URL is configured.',
      'the emulator has no user-detail URL: start it with --user-detail-url URL (startEmulator: userDetailUrl)',
    );
  }
  let response: Response;
  try {
    response = await fetch(config.userDetailUrl, {
      headers: { authorization: `Bearer ${form.get('subject_token')}`, accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(USER_DETAIL_TIMEOUT),
    });
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    log(`3  GET ${config.userDetailUrl} (Authorization: Bearer <subject token>) ${reason}`);
    return invalidSubject(
      'The subject token could not be checked: the user-detail API failed.',
      `user-detail API ${reason}`,
    );
  }
  let email: unknown;
  try {
    const data: unknown = await response.json();
    email = (data as { user?: { email?: unknown } } | null)?.user?.email;
  } catch {
    email = undefined;
  }
  if (!response.ok) {
    log(`3  GET ${config.userDetailUrl} (Authorization: Bearer <subject token>) → ${response.status}`);
    return invalidSubject(
      `The subject token was not accepted by the user-detail API (HTTP ${response.status}).`,
      `user-detail API answered ${response.status}`,
    );
  }
  if (typeof email !== 'string' || !email.includes('@')) {
    log(`3  GET ${config.userDetailUrl} (Authorization: Bearer <subject token>) → ${response.status}, no user.email`);
    return invalidSubject('The user-detail API answered no user email.', 'no user.email in the user-detail answer');
  }
  log(`3  GET ${config.userDetailUrl} (Authorization: Bearer <subject token>) → ${response.status} ${email}`);
  if (config.users && !config.users.has(email.toLowerCase())) {
    return invalidSubject(`The user ${email} is not known.`, `${email} is not a known user (--user)`);
  }

  const now = Date.now();
  const accessToken = config.store.issue({
    kind: 'access',
    grant: 'token-exchange',
    email,
    expiresAt: now + TOKEN_LIFETIME_SECONDS * 1000,
  });
  const refreshToken = config.store.issue({
    kind: 'refresh',
    grant: 'token-exchange',
    email,
    expiresAt: now + REFRESH_LIFETIME_SECONDS * 1000,
  });
  log(`4  issued an access token and a refresh token for ${email} (expires in ${TOKEN_LIFETIME_SECONDS} s)`);
  return {
    status: 200,
    body: {
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
      scope: 'openid',
    },
  };
}

function clientMatches(form: URLSearchParams, config: TokenApiConfig): boolean {
  // Both compared in constant time, so that timing does not tell which one was wrong.
  const idOk = same(form.get('client_id') ?? '', config.clientId);
  const secretOk = same(form.get('client_secret') ?? '', config.clientSecret);
  return idOk && secretOk;
}

function same(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** A client-chosen value for the log, shortened (never a secret: only ids and types go through here). */
function quote(value: string | null): string {
  if (value === null) return '(none)';
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
