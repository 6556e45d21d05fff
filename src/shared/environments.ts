// Spotnana's environments, the one table that the element, the server half and the demo
// read (https://developer.spotnana.com/integration/iframe/iframe-integration-intro).
// Each column is its own export, so that a bundle keeps only the one it reads: the element
// the embed bases, the server the API bases (and both, as one table: server/env.ts). Pure
// data: no DOM, no Node, no Lit.

/** The Spotnana environments the package knows. */
export type SpotnanaEnv = 'sandbox' | 'production';

/** The environment used when none is given. */
export const DEFAULT_ENV: SpotnanaEnv = 'sandbox';

/** The environment names, default first (for validation messages). */
export const ENV_NAMES: readonly SpotnanaEnv[] = ['sandbox', 'production'];

/** Each environment's API base (the token exchange). */
export const API_BASES: Readonly<Record<SpotnanaEnv, string>> = /* @__PURE__ */ Object.freeze({
  sandbox: 'https://api-ext-sboxmeta.partners.spotnana.com',
  production: 'https://api.spotnana.com',
});

/** Each environment's embed base (the iframe's origin). */
export const EMBED_BASES: Readonly<Record<SpotnanaEnv, string>> = Object.freeze({
  sandbox: 'https://sboxmeta-embed-app.partners.spotnana.com',
  production: 'https://embed.spotnana.com',
});

/** Whether `value` names a known environment. */
export function isSpotnanaEnv(value: unknown): value is SpotnanaEnv {
  return typeof value === 'string' && (ENV_NAMES as readonly string[]).includes(value);
}
