// `import 'spotnana-embed'` registers <spotnana-embed> (this is the package's one module
// with side effects) and exports the element class and its types.
import { SpotnanaEmbed } from './spotnana-embed.js';
import { TAG_NAME } from './early.js';

export { SpotnanaEmbed };
export { EMBED_BASES } from './config.js';
export type { SpotnanaEnv, TokenCredentials, TokenFetch } from './config.js';
export type { Tokens, TokenProvider, TokenProviderContext } from './token-client.js';
export type { Timing } from './timing.js';
export type { PrerenderHandle, PrerenderOptions } from './prerender.js';
export type * from './events.js';

declare global {
  interface HTMLElementTagNameMap {
    'spotnana-embed': SpotnanaEmbed;
  }
}

// Once: a second copy of the package (two bundles on one page) finds it registered. In
// Node (server-side rendering) there is no registry and nothing to do.
const registry = globalThis.customElements;
if (registry && !registry.get(TAG_NAME)) registry.define(TAG_NAME, SpotnanaEmbed);
