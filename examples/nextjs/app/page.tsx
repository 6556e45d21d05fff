// A server component: rendered on each request, so the embed URL comes from the server's
// environment at run time (SPOTNANA_EMBED_URL: an emulator in development; unset in
// production, where `env` picks Spotnana's own).
import { connection } from 'next/server';
import { Travel } from './travel';

export default async function Home() {
  await connection();
  return (
    <main style={{ padding: 16 }}>
      <h1>Trips</h1>
      <Travel embedUrl={process.env.SPOTNANA_EMBED_URL || undefined} tokenEndpoint="/api/spotnana-token" />
    </main>
  );
}
