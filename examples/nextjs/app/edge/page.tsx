// The same page, with a token provider that calls the Edge runtime's route.
import { connection } from 'next/server';
import { Travel } from '../travel';

export default async function EdgeHome() {
  await connection();
  return (
    <main style={{ padding: 16 }}>
      <h1>Trips (Edge token route)</h1>
      <Travel embedUrl={process.env.SPOTNANA_EMBED_URL || undefined} providerUrl="/api/edge/spotnana-token" />
    </main>
  );
}
