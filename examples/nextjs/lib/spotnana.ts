// The token endpoint, shared by the Node and the Edge route. It is made on the first request,
// not when the module loads: `next build` loads route modules, and has no credentials.
import { createTokenHandler } from 'spotnana-embed/server';
import { sessionToken } from './session';

let handler: ((request: Request) => Promise<Response>) | undefined;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} in the server's environment.`);
  return value;
}

export function spotnanaToken(request: Request): Promise<Response> {
  handler ??= createTokenHandler({
    env: process.env.SPOTNANA_ENV === 'production' ? 'production' : 'sandbox',
    // A Spotnana emulator (npx spotnana-embed-emulator) in development; unset in production.
    apiUrl: process.env.SPOTNANA_API_URL || undefined,
    clientId: required('SPOTNANA_CLIENT_ID'),
    clientSecret: required('SPOTNANA_CLIENT_SECRET'),
    getSubjectToken: sessionToken,
    // The origin your users' browsers see, e.g. https://travel.acme.com. Next hands route
    // handlers a request.url built from its own host name, which may differ from it (an
    // Origin that differs from both is refused, so another site cannot mint tokens).
    allowedOrigins: process.env.APP_ORIGIN ? [process.env.APP_ORIGIN] : undefined,
    onError: (error) => console.error('Spotnana token exchange failed:', error),
  });
  return handler(request);
}
