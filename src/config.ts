// Attributes in, a validated configuration out: the iframe URL, the embed origin that every
// message is pinned to, the token endpoint and the fetch options; or a ConfigError with the
// SPEC's code. No Lit, no DOM: the caller passes the document's base URL.

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
  /** Absolute URL of the host's token endpoint ('' when unset: a tokenProvider is used). */
  tokenEndpoint: string;
  credentials: TokenCredentials;
  eager: boolean;
  timeout: number;
  /** Changes of these reload the iframe and drop held tokens. */
  key: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// http: is allowed only where nothing leaves the machine: localhost, 127.0.0.0/8, [::1].
// The URL parser has already normalised the host ("127.1" -> "127.0.0.1", case folded).
const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/;

const oneOf = <T extends string>(value: string | null | undefined, fallback: T, allowed: T[], attribute: string): T => {
  const v = (value || fallback) as T;
  if (allowed.includes(v)) return v;
  throw new ConfigError('invalid-option', `${attribute} must be ${allowed.map((a) => `"${a}"`).join(' or ')}, not "${value}".`);
};

const parseUrl = (value: string, base: string) => {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
};

export function resolveConfig(input: ConfigInput, baseURI: string): EmbedConfig {
  const env = (input.env || 'sandbox') as SpotnanaEnv;
  if (!Object.hasOwn(EMBED_BASES, env)) {
    throw new ConfigError('invalid-env', `env must be "sandbox" or "production", not "${input.env}".`);
  }

  const base = parseUrl(input.embedUrl || EMBED_BASES[env], baseURI);
  if (!base || !(base.protocol == 'https:' || (base.protocol == 'http:' && LOOPBACK.test(base.hostname)))) {
    throw new ConfigError(
      'invalid-embed-url',
      `embed-url must be an https: URL (http: only for localhost, 127.0.0.0/8 or [::1]), not "${input.embedUrl}".`,
    );
  }

  // The embed base keeps its own path and `path` is appended to it; the result must stay
  // on the embed origin, whatever the URL parser makes of "//host" or "/\host".
  const path = input.path || '/';
  const src = /^\/(?![/\\])[^\0-\x1f]*$/.test(path) ? parseUrl(base.pathname.replace(/\/$/, '') + path, base.origin) : undefined;
  if (!src || src.origin != base.origin) {
    throw new ConfigError('invalid-path', `path must start with a single "/" and stay on ${base.origin}, not "${path}".`);
  }
  // `idp` makes Spotnana drop any earlier session and run the token exchange afresh.
  src.searchParams.set('idp', 'token-exchange-auth');
  if (input.orgId) src.searchParams.set('orgId', input.orgId);
  else src.searchParams.delete('orgId');

  // With a tokenProvider the endpoint is not used, so only its absence or form without one is an error.
  const endpoint = input.tokenEndpoint ? parseUrl(input.tokenEndpoint, baseURI) : undefined;
  const tokenEndpoint = endpoint && /^https?:$/.test(endpoint.protocol) ? endpoint.href : '';
  if (!input.tokenProvider && !tokenEndpoint) {
    throw input.tokenEndpoint
      ? new ConfigError('invalid-token-endpoint', `token-endpoint must be an http(s) URL, not "${input.tokenEndpoint}".`)
      : new ConfigError('missing-token-endpoint', 'Set token-endpoint (or the tokenProvider property).');
  }

  const credentials = oneOf<TokenCredentials>(input.tokenCredentials, 'same-origin', ['same-origin', 'include', 'omit'], 'token-credentials');
  const eager = oneOf<TokenFetch>(input.tokenFetch, 'eager', ['eager', 'on-request'], 'token-fetch') == 'eager';
  const timeout = Number(input.tokenTimeout ?? 10000);
  if (!(timeout > 0 && timeout < Infinity)) {
    throw new ConfigError('invalid-option', `token-timeout must be a positive number of milliseconds, not "${input.tokenTimeout}".`);
  }

  return {
    env,
    src: src.href,
    embedOrigin: base.origin,
    tokenEndpoint,
    credentials,
    eager,
    timeout,
    key: [env, src.href, input.tokenEndpoint].join(' '),
  };
}
