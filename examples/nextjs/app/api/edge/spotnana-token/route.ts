// POST /api/edge/spotnana-token: the same endpoint on the Edge runtime.
import { spotnanaToken } from '../../../../lib/spotnana';

export const runtime = 'edge';

export const POST = (request: Request) => spotnanaToken(request);
