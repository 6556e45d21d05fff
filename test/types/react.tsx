// spotnana-embed/react: the SpotnanaEmbed component, and <spotnana-embed> as a React 19 JSX
// intrinsic element.
import {
  prerenderSpotnana,
  signOutSpotnana,
  SpotnanaEmbed as SpotnanaEmbedComponent,
  usePrerenderSpotnana,
  type PrerenderHandle,
  type SpotnanaEmbedProps,
} from 'spotnana-embed/react';
import type { SpotnanaEmbed, SpotnanaErrorEvent } from 'spotnana-embed';
import { useRef } from 'react';

export function Good() {
  const ref = useRef<SpotnanaEmbed>(null);
  return (
    <spotnana-embed
      ref={ref}
      env="sandbox"
      token-endpoint="/api/spotnana-token"
      org-id="acme"
      path="/trips"
      embed-url="http://localhost:4000"
      token-credentials="include"
      token-fetch="on-request"
      frame-title="Travel"
      allow="clipboard-write"
      token-timeout={5000}
      tokenProvider={async ({ signal }) => ({ accessToken: String(signal.aborted), refreshToken: 'r' })}
      onspotnana-error={(e) => console.warn(e.detail.source, e.detail.code, e.detail.status)}
      onspotnana-token-sent={(e) => console.log(e.detail.prefetched)}
      onspotnana-load={(e) => console.log(e.detail.url)}
      onspotnana-message={(e) => console.log(e.detail.data)}
      onspotnana-token-request={(e) => console.log(e.type)}
      className="embed"
      style={{ height: '80vh' }}
    >
      <p slot="loading">Loading travel…</p>
    </spotnana-embed>
  );
}

const onError = (e: SpotnanaErrorEvent) => e.detail.message;

export const wrong = [
  // @ts-expect-error: env is 'sandbox' | 'production'
  <spotnana-embed env="staging" />,
  // @ts-expect-error: token-fetch is 'eager' | 'on-request'
  <spotnana-embed token-fetch="lazy" />,
  // @ts-expect-error: token-credentials is a fetch credentials mode
  <spotnana-embed token-credentials="always" />,
  // @ts-expect-error: token-timeout is a number of milliseconds
  <spotnana-embed token-timeout="soon" />,
  // @ts-expect-error: tokenProvider is a function, not a URL
  <spotnana-embed tokenProvider="/api/spotnana-token" />,
  // @ts-expect-error: a provider resolves to { accessToken, refreshToken }
  <spotnana-embed tokenProvider={async () => ({ token: 'x' })} />,
  // @ts-expect-error: tokenEndpoint (camelCase, a property) is a string
  <spotnana-embed tokenEndpoint={42} />,
  // @ts-expect-error: the error event's detail has no `reason`
  <spotnana-embed onspotnana-error={(e) => e.detail.reason} />,
  // @ts-expect-error: the token-sent detail is { prefetched }, not an error
  <spotnana-embed onspotnana-token-sent={onError} />,
  // @ts-expect-error: a typo of a camelCase property is caught
  <spotnana-embed tokenEndpont="/api/spotnana-token" />,
];

// The SpotnanaEmbed component: the element's properties in camelCase, its event props, and a
// ref that is the element.
export function WithComponent() {
  const ref = useRef<SpotnanaEmbed>(null);
  return (
    <SpotnanaEmbedComponent
      ref={ref}
      env="production"
      tokenEndpoint="/api/spotnana-token"
      orgId="acme"
      path="/trips"
      embedUrl="http://localhost:4000"
      tokenCredentials="include"
      tokenFetch="on-request"
      frameTitle="Travel"
      allow="clipboard-write"
      tokenTimeout={5000}
      tokenProvider={async ({ signal }) => ({ accessToken: String(signal.aborted), refreshToken: 'r' })}
      onSpotnanaLoad={(e) => console.log(e.detail.url)}
      onSpotnanaTokenRequest={(e) => console.log(e.type)}
      onSpotnanaTokenSent={(e) => console.log(e.detail.prefetched)}
      onSpotnanaError={(e) => console.warn(e.detail.code, e.detail.status)}
      onSpotnanaMessage={(e) => console.log(e.detail.data)}
      className="embed"
      style={{ height: '80vh' }}
    >
      <p slot="loading">Loading travel…</p>
    </SpotnanaEmbedComponent>
  );
}

export const wrongComponent = [
  // @ts-expect-error: env is 'sandbox' | 'production'
  <SpotnanaEmbedComponent env="staging" />,
  // @ts-expect-error: tokenTimeout is a number of milliseconds
  <SpotnanaEmbedComponent tokenTimeout="soon" />,
  // @ts-expect-error: a provider resolves to { accessToken, refreshToken }
  <SpotnanaEmbedComponent tokenProvider={async () => ({ token: 'x' })} />,
  // @ts-expect-error: the error event's detail has no `reason`
  <SpotnanaEmbedComponent onSpotnanaError={(e) => e.detail.reason} />,
  // @ts-expect-error: a typo of a prop is caught
  <SpotnanaEmbedComponent tokenEndpont="/api/spotnana-token" />,
];

// The prerender helpers take the component's props (the same object serves both) and `keep`.
const travel: SpotnanaEmbedProps = { env: 'production', orgId: 'acme', tokenEndpoint: '/api/spotnana-token' };
export const handle: PrerenderHandle = prerenderSpotnana({ ...travel, keep: 120 });
handle.cancel();
export function Prerendering({ hovered }: { hovered: boolean }) {
  usePrerenderSpotnana(travel);
  usePrerenderSpotnana({ ...travel, onSpotnanaLoad: (e) => console.log(e.detail.prerendered) }, hovered);
  return <SpotnanaEmbedComponent {...travel} onPointerEnter={() => prerenderSpotnana(travel)} />;
}
signOutSpotnana();

export const wrongPrerender = [
  // @ts-expect-error: keep is a number of seconds
  prerenderSpotnana({ ...travel, keep: '10m' }),
  // @ts-expect-error: env is 'sandbox' | 'production'
  prerenderSpotnana({ env: 'staging' }),
  // @ts-expect-error: cancel() is all a handle has
  prerenderSpotnana(travel).then,
  // @ts-expect-error: `when` is a boolean
  usePrerenderSpotnana(travel, 'hover'),
];
