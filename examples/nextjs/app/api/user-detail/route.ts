// GET /api/user-detail: the "get user detail" API that Spotnana calls with the user's token
// during the exchange (configured on Spotnana's side, or the emulator's --user-detail-url).
import { createUserDetailHandler } from 'spotnana-embed/server';
import { emailOf } from '../../../lib/session';

export const GET = createUserDetailHandler({ getEmail: (token) => emailOf(token) });
