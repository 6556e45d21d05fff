// Express 5 with spotnana-embed/server. The handler takes a Web Request, so the route
// hands Express's request to it through @hono/node-server's listener; app.all lets the
// handler answer every method itself (405 with Allow: POST to all but POST).
//
//   SPOTNANA_CLIENT_ID=... SPOTNANA_CLIENT_SECRET=... node examples/express.mjs
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import { createTokenHandler, createUserDetailHandler } from 'spotnana-embed/server';
import { emailOfSubjectToken, subjectTokenOf } from './session.mjs';

const tokenHandler = createTokenHandler({
  env: process.env.SPOTNANA_ENV,
  apiUrl: process.env.SPOTNANA_API_URL,
  clientId: process.env.SPOTNANA_CLIENT_ID,
  clientSecret: process.env.SPOTNANA_CLIENT_SECRET,
  getSubjectToken: subjectTokenOf,
  // Each failure, never with a token or the secret (without onError: failed exchanges only).
  onError: (error) => console.error(`Spotnana token endpoint: ${error}`),
});

const app = express();
// Before any body parser: the handler reads no body.
app.all('/api/spotnana-token', getRequestListener(tokenHandler));
app.all('/api/user-detail', getRequestListener(createUserDetailHandler({ getEmail: emailOfSubjectToken })));

const host = process.env.HOST ?? 'localhost';
const server = app.listen(Number(process.env.PORT ?? 3000), host, () => {
  console.log(`listening on http://${host}:${server.address().port}`);
});
