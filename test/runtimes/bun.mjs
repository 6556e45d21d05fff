// The matrix app on Bun: Bun.serve. Config: the SPOTNANA_MATRIX environment variable.
/* global Bun */
import { createApp } from './app.mjs';

const app = createApp(JSON.parse(Bun.env.SPOTNANA_MATRIX));
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (request) => app(request) });
console.log(`listening on http://127.0.0.1:${server.port}`);
