// The runtime matrix's app: the same few routes on every runtime, built with
// spotnana-embed/server and spotnana-embed/server/jwt exactly as an integrator would.
// Input: a config (the emulator's URL, the client, misbehaving upstreams, a key pair).
// Output: a fetch handler, `(request) => Promise<Response>`.
import { createTokenHandler } from 'spotnana-embed/server';
import { createJwksHandler, createSubjectTokenSigner } from 'spotnana-embed/server/jwt';

/** How long the exchange may take against an upstream that never answers. */
const SILENT_UPSTREAM_TIMEOUT = 1000;
const KID = 'matrix-key-1';

/**
 * @param {{ apiUrl: string, endlessUrl: string, silentUrl: string, clientId: string, clientSecret: string,
 *   allowedOrigin: string, publicJwk: object, privateJwk: object }} config
 * @returns {(request: Request) => Promise<Response>}
 */
export function createApp(config) {
  const common = {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    allowedOrigins: [config.allowedOrigin],
    // The host's session: a cookie holding the user's token in the host system.
    getSubjectToken: (request) => /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1],
  };
  const routes = {
    '/api/spotnana-token': createTokenHandler({ ...common, apiUrl: config.apiUrl }),
    '/api/endless-upstream': createTokenHandler({ ...common, apiUrl: config.endlessUrl }),
    '/api/silent-upstream': createTokenHandler({
      ...common,
      apiUrl: config.silentUrl,
      timeout: SILENT_UPSTREAM_TIMEOUT,
    }),
    '/jwks': createJwksHandler({ keys: [{ kid: KID, key: config.publicJwk }] }),
  };
  const sign = createSubjectTokenSigner({ privateKey: config.privateJwk, kid: KID });
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/sign') return new Response(await sign({ email: 'alice@example.com' }));
    const route = routes[pathname];
    return route ? route(request) : new Response('not found', { status: 404 });
  };
}
