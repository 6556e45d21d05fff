// Fastify 5 with spotnana-embed/server. Three things matter: `all` so that every method
// reaches the handler (it answers 405 itself), a content-type parser that accepts any
// body (Fastify would answer 415 before the handler), and a signal that aborts the
// exchange with Spotnana when the browser goes away.
//
//   SPOTNANA_CLIENT_ID=... SPOTNANA_CLIENT_SECRET=... node examples/fastify.mjs
import Fastify from 'fastify';
import { createTokenHandler } from 'spotnana-embed/server';
import { subjectTokenOf } from './session.mjs';

const tokenHandler = createTokenHandler({
  env: process.env.SPOTNANA_ENV,
  apiUrl: process.env.SPOTNANA_API_URL,
  clientId: process.env.SPOTNANA_CLIENT_ID,
  clientSecret: process.env.SPOTNANA_CLIENT_SECRET,
  getSubjectToken: subjectTokenOf,
  // Each failure, never with a token or the secret (without onError: failed exchanges only).
  onError: (error) => console.error(`Spotnana token endpoint: ${error}`),
});

/** Fastify's request as a Web Request whose signal aborts when the client goes away. */
function toWebRequest(request, reply) {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return new Request(`${request.protocol}://${request.host}${request.url}`, {
    method: request.method,
    headers: Object.entries(request.headers).flatMap(([name, value]) => [value].flat().map((one) => [name, one])),
    signal: controller.signal,
  });
}

const app = Fastify();
await app.register(async (scope) => {
  // The token endpoint reads no body: whatever is sent, let it through to the handler.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
  scope.all('/api/spotnana-token', async (request, reply) => {
    const response = await tokenHandler(toWebRequest(request, reply));
    reply.code(response.status).headers(Object.fromEntries(response.headers));
    return reply.send(await response.text());
  });
});

const host = process.env.HOST ?? 'localhost';
await app.listen({ port: Number(process.env.PORT ?? 3000), host });
console.log(`listening on http://${host}:${app.server.address().port}`);
