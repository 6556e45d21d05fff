// The options in (by the option table, options.ts), a validated configuration out: the
// frame (its URL, the embed origin that every message is pinned to, its attributes), where
// tokens come from and the request that fetches them; or an EmbedError with the config
// code. No Lit, no DOM: the caller passes the document's base URL.

import {
  checkOption,
  FRAME_OPTIONS,
  invalid,
  RELOADING_OPTIONS,
  type FrameOptionAttributes,
  type OptionsInput,
  type TokenCredentials,
} from './options.js';
import { EMBED_BASES, type SpotnanaEnv } from './shared/environments.js';
import type { TokenProvider } from './token-client.js';

export type { SpotnanaEnv, TokenCredentials, TokenFetch } from './options.js';

/** The Spotnana embed app of each environment (the iframe's origin). */
export { EMBED_BASES };

/** The `idp` query parameter makes Spotnana drop any earlier session and run the token exchange afresh. */
const IDP_PARAM = 'idp';
const IDP_TOKEN_EXCHANGE = 'token-exchange-auth';
const ORG_PARAM = 'orgId';
/** Spotnana learns the host's origin, never the page's path or query, whatever the page's own policy. */
const FRAME_REFERRER_POLICY: ReferrerPolicy = 'strict-origin-when-cross-origin';

/** `http:` only where nothing leaves the machine (the URL parser has already normalised "127.1" and case). */
const LOOPBACK_HTTP = /^http:(localhost|127(\.\d+){3}|\[::1\])$/;
/** A path starting with one `/` (not `//` or `/\`, which the URL parser reads as a host) and no control character. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
const SAFE_PATH = /^\/(?![/\\])[^\0-\x1f]*$/;

/** The options that decide the frame. */
export type FrameInput = Pick<OptionsInput, 'env' | 'embedUrl' | 'path' | 'orgId' | (typeof FRAME_OPTIONS)[number][0]>;

/** The frame, resolved. */
export interface FrameConfig {
  env: SpotnanaEnv;
  /** The iframe's URL. */
  src: string;
  /** The only origin messages are accepted from and posted to. */
  embedOrigin: string;
  /** The attributes that options set (its accessible name, its permissions policy). */
  attributes: FrameOptionAttributes;
}

/** Where tokens come from: the host's endpoint, or a provider that replaces it. `kind` is the `spotnana-error` source of its failures. */
export type TokenSource =
  { kind: 'token-provider'; provider: TokenProvider } | { kind: 'token-endpoint'; url: string; init: RequestInit };

export interface EmbedConfig extends FrameConfig {
  /** Undefined while neither `token-endpoint` nor `tokenProvider` is set (a framework may set one later). */
  source?: TokenSource;
  /** Fetch tokens as soon as the session starts (`token-fetch="eager"`). */
  eager: boolean;
  /** Milliseconds one token attempt may take. */
  timeout: number;
  /** A change of this reloads the iframe and drops held tokens. */
  reloadKey: string;
}

/** An iframe's attributes, by the names that both the DOM and React give them. */
export type FrameAttributes = FrameOptionAttributes & { src: string; referrerPolicy: ReferrerPolicy };

export function parseUrl(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** The iframe's URL, origin and attributes, or the config error that forbids loading it. */
export function resolveFrame(input: FrameInput, baseURI: string): FrameConfig {
  const env = checkOption('env', input.env);
  const embedUrl = checkOption('embedUrl', input.embedUrl);

  const base = parseUrl(embedUrl || EMBED_BASES[env], baseURI);
  if (!base || !(base.protocol === 'https:' || LOOPBACK_HTTP.test(base.protocol + base.hostname))) {
    throw invalid('invalid-embed-url', 'embed-url', 'https: (or http: on loopback)', embedUrl);
  }

  // The embed base keeps its own path and `path` is appended to it; the result must stay
  // on the embed origin, whatever the URL parser makes of "//host", "/\host" or "/\t/host".
  const path = checkOption('path', input.path);
  const src = SAFE_PATH.test(path) ? parseUrl(base.pathname.replace(/\/$/, '') + path, base.origin) : undefined;
  if (!src || src.origin !== base.origin) throw invalid('invalid-path', 'path', 'a path starting with one /', path);

  const query = src.searchParams;
  query.set(IDP_PARAM, IDP_TOKEN_EXCHANGE);
  query.delete(ORG_PARAM);
  const orgId = checkOption('orgId', input.orgId);
  if (orgId) query.set(ORG_PARAM, orgId);
  return {
    env,
    src: src.href,
    embedOrigin: base.origin,
    attributes: Object.fromEntries(
      FRAME_OPTIONS.map(([name, attribute]) => [attribute, checkOption(name, input[name])]),
    ) as FrameOptionAttributes,
  };
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

/** The attributes of the frame: the element's own, an adopted early frame, a server render's. */
export function frameAttributes({ src, attributes }: FrameConfig): FrameAttributes {
  return { src, ...attributes, referrerPolicy: FRAME_REFERRER_POLICY };
}

/** The token endpoint's request: the element's fetch and the early listener's make exactly this one. */
export function tokenRequestInit(credentials: TokenCredentials): RequestInit {
  return {
    method: 'POST',
    headers: { Accept: 'application/json' },
    credentials,
    cache: 'no-store',
    // An expired session often redirects to a login page: that is no token answer.
    redirect: 'manual',
  };
}

/** The token endpoint's absolute URL, or undefined when none is set. */
export function resolveEndpoint(tokenEndpoint: string | null | undefined, baseURI: string): string | undefined {
  const endpoint = checkOption('tokenEndpoint', tokenEndpoint);
  if (endpoint === undefined) return undefined;
  const url = parseUrl(endpoint, baseURI)?.href ?? '';
  if (!/^https?:/.test(url)) throw invalid('invalid-token-endpoint', 'token-endpoint', 'an http(s) URL', endpoint);
  return url;
}

export function resolveConfig(input: OptionsInput, baseURI: string): EmbedConfig {
  const frame = resolveFrame(input, baseURI);

  // No token source is no reason to hold the frame back (a framework may set tokenProvider
  // later); the session raises missing-token-endpoint only if the frame asks before one is
  // set. A token-endpoint that is not a URL is an error, unless a tokenProvider replaces it.
  const provider = checkOption('tokenProvider', input.tokenProvider);
  const url = provider ? undefined : resolveEndpoint(input.tokenEndpoint, baseURI);
  const credentials = checkOption('tokenCredentials', input.tokenCredentials);
  let source: TokenSource | undefined;
  if (provider) source = { kind: 'token-provider', provider };
  else if (url) source = { kind: 'token-endpoint', url, init: tokenRequestInit(credentials) };

  return {
    ...frame,
    source,
    eager: checkOption('tokenFetch', input.tokenFetch) === 'eager',
    timeout: checkOption('tokenTimeout', input.tokenTimeout),
    reloadKey: JSON.stringify(RELOADING_OPTIONS.map((name) => checkOption(name, input[name]))),
  };
}
