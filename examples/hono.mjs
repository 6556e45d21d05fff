// Hono with spotnana-embed/server: both are Web-standard, so the route passes Hono's raw
// Request through. Served here by @hono/node-server; the same app runs on Bun, Deno and
// Workers with their own entry.
//
//   SPOTNANA_CLIENT_ID=... SPOTNANA_CLIENT_SECRET=... node examples/hono.mjs
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
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

const app = new Hono();
app.all('/api/spotnana-token', (c) => tokenHandler(c.req.raw));

const hostname = process.env.HOST ?? 'localhost';
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname }, ({ port }) => {
  console.log(`listening on http://${hostname}:${port}`);
});
