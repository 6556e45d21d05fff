// Spotnana's environments (https://developer.spotnana.com/integration/iframe/iframe-integration-intro).
// Input: an env name or an explicit API base. Output: the token endpoint URL.

/** The Spotnana environments the package knows. */
export type SpotnanaEnv = 'sandbox' | 'production';

/** API bases by env, as in the SPEC's table. */
export const API_BASES: Readonly<Record<SpotnanaEnv, string>> = Object.freeze({
  sandbox: 'https://api-ext-sboxmeta.partners.spotnana.com',
  production: 'https://api.spotnana.com',
});

/** The token endpoint's path below an API base. */
export const TOKEN_PATH = '/v2/auth/oauth2-token';

/** Where the API lives: pick an `env` (default `sandbox`) or give an `apiUrl` (a proxy, the emulator). */
export interface ApiTarget {
  /** `sandbox` (default) or `production`. Ignored when `apiUrl` is given. */
  env?: SpotnanaEnv | (string & {});
  /** An API base such as `http://127.0.0.1:4000`; the request goes to `<apiUrl>/v2/auth/oauth2-token`. */
  apiUrl?: string | URL;
}

/** Resolves the token endpoint URL, or throws a `TypeError` for a bad `env` or `apiUrl`. */
export function tokenEndpointUrl(target: ApiTarget): URL {
  if (target.apiUrl !== undefined && target.apiUrl !== '') {
    let base: URL;
    try {
      base = new URL(String(target.apiUrl));
    } catch {
      throw new TypeError('spotnana-embed/server: apiUrl is not a valid URL');
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      throw new TypeError('spotnana-embed/server: apiUrl must be an http: or https: URL');
    }
    // Keep the base's own path (a proxy may mount the API below one) and append ours.
    base.pathname = base.pathname.replace(/\/+$/, '') + TOKEN_PATH;
    base.search = '';
    base.hash = '';
    return base;
  }
  const env = target.env ?? 'sandbox';
  if (env !== 'sandbox' && env !== 'production') {
    throw new TypeError(`spotnana-embed/server: env must be "sandbox" or "production", not ${JSON.stringify(String(env))}`);
  }
  return new URL(TOKEN_PATH, API_BASES[env as SpotnanaEnv]);
}
