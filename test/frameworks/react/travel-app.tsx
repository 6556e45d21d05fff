// A single-page app that prerenders the Spotnana frame (spotnana-embed/react), shared by the
// server render (render-react.tsx, in Node) and the browser tests that hydrate it
// (prerender.test.ts). Its home route links to "Travel"; the Travel route renders
// <SpotnanaEmbed> with the same props that the prerender was given, so it takes the frame over.
// It prerenders on start-up (the hook) or when the pointer rests on the link (the function).
import { useState } from 'react';
import type { SpotnanaLoadEvent, SpotnanaTokenSentEvent } from '../../../src/index.js';
import { prerenderSpotnana, SpotnanaEmbed, usePrerenderSpotnana, type SpotnanaEmbedProps } from '../../../src/react.js';

export interface TravelAppProps {
  /** The fake frame's report key (in `path`). */
  id: string;
  embedUrl: string;
  endpoint: string;
  /** When the app prerenders: as it starts, or when the pointer rests on the Travel link. */
  prerender: 'start-up' | 'hover';
  onLoad?: (event: SpotnanaLoadEvent) => void;
  onSent?: (event: SpotnanaTokenSentEvent) => void;
}

export function TravelApp({ id, embedUrl, endpoint, prerender, onLoad, onSent }: TravelAppProps) {
  const [route, setRoute] = useState<'home' | 'travel'>('home');
  const travel: SpotnanaEmbedProps = {
    embedUrl,
    path: `/?id=${id}`,
    orgId: 'acme',
    tokenEndpoint: endpoint,
    frameTitle: 'Acme travel',
  };
  usePrerenderSpotnana(travel, prerender === 'start-up');
  return (
    <>
      <nav>
        <a
          href="/travel"
          onPointerEnter={prerender === 'hover' ? () => prerenderSpotnana(travel) : undefined}
          onClick={(event) => {
            event.preventDefault();
            setRoute('travel');
          }}
        >
          Travel
        </a>
      </nav>
      <main>
        {route === 'travel' ? (
          <SpotnanaEmbed {...travel} onSpotnanaLoad={onLoad} onSpotnanaTokenSent={onSent} />
        ) : (
          <h1>Home</h1>
        )}
      </main>
    </>
  );
}
