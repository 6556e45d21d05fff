// Typings only (no runtime code) for React 19's JSX. Import once anywhere in a React app:
//
//   import type {} from 'spotnana-embed/react';
//
// and <spotnana-embed> becomes a JSX intrinsic element with its attributes, its properties
// (React 19 sets a prop as a property when the element has one: `tokenProvider`) and its
// events as `on<event-name>` props (React 19 adds a listener of exactly that name).
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { SpotnanaEmbedAttributes, SpotnanaEmbedEventListeners, SpotnanaEmbedProperties } from './attributes.js';
import type { SpotnanaEmbed } from './spotnana-embed.js';

export type { SpotnanaEmbedAttributes, SpotnanaEmbedEventListeners, SpotnanaEmbedProperties } from './attributes.js';

/** The props of `<spotnana-embed>` in React 19 JSX. */
export type SpotnanaEmbedReactProps = DetailedHTMLProps<HTMLAttributes<SpotnanaEmbed>, SpotnanaEmbed> &
  SpotnanaEmbedAttributes &
  SpotnanaEmbedProperties &
  SpotnanaEmbedEventListeners;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'spotnana-embed': SpotnanaEmbedReactProps;
    }
  }
}
