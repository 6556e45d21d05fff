// POST /api/edge/spotnana-token: the same endpoint, for the page whose tokenProvider calls it
// (/edge). Under `cacheComponents` (create-next-app's default) a route handler cannot choose the
// Edge runtime (`export const runtime = 'edge'` fails the build); in an app without it, that
// line is all it takes, and spotnana-embed/server runs there unchanged (tested on Vercel's Edge
// Runtime).
import { spotnanaToken } from '../../../../lib/spotnana';

export const POST = (request: Request) => spotnanaToken(request);
