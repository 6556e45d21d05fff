// Node's own http server with spotnana-embed/server: the token endpoint the element calls
// (POST /api/spotnana-token) and the user-detail endpoint Spotnana calls
// (GET /api/user-detail). @hono/node-server turns Node's request into a Web Request
// (and aborts its signal when the browser goes away).
//
//   SPOTNANA_CLIENT_ID=... SPOTNANA_CLIENT_SECRET=... node examples/node-http.mjs
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createTokenHandler, createUserDetailHandler } from 'spotnana-embed/server';
import { emailOfSubjectToken, subjectTokenOf } from './session.mjs';

const tokenHandler = createTokenHandler({
  env: process.env.SPOTNANA_ENV, // sandbox (default) or production
  apiUrl: process.env.SPOTNANA_API_URL, // optional: a proxy, or the emulator
  clientId: process.env.SPOTNANA_CLIENT_ID,
  clientSecret: process.env.SPOTNANA_CLIENT_SECRET,
  getSubjectToken: subjectTokenOf,
  // Each failure, never with a token or the secret (without onError: failed exchanges only).
  onError: (error) => console.error(`Spotnana token endpoint: ${error}`),
});
const userDetailHandler = createUserDetailHandler({ getEmail: emailOfSubjectToken });

const routes = {
  '/api/spotnana-token': getRequestListener(tokenHandler),
  '/api/user-detail': getRequestListener(userDetailHandler),
};
const server = createServer((req, res) => {
  const route = routes[new URL(req.url, 'http://localhost').pathname];
  if (route) return route(req, res);
  res.writeHead(404).end();
});
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? 'localhost', () => {
  console.log(`listening on http://${process.env.HOST ?? 'localhost'}:${server.address().port}`);
});
