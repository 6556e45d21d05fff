// Typings only (no runtime code) for Vue 3 templates checked by vue-tsc (Volar). Import
// once anywhere in a Vue app (e.g. in env.d.ts):
//
//   import type {} from 'spotnana-embed/vue';
//
// and <spotnana-embed> is a global component to the type checker: its attributes
// (`:token-endpoint`, `org-id`), its properties (`.tokenProvider` / `:token-provider.prop`)
// and its events (`@spotnana-error`) are checked. At runtime Vue still needs
// `compilerOptions.isCustomElement` to leave the tag to the browser.
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { SpotnanaEmbedEventMap } from './events.js';
import type { SpotnanaEmbedProperties } from './framework-typings.js';
import type { SpotnanaEmbed } from './spotnana-embed.js';

export type { SpotnanaEmbedAttributes, SpotnanaEmbedProperties } from './framework-typings.js';

/** The shape Vue's docs give for a custom element in `GlobalComponents`. */
export type SpotnanaEmbedVueComponent = new () => SpotnanaEmbed & {
  /** @deprecated For template type checking only; not a property of the element. */
  $props: HTMLAttributes & SpotnanaEmbedProperties & PublicProps;
  /** @deprecated For template type checking only; not a method of the element. */
  $emit: EmitFn<{ [K in keyof SpotnanaEmbedEventMap]: (event: SpotnanaEmbedEventMap[K]) => void }>;
};

declare module 'vue' {
  interface GlobalComponents {
    'spotnana-embed': SpotnanaEmbedVueComponent;
    SpotnanaEmbed: SpotnanaEmbedVueComponent;
  }
}
