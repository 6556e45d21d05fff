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
'use client';

import {
  createElement,
  forwardRef,
  useCallback,
  useLayoutEffect,
  useRef,
  useState,
  type DetailedHTMLProps,
  type ForwardedRef,
  type HTMLAttributes,
  type ReactNode,
} from 'react';
import { frameSrc } from './config.js';
import type { SpotnanaEmbedEventMap } from './events.js';
import type {
  SpotnanaEmbedAttributes,
  SpotnanaEmbedEventListeners,
  SpotnanaEmbedProperties,
} from './framework-typings.js';
// Registers <spotnana-embed> in the browser (and does nothing on the server).
import { SpotnanaEmbed as SpotnanaEmbedElement } from './index.js';

export type {
  SpotnanaEmbedAttributes,
  SpotnanaEmbedEventListeners,
  SpotnanaEmbedProperties,
} from './framework-typings.js';

/** The element's properties that HTML can carry, each with the attribute it is written as. */
const ATTRIBUTES = {
  env: 'env',
  tokenEndpoint: 'token-endpoint',
  orgId: 'org-id',
  path: 'path',
  embedUrl: 'embed-url',
  tokenCredentials: 'token-credentials',
  tokenFetch: 'token-fetch',
  frameTitle: 'frame-title',
  allow: 'allow',
  tokenTimeout: 'token-timeout',
} as const satisfies Record<Exclude<keyof SpotnanaEmbedProperties, 'tokenProvider'>, keyof SpotnanaEmbedAttributes>;

/** Each event prop, with the element's event it receives. */
const EVENTS = {
  onSpotnanaLoad: 'spotnana-load',
  onSpotnanaTokenRequest: 'spotnana-token-request',
  onSpotnanaTokenSent: 'spotnana-token-sent',
  onSpotnanaError: 'spotnana-error',
  onSpotnanaMessage: 'spotnana-message',
} as const satisfies Record<string, keyof SpotnanaEmbedEventMap>;

type EventProp = keyof typeof EVENTS;

/** `onSpotnanaLoad`, `onSpotnanaTokenSent`, ...: each receives the element's event. */
export type SpotnanaEmbedEventProps = {
  [P in EventProp]?: (event: SpotnanaEmbedEventMap[(typeof EVENTS)[P]]) => void;
};

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

const FRAME_TITLE = 'Spotnana';
const FRAME_REFERRER_POLICY = 'strict-origin-when-cross-origin';
/** No document on the server: a relative `embedUrl` cannot be resolved there, so it gets no early frame, on the server or in the browser. */
const NO_BASE = 'about:blank';

const isAttributeProp = (name: string): name is keyof typeof ATTRIBUTES => Object.hasOwn(ATTRIBUTES, name);
const isEventProp = (name: string): name is EventProp => Object.hasOwn(EVENTS, name);

function render(props: SpotnanaEmbedProps, ref: ForwardedRef<SpotnanaEmbedElement>) {
  const { tokenProvider } = props;
  const element = useRef<SpotnanaEmbedElement | null>(null);
  const attributes: Record<string, string> = {};
  const handlers: SpotnanaEmbedEventProps = {};
  const rest: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(props)) {
    if (isAttributeProp(name)) {
      if (value !== undefined && value !== null) attributes[ATTRIBUTES[name]] = String(value);
    } else if (isEventProp(name)) {
      handlers[name] = value;
    } else if (name !== 'tokenProvider' && name !== 'earlyFrame') {
      rest[name] = value;
    }
  }
  // The provider replaces the endpoint. Left in the server's HTML, the attribute would make
  // an element upgraded before hydration fetch the endpoint all the same.
  if (tokenProvider) delete attributes['token-endpoint'];

  // One listener per event for the element's life; each calls the latest handler, so that
  // a new function on every render costs nothing.
  const latest = useRef(handlers);
  useLayoutEffect(() => {
    latest.current = handlers;
  });
  useLayoutEffect(() => {
    const el = element.current;
    if (!el) return undefined;
    const listeners = Object.entries(EVENTS).map(([prop, type]) => {
      const listener = (event: Event) =>
        (latest.current[prop as EventProp] as ((event: Event) => void) | undefined)?.(event);
      el.addEventListener(type, listener);
      return () => el.removeEventListener(type, listener);
    });
    return () => listeners.forEach((remove) => remove());
  }, []);
  useLayoutEffect(() => {
    if (element.current) element.current.tokenProvider = tokenProvider;
  }, [tokenProvider]);

  // The first render's frame, kept as it was: the element adopts it once, and a later
  // configuration gets a frame of the element's own, so React must not change this one.
  const [early] = useState(() => (props.earlyFrame ? frameSrc(props, NO_BASE) : undefined));
  const frame =
    early &&
    createElement('iframe', {
      key: 'spotnana-early-frame',
      slot: 'frame',
      src: early,
      title: props.frameTitle || FRAME_TITLE,
      referrerPolicy: FRAME_REFERRER_POLICY,
      allow: props.allow || undefined,
    });

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
    ? createElement('spotnana-embed', elementProps, frame, rest.children as ReactNode)
    : createElement('spotnana-embed', elementProps);
}

/**
 * `<SpotnanaEmbed>`: the `<spotnana-embed>` element for React, server rendering included.
 * Its `ref` is the element.
 */
export const SpotnanaEmbed = forwardRef<SpotnanaEmbedElement, SpotnanaEmbedProps>(render);
SpotnanaEmbed.displayName = 'SpotnanaEmbed';

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
