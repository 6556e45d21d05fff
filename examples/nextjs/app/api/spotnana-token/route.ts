// POST /api/spotnana-token, on the Node.js runtime (Next's default for route handlers).
import { spotnanaToken } from '../../../lib/spotnana';

export const POST = (request: Request) => spotnanaToken(request);
