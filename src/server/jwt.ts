// Optional: the JWT subject-token flow of Spotnana's newer backend docs
// (https://developer.spotnana.com/integration/iframe/iframe-backend-setup). Instead of an
// access token that Spotnana checks by calling your user-detail API, your backend signs a
// short-lived RS256 JWT with a `kid` and the user's `email` (`aud` "spotnana"), and
// Spotnana checks its signature against your public JWKS endpoint.
// Built on `jose`, an optional peer dependency (`npm install jose`): this entry,
// spotnana-embed/server/jwt, imports it plainly so that every bundler and runtime sees the
// import; spotnana-embed/server itself never loads it.
// Spotnana's docs we have do not name the subject_token_type for this flow: pass the one
// Spotnana gives you as `subjectTokenType` to createTokenHandler / exchangeToken.
import { SignJWT, exportJWK, importJWK, importPKCS8, importSPKI, type JWK } from 'jose';
import { got, gotSecret } from './describe.js';

/** A key as jose takes it: a PEM string, a JWK object, a Web Crypto `CryptoKey` or a Node `KeyObject`. */
export type KeyInput = string | object;
// What jose's functions take; internal only.
type JoseKey = Parameters<typeof exportJWK>[0];

/** RFC 8693's type for a JWT subject token; confirm the value with Spotnana before relying on it. */
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

export interface SubjectTokenSignerOptions {
  /** The RSA private key: a PKCS#8 PEM string, a private JWK, or a CryptoKey / KeyObject. */
  privateKey: KeyInput;
  /** The key id; the JWKS endpoint must publish the public key under the same `kid`. */
  kid: string;
  /** `iss` claim, e.g. your auth server's URL. */
  issuer?: string;
  /** `aud` claim; default `spotnana`. */
  audience?: string;
  /** Lifetime in seconds; default 300. The token is used once, right away. */
  expiresIn?: number;
}

export interface SubjectTokenClaims {
  /** The user's email: the one of their Spotnana profile. */
  email: string;
  /** `sub` claim: the user's id in your system. */
  subject?: string;
  /** More claims Spotnana asked you for. */
  [claim: string]: unknown;
}

/**
 * Creates a signer of subject tokens: `(claims) => Promise<jwt>`, RS256 with `kid`,
 * `aud` "spotnana", `iat`, `exp`. Use it in `getSubjectToken` with
 * `subjectTokenType` set to the value Spotnana gives you.
 */
export function createSubjectTokenSigner(
  options: SubjectTokenSignerOptions,
): (claims: SubjectTokenClaims) => Promise<string> {
  if (typeof options?.kid !== 'string' || options.kid === '') {
    throw new TypeError(
      `spotnana-embed/server/jwt: createSubjectTokenSigner needs a kid (a non-empty string); got ${got(options?.kid)}`,
    );
  }
  if (!options.privateKey) {
    // A private key is a secret: only its kind.
    throw new TypeError(
      `spotnana-embed/server/jwt: createSubjectTokenSigner needs a privateKey; got ${gotSecret(options.privateKey)}`,
    );
  }
  const lifetime = options.expiresIn ?? 300;
  let key: Promise<JoseKey> | undefined;
  const privateKey = async () => {
    const input = options.privateKey;
    if (typeof input === 'string') return importPKCS8(input, 'RS256');
    if (typeof input === 'object' && 'kty' in input) return (await importJWK(input as JWK, 'RS256')) as JoseKey;
    return input as JoseKey;
  };

  return async function signSubjectToken(claims: SubjectTokenClaims): Promise<string> {
    if (typeof claims?.email !== 'string' || !claims.email.includes('@')) {
      throw new TypeError(
        `spotnana-embed/server/jwt: a subject token needs the user’s email; got ${got(claims?.email)}`,
      );
    }
    key ??= privateKey();
    const { subject, ...rest } = claims;
    const jwt = new SignJWT(rest)
      .setProtectedHeader({ alg: 'RS256', kid: options.kid, typ: 'JWT' })
      .setAudience(options.audience ?? 'spotnana')
      .setIssuedAt()
      .setExpirationTime(`${lifetime}s`);
    if (options.issuer) jwt.setIssuer(options.issuer);
    if (subject) jwt.setSubject(subject);
    return jwt.sign(await key);
  };
}

export interface JwksHandlerOptions {
  /** Public keys with their `kid`: public JWKs, SPKI PEM strings or public CryptoKeys / KeyObjects. */
  keys: ReadonlyArray<{ kid: string; key: KeyInput }>;
  /** Seconds a client may cache the set; default 300. */
  maxAge?: number;
}

/**
 * Creates your public JWKS endpoint: `(request) => Promise<Response>` answering
 * `{"keys":[...]}` (RFC 7517) with only the public parameters of each key, no auth.
 */
export function createJwksHandler(options: JwksHandlerOptions): (request: Request) => Promise<Response> {
  if (!Array.isArray(options?.keys) || options.keys.length === 0) {
    throw new TypeError(
      `spotnana-embed/server/jwt: createJwksHandler needs at least one key; got ${got(options?.keys)}`,
    );
  }
  let body: Promise<string> | undefined;
  const build = async () => {
    const keys = await Promise.all(
      options.keys.map(async ({ kid, key }) => {
        let jwk: JWK;
        if (typeof key === 'string') jwk = await exportJWK(await importSPKI(key, 'RS256', { extractable: true }));
        else if (typeof key === 'object' && 'kty' in key) jwk = { ...(key as JWK) };
        else jwk = await exportJWK(key as JoseKey);
        if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') {
          throw new TypeError(
            `spotnana-embed/server/jwt: the JWKS key ${got(kid)} is not an RSA key; got kty ${got(jwk.kty)}`,
          );
        }
        // Only the public parameters, whatever was passed in.
        return { kty: 'RSA', kid, use: 'sig', alg: 'RS256', n: jwk.n, e: jwk.e };
      }),
    );
    return JSON.stringify({ keys });
  };
  const maxAge = options.maxAge ?? 300;

  return async function jwksHandler(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(JSON.stringify({ error: 'method_not_allowed' }), {
        status: 405,
        headers: { allow: 'GET, HEAD', 'content-type': 'application/json; charset=utf-8' },
      });
    }
    body ??= build().catch((error: unknown) => {
      body = undefined;
      throw error;
    });
    return new Response(await body, {
      status: 200,
      headers: {
        'content-type': 'application/jwk-set+json; charset=utf-8',
        'cache-control': `public, max-age=${maxAge}`,
      },
    });
  };
}
