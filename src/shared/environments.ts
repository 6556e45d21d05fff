// Spotnana's environments, the one table that the element, the server half and the demo
// read (https://developer.spotnana.com/integration/iframe/iframe-integration-intro).
// Pure data: no DOM, no Node, no Lit.

/** Each environment's API base (the token exchange) and embed base (the iframe's origin). */
export const ENVIRONMENTS = Object.freeze({
  sandbox: Object.freeze({
    apiBase: 'https://api-ext-sboxmeta.partners.spotnana.com',
    embedBase: 'https://sboxmeta-embed-app.partners.spotnana.com',
  }),
  production: Object.freeze({
    apiBase: 'https://api.spotnana.com',
    embedBase: 'https://embed.spotnana.com',
  }),
});

/** The Spotnana environments the package knows. */
export type SpotnanaEnv = keyof typeof ENVIRONMENTS;

/** The environment used when none is given. */
export const DEFAULT_ENV: SpotnanaEnv = 'sandbox';

/** The environment names, default first (for validation messages). */
export const ENV_NAMES = Object.keys(ENVIRONMENTS) as SpotnanaEnv[];

/** Whether `value` names a known environment. */
export function isSpotnanaEnv(value: unknown): value is SpotnanaEnv {
  return typeof value === 'string' && Object.hasOwn(ENVIRONMENTS, value);
}
