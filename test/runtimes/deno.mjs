// The matrix app on Deno 2: Deno.serve. Config: the SPOTNANA_MATRIX environment variable.
/* global Deno */
import { createApp } from './app.mjs';

const app = createApp(JSON.parse(Deno.env.get('SPOTNANA_MATRIX')));
Deno.serve(
  { hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`) },
  (request) => app(request),
);
