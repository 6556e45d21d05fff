// Framework typings, no runtime code: the element's attributes, properties and event
// listeners as the typings of spotnana-embed/react and spotnana-embed/vue need them.
// Attributes are what HTML and server rendering carry; properties are what frameworks set
// on the live element.
import type { SpotnanaEnv, TokenCredentials, TokenFetch } from './config.js';
import type { SpotnanaEmbedEventMap } from './events.js';
import type { SpotnanaEmbed } from './spotnana-embed.js';

/** The element's attributes (strings in HTML; `token-timeout` also as a number). */
export interface SpotnanaEmbedAttributes {
  env?: SpotnanaEnv;
  'token-endpoint'?: string;
  'org-id'?: string;
  path?: string;
  'embed-url'?: string;
  'token-credentials'?: TokenCredentials;
  'token-fetch'?: TokenFetch;
  'frame-title'?: string;
  allow?: string;
  'token-timeout'?: number | `${number}`;
}

/** The element's public properties, `tokenProvider` (property only) included. */
export type SpotnanaEmbedProperties = Partial<
  Pick<
    SpotnanaEmbed,
    | 'env'
    | 'tokenEndpoint'
    | 'orgId'
    | 'path'
    | 'embedUrl'
    | 'tokenCredentials'
    | 'tokenFetch'
    | 'frameTitle'
    | 'allow'
    | 'tokenTimeout'
    | 'tokenProvider'
  >
>;

/** `on<event-name>` listeners, the way React 19 maps them: `onspotnana-error`, ... */
export type SpotnanaEmbedEventListeners = {
  [K in keyof SpotnanaEmbedEventMap as `on${K}`]?: (event: SpotnanaEmbedEventMap[K]) => void;
};
