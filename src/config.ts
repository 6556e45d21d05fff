// Attributes in, a validated configuration out: the iframe URL, the embed origin that every
// message is pinned to, the token endpoint and the fetch options; or an EmbedError with the
// SPEC's config code. No Lit, no DOM: the caller passes the document's base URL.

import { EmbedError } from './error.js';
import type { ConfigErrorCode } from './events.js';

/** The Spotnana embed app of each environment (the iframe's origin). */
export const EMBED_BASES = {
  sandbox: 'https://sboxmeta-embed-app.partners.spotnana.com',
  production: 'https://embed.spotnana.com',
};

export type SpotnanaEnv = keyof typeof EMBED_BASES;
export type TokenCredentials = 'same-origin' | 'include' | 'omit';
export type TokenFetch = 'eager' | 'on-request';

/** What the element's properties hold; `null` or `''` mean the default. */
export interface ConfigInput {
  env?: string | null;
  embedUrl?: string | null;
  path?: string | null;
  orgId?: string | null;
  tokenEndpoint?: string | null;
  tokenProvider?: unknown;
  tokenCredentials?: string | null;
  tokenFetch?: string | null;
  tokenTimeout?: number | null;
}

export interface EmbedConfig {
  env: SpotnanaEnv;
  /** The iframe's URL. */
  src: string;
  /** The only origin messages are accepted from and posted to. */
  embedOrigin: string;
  /** Absolute URL of the host's token endpoint (unused when a tokenProvider is set). */
  endpoint: string;
  credentials: TokenCredentials;
  eager: boolean;
  /** Milliseconds one token attempt may take. */
  timeout: number;
  /** Changes of this reload the iframe and drop held tokens. */
  key: string;
}

const invalid = (code: ConfigErrorCode, name: string, expected: string, value: unknown) =>
  new EmbedError({ source: 'config', code, message: `${name} must be ${expected}, not "${value}".` });

/** `value`, or the first allowed value when it is empty. */
const oneOf = <T extends string>(value: string | null | undefined, allowed: T[], name: string, code: ConfigErrorCode = 'invalid-option'): T => {
  const v = (value || allowed[0]) as T;
  if (allowed.includes(v)) return v;
  throw invalid(code, name, allowed.join(' or '), value);
};

const parseUrl = (value: string, base: string) => {
  try {
    return new URL(value, base);
  } catch {}
};

export function resolveConfig(input: ConfigInput, baseURI: string): EmbedConfig {
  const env = oneOf(input.env, ['sandbox', 'production'], 'env', 'invalid-env');

  // http: only where nothing leaves the machine: localhost, 127.0.0.0/8, [::1] (the URL
  // parser has already normalised the host: "127.1" -> "127.0.0.1", case folded).
  const base = parseUrl(input.embedUrl || EMBED_BASES[env], baseURI);
  if (!base || !/^(https:|http:(localhost|127(\.\d+){3}|\[::1\])$)/.test(base.protocol + base.hostname)) {
    throw invalid('invalid-embed-url', 'embed-url', 'https: (or http: on loopback)', input.embedUrl);
  }

  // The embed base keeps its own path and `path` is appended to it; the result must stay
  // on the embed origin, whatever the URL parser makes of "//host", "/\host" or "/\t/host".
  const path = input.path || '/';
  const src = /^\/(?![/\\])[^\0-\x1f]*$/.test(path) ? parseUrl(base.pathname.replace(/\/$/, '') + path, base.origin) : undefined;
  if (!src || src.origin != base.origin) throw invalid('invalid-path', 'path', 'a path starting with one /', path);
  // `idp` makes Spotnana drop any earlier session and run the token exchange afresh.
  const query = src.searchParams;
  query.set('idp', 'token-exchange-auth');
  query.delete('orgId');
  if (input.orgId) query.set('orgId', input.orgId);

  // With a tokenProvider the endpoint is not used, so it is only checked without one.
  const endpoint = (input.tokenEndpoint && parseUrl(input.tokenEndpoint, baseURI)?.href) || '';
  if (!input.tokenProvider && !/^https?:/.test(endpoint)) {
    throw input.tokenEndpoint
      ? invalid('invalid-token-endpoint', 'token-endpoint', 'an http(s) URL', input.tokenEndpoint)
      : new EmbedError({ source: 'config', code: 'missing-token-endpoint', message: 'Set token-endpoint or tokenProvider.' });
  }

  const timeout = Number(input.tokenTimeout ?? 10000);
  if (!(timeout > 0 && isFinite(timeout))) throw invalid('invalid-option', 'token-timeout', 'a positive number', input.tokenTimeout);

  return {
    env,
    src: src.href,
    embedOrigin: base.origin,
    endpoint,
    credentials: oneOf(input.tokenCredentials, ['same-origin', 'include', 'omit'], 'token-credentials'),
    eager: oneOf(input.tokenFetch, ['eager', 'on-request'], 'token-fetch') == 'eager',
    timeout,
    key: `${env} ${src} ${input.tokenEndpoint}`,
  };
}
