// A server component: rendered on each request, so the embed URL comes from the server's
// environment at run time (SPOTNANA_EMBED_URL: an emulator in development; unset in
// production, where `env` picks Spotnana's own).
//
// `instant = false` lets this route render at request time with its data read outside
// <Suspense> (cacheComponents allows it no other way). Inside <Suspense>, the early frame would
// come in a streamed part that React moves into place, and moving an iframe reloads it: the
// frame would load twice.
import { connection } from 'next/server';
import { Travel } from './travel';

export const instant = false;

export default async function Home() {
  await connection();
  return (
    <main style={{ padding: 16 }}>
      <h1>Trips</h1>
      <Travel embedUrl={process.env.SPOTNANA_EMBED_URL || undefined} tokenEndpoint="/api/spotnana-token" />
    </main>
  );
}
