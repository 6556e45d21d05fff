// A Cloudflare Worker with spotnana-embed/server. The credentials are bindings, not
// globals: set the secret with `wrangler secret put SPOTNANA_CLIENT_SECRET` and the rest
// as [vars] in wrangler.toml. The handler is made once per set of bindings.
import { createTokenHandler } from 'spotnana-embed/server';
import { subjectTokenOf } from './session.mjs';

let handler;
let handlerEnv;

function tokenHandlerFor(env) {
  if (handlerEnv !== env) {
    handler = createTokenHandler({
      env: env.SPOTNANA_ENV,
      apiUrl: env.SPOTNANA_API_URL,
      clientId: env.SPOTNANA_CLIENT_ID,
      clientSecret: env.SPOTNANA_CLIENT_SECRET,
      getSubjectToken: subjectTokenOf,
      // Shows in `wrangler tail` and the dashboard's logs; never a token or the secret.
      onError: (error) => console.error(`Spotnana token endpoint: ${error}`),
    });
    handlerEnv = env;
  }
  return handler;
}

export default {
  fetch(request, env) {
    if (new URL(request.url).pathname === '/api/spotnana-token') return tokenHandlerFor(env)(request);
    return new Response('Not found', { status: 404 });
  },
};
