// Step 3 of the sequence: Spotnana calls the host's "get user detail" API with the
// subject token as a bearer token (RFC 6750 §2.1) and reads the user's email from it.
// Input: GET with `Authorization: Bearer <subject token>`. Output: {"user":{"email":...}} or 401.
import { got } from './describe.js';

export interface UserDetailHandlerOptions {
  /** The email of the user this token belongs to in your system, or nothing for an unknown token. */
  getEmail: (token: string, request: Request) => string | null | undefined | Promise<string | null | undefined>;
  /** Sees a throwing `getEmail`, for your logs. */
  onError?: (error: unknown, request: Request) => void;
}

/** Creates the host's user-detail endpoint: `(request) => Promise<Response>`. */
export function createUserDetailHandler(options: UserDetailHandlerOptions): (request: Request) => Promise<Response> {
  if (typeof options?.getEmail !== 'function') {
    throw new TypeError(
      `spotnana-embed/server: createUserDetailHandler needs a getEmail(token, request) function; got ${got(options?.getEmail)}`,
    );
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError(`spotnana-embed/server: onError must be a function; got ${got(options.onError)}`);
  }
  return async function spotnanaUserDetailHandler(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return json({ error: 'method_not_allowed' }, 405, { allow: 'GET, HEAD' });
    }
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(request.headers.get('authorization') ?? '');
    if (!match) {
      return json({ error: 'invalid_request' }, 401, { 'www-authenticate': 'Bearer' });
    }
    let email: string | null | undefined;
    try {
      email = await options.getEmail(match[1]!, request);
    } catch (error) {
      try {
        options.onError?.(error, request);
      } catch {
        // A failing logger must not change the answer.
      }
      return json({ error: 'internal_error' }, 500);
    }
    if (typeof email !== 'string' || email === '') {
      return json({ error: 'invalid_token' }, 401, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    return json({ user: { email } }, 200);
  };
}

function json(body: unknown, status: number, headers?: HeadersInit): Response {
  const response = new Response(JSON.stringify(body), { status, headers });
  response.headers.set('content-type', 'application/json; charset=utf-8');
  response.headers.set('cache-control', 'no-store');
  return response;
}
