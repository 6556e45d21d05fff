'use client';
// A client component: the token provider and the event handlers are functions, which a
// server component cannot pass down. Next renders it on the server and hydrates it.
import { useCallback, useState } from 'react';
import { SpotnanaEmbed } from 'spotnana-embed/react';
import type { TokenProvider } from 'spotnana-embed';

export function Travel({ embedUrl, tokenUrl }: { embedUrl?: string; tokenUrl: string }) {
  const [status, setStatus] = useState('Signing you in to travel…');
  const tokenProvider = useCallback<TokenProvider>(
    async ({ signal }) => {
      const response = await fetch(tokenUrl, { method: 'POST', headers: { accept: 'application/json' }, signal });
      if (!response.ok) throw new Error(`The token endpoint answered ${response.status}`);
      return response.json();
    },
    [tokenUrl],
  );
  return (
    <>
      <p role="status">{status}</p>
      <SpotnanaEmbed
        embedUrl={embedUrl}
        orgId="acme"
        path="/trips"
        tokenProvider={tokenProvider}
        onSpotnanaTokenSent={() => setStatus('Signed in to travel')}
        onSpotnanaError={(event) => setStatus(event.detail.message)}
        style={{ height: '70vh' }}
      />
    </>
  );
}
