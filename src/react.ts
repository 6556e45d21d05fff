// spotnana-embed/react: the `SpotnanaEmbed` React component, and the JSX typings of the bare
// <spotnana-embed> tag.
//
// React 19 sets a custom element's properties and listeners on a client render, but drops
// them when it hydrates server-rendered HTML, so `<spotnana-embed tokenProvider={...}>`
// works until the page is server-rendered. This component renders the element with the
// configuration HTML can carry as attributes (so the server's HTML holds it, and an element
// upgraded before hydration loads the right frame), and sets `tokenProvider` and the event
// listeners itself in a layout effect, which runs after hydration and after a client render
// alike. `@lit/react` sets every property in an effect and so leaves the server's HTML bare.
//
// `prerenderSpotnana(props)` and `usePrerenderSpotnana(props, when)` start the element's
// prerender (`SpotnanaEmbed.prerender()`) from the component's props, so that the route that
// renders `<SpotnanaEmbed>` with the same props gets a frame that is already signed in.
'use client';

import {
  createElement,
  forwardRef,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type DetailedHTMLProps,
  type ForwardedRef,
  type HTMLAttributes,
  type ReactNode,
} from 'react';
import { frameAttributes, resolveFrame, type FrameAttributes } from './config.js';
import { TAG_NAME } from './early.js';
import { EVENT_TYPES, type SpotnanaEmbedEventMap } from './events.js';
import type {
  SpotnanaEmbedAttributes,
  SpotnanaEmbedEventListeners,
  SpotnanaEmbedProperties,
} from './framework-typings.js';
// Registers <spotnana-embed> in the browser (and does nothing on the server).
import { SpotnanaEmbed as SpotnanaEmbedElement } from './index.js';
import { ATTRIBUTE_OPTIONS, OPTION_NAMES, OPTIONS, type OptionName } from './options.js';
import type { PrerenderHandle, PrerenderOptions } from './prerender.js';

export type {
  SpotnanaEmbedAttributes,
  SpotnanaEmbedEventListeners,
  SpotnanaEmbedProperties,
} from './framework-typings.js';
export type { PrerenderHandle, PrerenderOptions } from './prerender.js';

/** `spotnana-token-sent` -> `SpotnanaTokenSent`. */
type PascalCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Capitalize<Head>}${PascalCase<Tail>}`
  : Capitalize<S>;
type EventType = keyof SpotnanaEmbedEventMap;
/** The event prop of each event: `onSpotnanaLoad` for `spotnana-load`, ... */
type EventProp<K extends EventType = EventType> = `on${PascalCase<K>}`;

/** `onSpotnanaLoad`, `onSpotnanaTokenSent`, ...: each receives the element's event. */
export type SpotnanaEmbedEventProps = {
  [K in EventType as EventProp<K>]?: (event: SpotnanaEmbedEventMap[K]) => void;
};

const eventProp = <K extends EventType>(type: K) =>
  `on${type.replace(/(?:^|-)(\w)/g, (_, letter: string) => letter.toUpperCase())}` as EventProp<K>;

/** The element's properties that HTML can carry, each with its attribute (from the option table). */
const ATTRIBUTES: ReadonlyMap<string, string> = new Map(ATTRIBUTE_OPTIONS);
/** Properties that HTML cannot carry (a function): set on the element after it renders or hydrates. */
const PROPERTY_ONLY = OPTION_NAMES.filter((name) => !ATTRIBUTES.has(name));
/** Each event prop, with the element's event it receives. */
const EVENTS: ReadonlyMap<string, EventType> = new Map(EVENT_TYPES.map((type) => [eventProp(type), type]));

/** The props of the `SpotnanaEmbed` component: the element's properties in camelCase, its event props and the usual HTML ones. */
export interface SpotnanaEmbedProps
  extends
    Omit<HTMLAttributes<SpotnanaEmbedElement>, keyof SpotnanaEmbedProperties>,
    SpotnanaEmbedProperties,
    SpotnanaEmbedEventProps {
  /**
   * Renders the iframe in the server's HTML (`<iframe slot="frame">` with the URL the element
   * would build), so that it starts loading at parse time; the element adopts it. Pair it
   * with the early listener in the document's head (`earlyListenerScript()` from
   * `spotnana-embed/early-frame`), or a request the frame posts before the element's
   * script has run is lost. For a `tokenEndpoint`: a `tokenProvider` is set only once the
   * page has hydrated, too late for the frame's first request. Needs an absolute
   * `embedUrl`, or none.
   */
  earlyFrame?: boolean;
}

/** No document on the server: a relative `embedUrl` cannot be resolved there, so it gets no early frame, on the server or in the browser. */
const NO_BASE = 'about:blank';

/** The early frame's attributes, or undefined when the configuration cannot give one. */
function earlyFrameAttributes(props: SpotnanaEmbedProps): FrameAttributes | undefined {
  try {
    return frameAttributes(resolveFrame(props, NO_BASE));
  } catch {
    return undefined;
  }
}

function render(props: SpotnanaEmbedProps, ref: ForwardedRef<SpotnanaEmbedElement>) {
  const element = useRef<SpotnanaEmbedElement | null>(null);
  const attributes: Record<string, string> = {};
  const properties: Partial<Record<OptionName, unknown>> = {};
  const handlers: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(props)) {
    const attribute = ATTRIBUTES.get(name);
    if (attribute) {
      if (value !== undefined && value !== null) attributes[attribute] = String(value);
    } else if (EVENTS.has(name)) {
      handlers[name] = value;
    } else if (Object.hasOwn(OPTIONS, name)) {
      properties[name as OptionName] = value;
    } else if (name !== 'earlyFrame') {
      rest[name] = value;
    }
  }
  // The provider replaces the endpoint. Left in the server's HTML, the attribute would make
  // an element upgraded before hydration fetch the endpoint all the same.
  if (props.tokenProvider) delete attributes[OPTIONS.tokenEndpoint.attribute];

  // One listener per event for the element's life; each calls the latest handler, so that
  // a new function on every render costs nothing.
  const latest = useRef(handlers);
  useLayoutEffect(() => {
    latest.current = handlers;
  });
  useLayoutEffect(() => {
    const el = element.current;
    if (!el) return undefined;
    const listeners = [...EVENTS].map(([prop, type]) => {
      const listener = (event: Event) => (latest.current[prop] as ((event: Event) => void) | undefined)?.(event);
      el.addEventListener(type, listener);
      return () => el.removeEventListener(type, listener);
    });
    return () => listeners.forEach((remove) => remove());
  }, []);
  // React drops custom element properties on hydration: set them here, after hydration and
  // after a client render alike.
  useLayoutEffect(
    () => {
      const el = element.current as Record<string, unknown> | null;
      if (el) for (const name of PROPERTY_ONLY) el[name] = properties[name];
    },
    PROPERTY_ONLY.map((name) => properties[name]),
  );

  // The first render's frame, kept as it was: the element adopts it once, and a later
  // configuration gets a frame of the element's own, so React must not change this one.
  const [early] = useState(() => (props.earlyFrame ? earlyFrameAttributes(props) : undefined));
  const frame = early && createElement('iframe', { key: 'spotnana-early-frame', slot: 'frame', ...early });

  const setElement = useCallback(
    (node: SpotnanaEmbedElement | null) => {
      element.current = node;
      if (typeof ref === 'function') ref(node);
      else if (ref) ref.current = node;
    },
    [ref],
  );
  const elementProps = { ...rest, ...attributes, ref: setElement };
  return frame
    ? createElement(TAG_NAME, elementProps, frame, rest.children as ReactNode)
    : createElement(TAG_NAME, elementProps);
}

/**
 * `<SpotnanaEmbed>`: the `<spotnana-embed>` element for React, server rendering included.
 * Its `ref` is the element.
 */
export const SpotnanaEmbed = forwardRef<SpotnanaEmbedElement, SpotnanaEmbedProps>(render);
SpotnanaEmbed.displayName = 'SpotnanaEmbed';

/** What `prerenderSpotnana()` takes: the props of `<SpotnanaEmbed>` (those that are not options are ignored), and `keep`. */
export type PrerenderSpotnanaProps = SpotnanaEmbedProps & {
  /** Seconds the prerender waits for a `<SpotnanaEmbed>` before it ends: an integer from 1 to 3600; default 600. */
  keep?: number;
};

/** The options a prerender takes: all but `tokenFetch` (a prerender fetches the tokens at once). */
const PRERENDER_OPTIONS = OPTION_NAMES.filter(
  (name): name is Exclude<OptionName, 'tokenFetch'> => name !== 'tokenFetch',
);
const NO_PRERENDER: PrerenderHandle = { cancel() {} };

/** The prerender options among `props`, in the table's order; empty ones left out. */
function prerenderOptions(props: PrerenderSpotnanaProps): PrerenderOptions {
  const options: Record<string, unknown> = {};
  for (const name of [...PRERENDER_OPTIONS, 'keep'] as const) {
    const value = props[name];
    if (value !== undefined && value !== null && value !== '') options[name] = value;
  }
  return options as PrerenderOptions;
}

/** Options that start the same prerender: a provider counts as one whatever its identity (a new function on each render). */
const signature = (options: PrerenderOptions) =>
  JSON.stringify(Object.entries(options), (_, value: unknown) => (typeof value === 'function' ? 'function' : value));

/**
 * The prerenders started here and not known to be over, by signature: a second call with the
 * same options (a pointer that rests on the link again, React's Strict Mode running an effect
 * twice) gets the first one's handle, instead of a prerender that replaces it and loads the
 * frame again. Forgotten after `keep` seconds, on `cancel()`, and once any `<spotnana-embed>`
 * has loaded a frame (it may have taken the prerender over: the next call starts afresh).
 */
const started = new Map<string, { handle: PrerenderHandle; until: number }>();
let forgetsOnLoad = false;

const DEFAULT_KEEP_S = 600;
const MS_PER_S = 1000;

/**
 * Signs the Spotnana frame in ahead of the route that renders `<SpotnanaEmbed>` with the same
 * props (the same frame URL and token source): that element takes the frame over, already
 * loaded and answered, or (in a browser that cannot move a frame without reloading it) the
 * tokens. Call it when the app starts or when the pointer rests on the link to that route.
 *
 * Takes the component's props (those that are not the element's options are ignored) and
 * `keep`, seconds the prerender waits for an element (default 600). Returns a handle whose
 * `cancel()` ends the prerender. An invalid option throws a `TypeError` that names it, as
 * `SpotnanaEmbed.prerender()` does. On the server (no `document`) it does nothing and returns
 * a handle that does nothing; so it may be called while rendering. A second call with
 * the same options, while the first prerender waits, returns the first one's handle.
 */
export function prerenderSpotnana(props: PrerenderSpotnanaProps): PrerenderHandle {
  return start(prerenderOptions(props));
}

/**
 * The registered element class, whose elements are the page's (with a second copy of the
 * package on the page, this copy's prerenders would wait for elements that never come); this
 * module registers its own when none is. None on the server (no document; Lit's server shim
 * may define `customElements` there).
 */
function registered(): Partial<typeof SpotnanaEmbedElement> | undefined {
  const registry = globalThis.customElements;
  if (typeof document === 'undefined' || !registry) return undefined;
  return (registry.get(TAG_NAME) ?? SpotnanaEmbedElement) as Partial<typeof SpotnanaEmbedElement>;
}

function start(options: PrerenderOptions): PrerenderHandle {
  const element = registered();
  if (typeof element?.prerender !== 'function') return NO_PRERENDER;
  const key = signature(options);
  const now = Date.now();
  const earlier = started.get(key);
  if (earlier && earlier.until > now) return earlier.handle;
  const prerendered = element.prerender(options);
  if (!forgetsOnLoad) {
    forgetsOnLoad = true;
    document.addEventListener('spotnana-load', () => started.clear());
  }
  const handle: PrerenderHandle = {
    cancel() {
      if (started.get(key)?.handle === handle) started.delete(key);
      prerendered.cancel();
    },
  };
  started.set(key, { handle, until: now + (options.keep ?? DEFAULT_KEEP_S) * MS_PER_S });
  return handle;
}

/**
 * Prerenders the frame (`prerenderSpotnana(props)`) once the component has mounted and `when`
 * is true (default true): in the app's root to prerender on start-up, or with a state that
 * turns true when the pointer rests on the link to the route that renders `<SpotnanaEmbed>`.
 * It calls again only when `when` turns true again or the options change (and a call with the
 * same options while the prerender waits changes nothing). Unmounting does not end the
 * prerender (the element that takes it over may be mounting): it ends when an element takes
 * it over, after `keep` seconds, or with `signOutSpotnana()`.
 */
export function usePrerenderSpotnana(props: PrerenderSpotnanaProps, when = true): void {
  const options = prerenderOptions(props);
  const key = signature(options);
  useEffect(() => {
    if (when) start(options);
    // `key` stands for `options`, a new object with the same values on each render.
  }, [when, key]);
}

/**
 * `SpotnanaEmbed.signOutAll()`, for when the host's user signs out or changes: every
 * `<spotnana-embed>` signs out, every prerender ends, and the next `prerenderSpotnana()`
 * starts afresh. On the server it does nothing.
 */
export function signOutSpotnana(): void {
  started.clear();
  registered()?.signOutAll?.();
}

/** The props of the bare `<spotnana-embed>` tag in React 19 JSX. */
export type SpotnanaEmbedReactProps = DetailedHTMLProps<HTMLAttributes<SpotnanaEmbedElement>, SpotnanaEmbedElement> &
  SpotnanaEmbedAttributes &
  SpotnanaEmbedProperties &
  SpotnanaEmbedEventListeners;

declare module 'react' {
  // React declares its JSX types in a namespace: merging into it is the only way to add a tag.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'spotnana-embed': SpotnanaEmbedReactProps;
    }
  }
}
