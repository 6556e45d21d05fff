// spotnana-embed/server: the backend half, for any runtime with Web fetch, Request and
// Response (Node 20+, Deno, Bun, edge workers). No DOM, no Lit, no Node built-ins.
export { API_BASES, TOKEN_PATH, type ApiTarget, type SpotnanaEnv } from './env.js';
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
  TOKEN_EXCHANGE_GRANT_TYPE,
  exchangeToken,
  type ExchangeTokenOptions,
  type TokenExchangeResult,
} from './exchange-token.js';
export { createTokenHandler, type TokenHandlerOptions, type TokenResponseBody } from './token-handler.js';
export { createUserDetailHandler, type UserDetailHandlerOptions } from './user-detail-handler.js';
export {
  JWT_TOKEN_TYPE,
  createJwksHandler,
  createSubjectTokenSigner,
  type JwksHandlerOptions,
  type KeyInput,
  type SubjectTokenClaims,
  type SubjectTokenSignerOptions,
} from './jwt.js';
