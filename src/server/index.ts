// spotnana-embed/server: the backend half, for any runtime with Web fetch, Request and
// Response (Node, Deno, Bun, Cloudflare Workers, the Edge Runtime). No DOM, no Lit, no
// Node built-ins, no dynamic import. The JWT helpers, which need jose, are
// spotnana-embed/server/jwt.
export { API_BASES, ENVIRONMENTS, TOKEN_PATH, type ApiTarget, type SpotnanaEnv } from './env.js';
/** Both bases (API and embed app) of each Spotnana environment. */
export {
  TokenExchangeError,
  TokenHandlerError,
  type TokenExchangeErrorCode,
  type TokenExchangeErrorInit,
  type TokenHandlerErrorCode,
} from './errors.js';
export {
  ACCESS_TOKEN_TYPE,
  DEFAULT_TIMEOUT,
  OAUTH_ERROR_CODES,
  TOKEN_EXCHANGE_GRANT_TYPE,
  exchangeToken,
  type ExchangeTokenOptions,
  type TokenExchangeResult,
} from './exchange-token.js';
export {
  createTokenHandler,
  type TokenExchangeEvent,
  type TokenExchangeOutcome,
  type TokenHandlerOptions,
  type TokenResponseBody,
} from './token-handler.js';
export { createUserDetailHandler, type UserDetailHandlerOptions } from './user-detail-handler.js';
