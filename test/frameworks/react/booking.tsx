// A page that renders the `SpotnanaEmbed` component (spotnana-embed/react), shared by the
// server render (render-react.tsx, in Node) and the browser tests that hydrate it or render
// it client-only (component.test.ts). Everything but the provider and the handlers is
// serializable, so the server renders the same page the browser hydrates.
import type { Ref } from 'react';
import type {
  SpotnanaEmbed as SpotnanaEmbedElement,
  SpotnanaErrorEvent,
  SpotnanaLoadEvent,
  SpotnanaTokenSentEvent,
  TokenProvider,
} from '../../../src/index.js';
import { SpotnanaEmbed } from '../../../src/react.js';

export interface BookingProps {
  /** The fake frame's report key (in `path`). */
  id: string;
  embedUrl: string;
  endpoint?: string;
  org?: string;
  provider?: TokenProvider;
  onLoad?: (event: SpotnanaLoadEvent) => void;
  onSent?: (event: SpotnanaTokenSentEvent) => void;
  onError?: (event: SpotnanaErrorEvent) => void;
  embedRef?: Ref<SpotnanaEmbedElement>;
  /** Renders the iframe in the server's HTML. */
  earlyFrame?: boolean;
}

export function Booking({
  id,
  embedUrl,
  endpoint,
  org,
  provider,
  onLoad,
  onSent,
  onError,
  embedRef,
  earlyFrame,
}: BookingProps) {
  return (
    <main>
      <h1>Trips</h1>
      <SpotnanaEmbed
        ref={embedRef}
        earlyFrame={earlyFrame}
        className="travel"
        embedUrl={embedUrl}
        path={`/?id=${id}`}
        orgId={org}
        tokenEndpoint={endpoint}
        tokenProvider={provider}
        frameTitle="Acme travel"
        tokenTimeout={20000}
        onSpotnanaLoad={onLoad}
        onSpotnanaTokenSent={onSent}
        onSpotnanaError={onError}
      >
        <p slot="loading">Loading your trips…</p>
      </SpotnanaEmbed>
    </main>
  );
}
