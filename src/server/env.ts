// Where the token exchange goes: an env of the shared environments table, or an explicit
// API base (a proxy, the emulator). Input: `env` and `apiUrl`. Output: the token endpoint URL.
import {
  API_BASES,
  DEFAULT_ENV,
  EMBED_BASES,
  ENV_NAMES,
  isSpotnanaEnv,
  type SpotnanaEnv,
} from '../shared/environments.js';
import { got, quoted, shownUrl } from './describe.js';

/** API bases by env, from the environments table. */
export { API_BASES };

/** Both bases of each environment, as one table (the element needs only the embed bases: it imports those alone). */
export const ENVIRONMENTS: Readonly<Record<SpotnanaEnv, { apiBase: string; embedBase: string }>> = Object.freeze({
  sandbox: { apiBase: API_BASES.sandbox, embedBase: EMBED_BASES.sandbox },
  production: { apiBase: API_BASES.production, embedBase: EMBED_BASES.production },
});
export type { SpotnanaEnv };

/** The token endpoint's path below an API base. */
export const TOKEN_PATH = '/v2/auth/oauth2-token';

/** Where the API lives: pick an `env` (default `sandbox`) or give an `apiUrl` (a proxy, the emulator). */
export interface ApiTarget {
  /** `sandbox` (default) or `production`. Checked even when `apiUrl` is given, which overrides it. */
  env?: SpotnanaEnv | (string & {});
  /**
   * An API base such as `https://proxy.example.com/spotnana`; the request goes to
   * `<apiUrl>/v2/auth/oauth2-token`. `https:`, or `http:` on a loopback host only
   * (`localhost`, `127.0.0.0/8`, `[::1]`), since the request carries the client secret.
   */
  apiUrl?: string | URL;
}

const PREFIX = 'spotnana-embed/server:';

/**
 * Resolves the token endpoint URL, or throws a `TypeError` naming the bad option and quoting
 * it, its credentials and query hidden and `redact` applied (it may hold the secrets).
 */
export function tokenEndpointUrl(target: ApiTarget, redact?: (text: string) => string): URL {
  const env = target.env ?? DEFAULT_ENV;
  if (!isSpotnanaEnv(env)) {
    const names = ENV_NAMES.map((name) => JSON.stringify(name)).join(' or ');
    throw new TypeError(`${PREFIX} env must be ${names}; got ${got(env, redact)}`);
  }
  if (target.apiUrl === undefined || target.apiUrl === '') return new URL(TOKEN_PATH, API_BASES[env]);

  let base: URL;
  try {
    base = new URL(String(target.apiUrl));
  } catch {
    throw new TypeError(`${PREFIX} apiUrl is not a valid URL; got ${got(target.apiUrl, redact)}`);
  }
  const shown = quoted(redact ? redact(shownUrl(base)) : shownUrl(base));
  const secure = base.protocol === 'https:' || (base.protocol === 'http:' && isLoopback(base.hostname));
  if (!secure) {
    throw new TypeError(
      `${PREFIX} apiUrl must be an https: URL (http: only on localhost, 127.0.0.0/8 or [::1]); got ${shown}`,
    );
  }
  const path = base.pathname.replace(/\/+$/, '');
  if (path.endsWith(TOKEN_PATH)) {
    // Its origin and path only, which hold no credentials: the base to give instead.
    const instead = base.origin + path.slice(0, -TOKEN_PATH.length);
    throw new TypeError(`${PREFIX} apiUrl must be the API base, without ${TOKEN_PATH} (here ${instead}); got ${shown}`);
  }
  // Keep the base's own path (a proxy may mount the API below one) and append ours.
  base.pathname = path + TOKEN_PATH;
  base.search = '';
  base.hash = '';
  return base;
}

/** A hostname as the URL parser writes it (IPv4 normalized, IPv6 in brackets). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
