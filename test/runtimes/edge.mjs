// The matrix app in Vercel's Edge Runtime: a fetch event listener, as the runtime runs a
// single script. Its config is a global set before this script.
import { createApp } from './app.mjs';

const app = createApp(globalThis.SPOTNANA_MATRIX);
addEventListener('fetch', (event) => event.respondWith(app(event.request)));
