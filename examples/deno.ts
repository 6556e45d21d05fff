// Deno 2 with spotnana-embed/server: Deno.serve takes the handler as it is.
// With the package in package.json (or `deno add npm:spotnana-embed`):
//
//   SPOTNANA_CLIENT_ID=... SPOTNANA_CLIENT_SECRET=... deno run --allow-net --allow-env examples/deno.ts
import { createTokenHandler } from 'spotnana-embed/server';
import { subjectTokenOf } from './session.mjs';

const tokenHandler = createTokenHandler({
  env: Deno.env.get('SPOTNANA_ENV'),
  apiUrl: Deno.env.get('SPOTNANA_API_URL'),
  clientId: Deno.env.get('SPOTNANA_CLIENT_ID') ?? '',
  clientSecret: Deno.env.get('SPOTNANA_CLIENT_SECRET') ?? '',
  getSubjectToken: subjectTokenOf,
  // Each failure, never with a token or the secret (without onError: failed exchanges only).
  onError: (error) => console.error(`Spotnana token endpoint: ${error}`),
});

const hostname = Deno.env.get('HOST') ?? 'localhost';
Deno.serve(
  {
    hostname,
    port: Number(Deno.env.get('PORT') ?? 3000),
    onListen: ({ port }) => console.log(`listening on http://${hostname}:${port}`),
  },
  (request) => {
    if (new URL(request.url).pathname === '/api/spotnana-token') return tokenHandler(request);
    return new Response('Not found', { status: 404 });
  },
);
