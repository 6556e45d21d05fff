// `import 'spotnana-embed'` registers <spotnana-embed> (this is the package's one module
// with side effects) and exports the element class and its types.
import { SpotnanaEmbed } from './spotnana-embed.js';

export { SpotnanaEmbed };
export { EMBED_BASES } from './config.js';
export type { SpotnanaEnv, TokenCredentials, TokenFetch } from './config.js';
export type { Tokens, TokenProvider, TokenProviderContext } from './token-client.js';
export type * from './events.js';

declare global {
  interface HTMLElementTagNameMap {
    'spotnana-embed': SpotnanaEmbed;
  }
}

SpotnanaEmbed.define();
