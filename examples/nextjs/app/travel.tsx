'use client';
// A client component: a token provider and event handlers are functions, which a server
// component cannot pass down. Next renders it on the server and hydrates it.
//
// With `tokenEndpoint` the server's HTML holds the whole configuration, so the frame may
// load early (`earlyFrame`, with the early listener in layout.tsx). A `tokenProvider` exists
// only once the page has hydrated, and a request the frame posts before that is not
// answered: no early frame with a provider.
import { useCallback, useState } from 'react';
import { SpotnanaEmbed } from 'spotnana-embed/react';
import type { TokenProvider } from 'spotnana-embed';

export interface TravelProps {
  embedUrl?: string;
  /** Your token endpoint, fetched by the element. */
  tokenEndpoint?: string;
  /** Or the URL your own provider fetches. */
  providerUrl?: string;
}

export function Travel({ embedUrl, tokenEndpoint, providerUrl }: TravelProps) {
  const [status, setStatus] = useState('Signing you in to travel…');
  const tokenProvider = useCallback<TokenProvider>(
    async ({ signal }) => {
      const response = await fetch(providerUrl!, { method: 'POST', headers: { accept: 'application/json' }, signal });
      if (!response.ok) throw new Error(`The token endpoint answered ${response.status}`);
      return response.json();
    },
    [providerUrl],
  );
  return (
    <>
      <p role="status">{status}</p>
      <SpotnanaEmbed
        embedUrl={embedUrl}
        orgId="acme"
        path="/trips"
        tokenEndpoint={tokenEndpoint}
        earlyFrame={!providerUrl}
        tokenProvider={providerUrl ? tokenProvider : undefined}
        onSpotnanaTokenSent={() => setStatus('Signed in to travel')}
        onSpotnanaError={(event) => setStatus(event.detail.message)}
        style={{ height: '70vh' }}
      />
    </>
  );
}
