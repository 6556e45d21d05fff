// The React 19 side of react.test.ts: plain JSX with <spotnana-embed>, typed by
// spotnana-embed/react (src/react.ts).
import type {} from '../../src/react.js';
import type { SpotnanaErrorEvent, SpotnanaTokenSentEvent, TokenProvider } from '../../src/index.js';
import { EMBED_URL } from '../element/helpers.js';

export interface TravelProps {
  id: string;
  /** Bound as the `token-endpoint` attribute. */
  endpoint?: string;
  /** Bound as the `tokenProvider` property. */
  provider?: TokenProvider;
  org?: string;
  onError?: (event: SpotnanaErrorEvent) => void;
  onSent?: (event: SpotnanaTokenSentEvent) => void;
}

export function Travel({ id, endpoint, provider, org, onError, onSent }: TravelProps) {
  return (
    <section>
      <h1>Travel</h1>
      <spotnana-embed
        embed-url={EMBED_URL}
        path={`/?id=${id}`}
        token-endpoint={endpoint}
        org-id={org}
        tokenProvider={provider}
        frame-title="Acme travel"
        onspotnana-error={onError}
        onspotnana-token-sent={onSent}
      />
    </section>
  );
}
