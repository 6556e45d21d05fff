// Attributes in, a validated configuration out: the iframe URL, the embed origin that every
// message is pinned to, the token endpoint and the fetch options; or an EmbedError with the
// config code. No Lit, no DOM: the caller passes the document's base URL.

import { EmbedError } from './error.js';
import type { ConfigErrorCode } from './events.js';
import { DEFAULT_ENV, EMBED_BASES, ENV_NAMES, type SpotnanaEnv } from './shared/environments.js';

export type { SpotnanaEnv } from './shared/environments.js';
export type TokenCredentials = 'same-origin' | 'include' | 'omit';
export type TokenFetch = 'eager' | 'on-request';

const TOKEN_CREDENTIALS: TokenCredentials[] = ['same-origin', 'include', 'omit'];
const TOKEN_FETCH_MODES: TokenFetch[] = ['eager', 'on-request'];

/** The longest `token-timeout` allowed: two minutes. */
export const MAX_TOKEN_TIMEOUT = 120_000;

/** Every default of the element, in one place (the element's properties start from these). */
export const DEFAULTS = Object.freeze({
  env: DEFAULT_ENV,
  path: '/',
  tokenCredentials: TOKEN_CREDENTIALS[0],
  tokenFetch: TOKEN_FETCH_MODES[0],
  frameTitle: 'Spotnana',
  tokenTimeout: 10_000,
});

/** The Spotnana embed app of each environment (the iframe's origin). */
export { EMBED_BASES };

/** The `idp` query parameter makes Spotnana drop any earlier session and run the token exchange afresh. */
const IDP_PARAM = 'idp';
const IDP_TOKEN_EXCHANGE = 'token-exchange-auth';
const ORG_PARAM = 'orgId';

/** `http:` only where nothing leaves the machine (the URL parser has already normalised "127.1" and case). */
const LOOPBACK_HTTP = /^http:(localhost|127(\.\d+){3}|\[::1\])$/;
/** A path starting with one `/` (not `//` or `/\`, which the URL parser reads as a host) and no control character. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const SAFE_PATH = /^\/(?![/\\])[^\0-\x1f]*$/;

/** What decides the iframe's URL. `null` or `''` mean the default. */
export interface FrameInput {
  env?: string | null;
  embedUrl?: string | null;
  path?: string | null;
  orgId?: string | null;
}

/** What the element's properties hold; `null` or `''` mean the default. */
export interface ConfigInput extends FrameInput {
  tokenEndpoint?: string | null;
  tokenProvider?: unknown;
  tokenCredentials?: string | null;
  tokenFetch?: string | null;
  tokenTimeout?: number | null;
}

export interface FrameLocation {
  env: SpotnanaEnv;
  /** The iframe's URL. */
  src: string;
  /** The only origin messages are accepted from and posted to. */
  embedOrigin: string;
}

export interface EmbedConfig extends FrameLocation {
  /** Absolute URL of the host's token endpoint; empty when none is set (a tokenProvider may come later). */
  endpoint: string;
  credentials: TokenCredentials;
  eager: boolean;
  /** Milliseconds one token attempt may take. */
  timeout: number;
  /** A change of this reloads the iframe and drops held tokens. */
  reloadKey: string;
}

const invalid = (code: ConfigErrorCode, name: string, expected: string, value: unknown) =>
  new EmbedError({ source: 'config', code, message: `${name} must be ${expected}, not "${value}".` });

/** `value`, or the first allowed value when it is empty. */
function oneOf<T extends string>(
  value: string | null | undefined,
  allowed: readonly T[],
  name: string,
  code: ConfigErrorCode = 'invalid-option',
): T {
  const chosen = (value || allowed[0]) as T;
  if (allowed.includes(chosen)) return chosen;
  throw invalid(code, name, allowed.join(' or '), value);
}

function parseUrl(value: string, base: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** The iframe's URL and origin, or the config error that forbids loading it. */
export function resolveFrame(input: FrameInput, baseURI: string): FrameLocation {
  const env = oneOf(input.env, ENV_NAMES, 'env', 'invalid-env');

  const base = parseUrl(input.embedUrl || EMBED_BASES[env], baseURI);
  if (!base || !(base.protocol === 'https:' || LOOPBACK_HTTP.test(base.protocol + base.hostname))) {
    throw invalid('invalid-embed-url', 'embed-url', 'https: (or http: on loopback)', input.embedUrl);
  }

  // The embed base keeps its own path and `path` is appended to it; the result must stay
  // on the embed origin, whatever the URL parser makes of "//host", "/\host" or "/\t/host".
  const path = input.path || DEFAULTS.path;
  const src = SAFE_PATH.test(path) ? parseUrl(base.pathname.replace(/\/$/, '') + path, base.origin) : undefined;
  if (!src || src.origin !== base.origin) throw invalid('invalid-path', 'path', 'a path starting with one /', path);

  const query = src.searchParams;
  query.set(IDP_PARAM, IDP_TOKEN_EXCHANGE);
  query.delete(ORG_PARAM);
  if (input.orgId) query.set(ORG_PARAM, input.orgId);
  return { env, src: src.href, embedOrigin: base.origin };
}

/**
 * The URL the element would give its iframe, or undefined when the configuration is
 * invalid: for markup that declares the frame early (server rendering, the early frame).
 */
export function frameSrc(input: FrameInput, baseURI: string): string | undefined {
  try {
    return resolveFrame(input, baseURI).src;
  } catch {
    return undefined;
  }
}

/** An integer number of milliseconds from 1 to MAX_TOKEN_TIMEOUT. */
function tokenTimeout(value: number | null | undefined): number {
  if (value === null || value === undefined) return DEFAULTS.tokenTimeout;
  if (Number.isInteger(value) && value >= 1 && value <= MAX_TOKEN_TIMEOUT) return value;
  throw invalid('invalid-option', 'token-timeout', `an integer from 1 to ${MAX_TOKEN_TIMEOUT}`, value);
}

export function resolveConfig(input: ConfigInput, baseURI: string): EmbedConfig {
  const frame = resolveFrame(input, baseURI);

  // No token source is no reason to hold the frame back (a framework may set tokenProvider
  // later); the session raises missing-token-endpoint only if the frame asks before one is
  // set. A token-endpoint that is not a URL is an error, unless a tokenProvider replaces it.
  const endpoint = (input.tokenEndpoint && parseUrl(input.tokenEndpoint, baseURI)?.href) || '';
  if (input.tokenEndpoint && !input.tokenProvider && !/^https?:/.test(endpoint)) {
    throw invalid('invalid-token-endpoint', 'token-endpoint', 'an http(s) URL', input.tokenEndpoint);
  }

  return {
    ...frame,
    endpoint,
    credentials: oneOf(input.tokenCredentials, TOKEN_CREDENTIALS, 'token-credentials'),
    eager: oneOf(input.tokenFetch, TOKEN_FETCH_MODES, 'token-fetch') === 'eager',
    timeout: tokenTimeout(input.tokenTimeout),
    reloadKey: `${frame.env} ${frame.src} ${input.tokenEndpoint ?? ''}`,
  };
}
