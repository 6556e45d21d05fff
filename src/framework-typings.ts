// Framework typings, no runtime code: the element's attributes, properties and event
// listeners as the typings of spotnana-embed/react and spotnana-embed/vue need them, all
// derived from the option table (options.ts) and the event map (events.ts). Attributes are
// what HTML and server rendering carry; properties are what frameworks set on the live element.
import type { SpotnanaEmbedEventMap } from './events.js';
import type { SpotnanaEmbedOptions } from './options.js';

/** The element's attributes (strings in HTML; `token-timeout` also as a number). */
export type { SpotnanaEmbedAttributes } from './options.js';

/** The element's public properties, `tokenProvider` (property only) included. */
export type SpotnanaEmbedProperties = Partial<SpotnanaEmbedOptions>;

/** `on<event-name>` listeners, the way React 19 maps them: `onspotnana-error`, ... */
export type SpotnanaEmbedEventListeners = {
  [K in keyof SpotnanaEmbedEventMap as `on${K}`]?: (event: SpotnanaEmbedEventMap[K]) => void;
};
