// The server half under test: a host backend as a partner would run it (Node's http server,
// Web handlers through @hono/node-server's getRequestListener, as in demo/app.mjs), talking to
// the Spotnana emulator started in-process:
//
//   POST /api/spotnana-token   createTokenHandler({ apiUrl: emulator.url, ... }) (steps 1-5)
//   GET  /api/user-detail      createUserDetailHandler (step 3: the emulator calls it back)
//
// One signed-in user, whose session cookie `sid=bench-session` maps to its subject token.
// Every exchange is the whole sequence: handler -> emulator -> user-detail -> emulator ->
// handler, two HTTP hops over loopback. The emulator has no rate limit; it keeps every token it
// issues in memory (pruning expired ones on each issue), so each load level gets a fresh one.
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { startEmulator } from 'spotnana-embed/emulator';
import { createTokenHandler, createUserDetailHandler, exchangeToken } from 'spotnana-embed/server';

export const BENCH = Object.freeze({
  clientId: 'bench-client',
  clientSecret: 'bench-secret',
  email: 'bench@example.com',
  subjectToken: 'bench-subject-token-0123456789abcdef',
  cookie: 'sid=bench-session',
});

const sessions = new Map([['bench-session', BENCH.subjectToken]]);
const sessionOf = (request) => {
  const match = /(?:^|;\s*)sid=([^;]+)/.exec(request.headers.get('cookie') ?? '');
  return match ? sessions.get(match[1]) : undefined;
};

export async function startBackend() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  let emulator;
  try {
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      clientId: BENCH.clientId,
      clientSecret: BENCH.clientSecret,
      userDetailUrl: `${url}/api/user-detail`,
      allowedOrigins: [url],
      users: [BENCH.email],
    });
  } catch (error) {
    server.close();
    throw error;
  }

  const tokenHandler = createTokenHandler({
    apiUrl: emulator.url,
    clientId: BENCH.clientId,
    clientSecret: BENCH.clientSecret,
    getSubjectToken: sessionOf,
  });
  const userDetailHandler = createUserDetailHandler({
    getEmail: (token) => (token === BENCH.subjectToken ? BENCH.email : undefined),
  });

  const handle = (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/api/spotnana-token') return tokenHandler(request);
    if (pathname === '/api/user-detail') return userDetailHandler(request);
    return new Response('not found', { status: 404 });
  };
  server.on('request', getRequestListener(handle, { overrideGlobalObjects: false }));

  return {
    url,
    tokenUrl: `${url}/api/spotnana-token`,
    emulatorUrl: emulator.url,
    tokenHandler,
    /** The same exchange, called directly (what the handler does minus its own work). */
    exchange: () =>
      exchangeToken({
        apiUrl: emulator.url,
        clientId: BENCH.clientId,
        clientSecret: BENCH.clientSecret,
        subjectToken: BENCH.subjectToken,
      }),
    async close() {
      await Promise.all([
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        emulator.close(),
      ]);
    },
  };
}
