// The same page, with a token provider that calls a route of its own (/api/edge/spotnana-token).
import { connection } from 'next/server';
import { Travel } from '../travel';

// Rendered on each request, as `/` is (see app/page.tsx).
export const instant = false;

export default async function EdgeHome() {
  await connection();
  return (
    <main style={{ padding: 16 }}>
      <h1>Trips (token provider)</h1>
      <Travel embedUrl={process.env.SPOTNANA_EMBED_URL || undefined} providerUrl="/api/edge/spotnana-token" />
    </main>
  );
}
