// Bun with spotnana-embed/server: Bun.serve's routes take the handler as it is.
//
//   SPOTNANA_CLIENT_ID=... SPOTNANA_CLIENT_SECRET=... bun examples/bun.ts
import { createTokenHandler } from 'spotnana-embed/server';
import { subjectTokenOf } from './session.mjs';

const tokenHandler = createTokenHandler({
  env: Bun.env.SPOTNANA_ENV,
  apiUrl: Bun.env.SPOTNANA_API_URL,
  clientId: Bun.env.SPOTNANA_CLIENT_ID ?? '',
  clientSecret: Bun.env.SPOTNANA_CLIENT_SECRET ?? '',
  getSubjectToken: subjectTokenOf,
  // Each failure, never with a token or the secret (without onError: failed exchanges only).
  onError: (error) => console.error(`Spotnana token endpoint: ${error}`),
});

const server = Bun.serve({
  hostname: Bun.env.HOST ?? 'localhost',
  port: Number(Bun.env.PORT ?? 3000),
  routes: { '/api/spotnana-token': tokenHandler },
  fetch: () => new Response('Not found', { status: 404 }),
});
console.log(`listening on http://${server.hostname}:${server.port}`);
