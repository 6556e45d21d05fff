// Every option error of spotnana-embed/server, word for word: each names the option and
// quotes what it got (a string as JSON, cut at 80 characters; a function or an object by
// its kind), except a secret (the client secret, the subject token, a private key), of
// which it gives only the kind and length.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import {
  createTokenHandler,
  createUserDetailHandler,
  exchangeToken,
  type ExchangeTokenOptions,
  type TokenHandlerOptions,
} from '../../src/server/index.ts';
import { createJwksHandler, createSubjectTokenSigner } from '../../src/server/jwt.ts';

const SECRET = 'opt-client-secret-5a6b7c8d9e';
const SUBJECT = 'opt-subject-token-1f2e3d4c5b';
const P = 'spotnana-embed/server:';
const J = 'spotnana-embed/server/jwt:';

const handlerOptions: TokenHandlerOptions = {
  apiUrl: 'http://127.0.0.1:9',
  clientId: 'client-1',
  clientSecret: SECRET,
  getSubjectToken: () => SUBJECT,
};
const exchangeOptions: ExchangeTokenOptions = {
  apiUrl: 'http://127.0.0.1:9',
  clientId: 'client-1',
  clientSecret: SECRET,
  subjectToken: SUBJECT,
};

const handler = (overrides: Record<string, unknown>) => () =>
  createTokenHandler({ ...handlerOptions, ...overrides } as TokenHandlerOptions);
const exchange = (overrides: Record<string, unknown>) => () =>
  exchangeToken({ ...exchangeOptions, ...overrides } as ExchangeTokenOptions);

/** The error a call throws or rejects with. */
async function failureOf(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  assert.fail('it did not fail');
}

type Case = [what: string, call: () => unknown, message: string];

const LONG = `https://${'a'.repeat(100)}.example/path`;

const byOption: Record<string, Case[]> = {
  options: [
    [
      'createTokenHandler without options',
      () => createTokenHandler(undefined as unknown as TokenHandlerOptions),
      `${P} createTokenHandler needs an options object; got undefined`,
    ],
    [
      'createTokenHandler with a string',
      () => createTokenHandler('sandbox' as unknown as TokenHandlerOptions),
      `${P} createTokenHandler needs an options object; got "sandbox"`,
    ],
  ],
  getSubjectToken: [
    [
      'missing',
      handler({ getSubjectToken: undefined }),
      `${P} createTokenHandler needs a getSubjectToken(request) function; got undefined`,
    ],
    [
      'a string',
      handler({ getSubjectToken: 'session' }),
      `${P} createTokenHandler needs a getSubjectToken(request) function; got "session"`,
    ],
    [
      'an object',
      handler({ getSubjectToken: { token: 'x' } }),
      `${P} createTokenHandler needs a getSubjectToken(request) function; got an object`,
    ],
  ],
  clientId: [
    ['empty', handler({ clientId: '' }), `${P} clientId must be a non-empty string; got ""`],
    ['a number', handler({ clientId: 42 }), `${P} clientId must be a non-empty string; got 42`],
    [
      'exchangeToken: missing',
      exchange({ clientId: undefined }),
      `${P} clientId must be a non-empty string; got undefined`,
    ],
  ],
  clientSecret: [
    ['empty', handler({ clientSecret: '' }), `${P} clientSecret must be a non-empty string; got ""`],
    [
      'a number (shown as its kind only)',
      handler({ clientSecret: 123456789 }),
      `${P} clientSecret must be a non-empty string; got a number`,
    ],
    [
      'exchangeToken: missing',
      exchange({ clientSecret: undefined }),
      `${P} clientSecret must be a non-empty string; got undefined`,
    ],
    [
      'exchangeToken: an array',
      exchange({ clientSecret: [SECRET] }),
      `${P} clientSecret must be a non-empty string; got an array of 1 item`,
    ],
  ],
  subjectToken: [
    ['exchangeToken: empty', exchange({ subjectToken: '' }), `${P} subjectToken must be a non-empty string; got ""`],
    [
      'exchangeToken: a number (shown as its kind only)',
      exchange({ subjectToken: 987654321 }),
      `${P} subjectToken must be a non-empty string; got a number`,
    ],
  ],
  subjectTokenType: [
    ['empty', handler({ subjectTokenType: '' }), `${P} subjectTokenType must be a non-empty string; got ""`],
    [
      'exchangeToken: a boolean',
      exchange({ subjectTokenType: true }),
      `${P} subjectTokenType must be a non-empty string; got true`,
    ],
  ],
  onError: [
    ['a string', handler({ onError: 'console' }), `${P} onError must be a function; got "console"`],
    [
      'createUserDetailHandler: an object',
      () => createUserDetailHandler({ getEmail: () => 'a@example.com', onError: console } as never),
      `${P} onError must be a function; got an object`,
    ],
  ],
  onExchange: [['a string', handler({ onExchange: 'metrics' }), `${P} onExchange must be a function; got "metrics"`]],
  fetch: [
    ['an object', handler({ fetch: { get: () => {} } }), `${P} fetch must be a function; got an object`],
    ['exchangeToken: a string', exchange({ fetch: 'undici' }), `${P} fetch must be a function; got "undici"`],
  ],
  env: [
    ['misspelt', handler({ env: 'prod' }), `${P} env must be "sandbox" or "production"; got "prod"`],
    [
      'misspelt beside an apiUrl',
      handler({ env: 'Sandbox', apiUrl: 'https://proxy.example' }),
      `${P} env must be "sandbox" or "production"; got "Sandbox"`,
    ],
    [
      'exchangeToken: a number',
      exchange({ env: 1, apiUrl: undefined }),
      `${P} env must be "sandbox" or "production"; got 1`,
    ],
  ],
  apiUrl: [
    ['not a URL', handler({ apiUrl: 'api.spotnana.com' }), `${P} apiUrl is not a valid URL; got "api.spotnana.com"`],
    [
      'not a URL, and long',
      handler({ apiUrl: `[${LONG}]` }),
      `${P} apiUrl is not a valid URL; got "${`[${LONG}]`.slice(0, 79)}…"`,
    ],
    [
      'not a URL, holding the secret',
      handler({ apiUrl: `not a url ${SECRET}` }),
      `${P} apiUrl is not a valid URL; got "not a url [redacted]"`,
    ],
    [
      'http: on another host',
      handler({ apiUrl: 'http://api.example.com' }),
      `${P} apiUrl must be an https: URL (http: only on localhost, 127.0.0.0/8 or [::1]); got "http://api.example.com/"`,
    ],
    [
      'ftp: with credentials and a query',
      handler({ apiUrl: `ftp://me:${SECRET}@files.example/api?key=k1` }),
      `${P} apiUrl must be an https: URL (http: only on localhost, 127.0.0.0/8 or [::1]); got "ftp://****@files.example/api?…"`,
    ],
    [
      'with the token path',
      handler({ apiUrl: 'https://proxy.example.com/spotnana/v2/auth/oauth2-token/' }),
      `${P} apiUrl must be the API base, without /v2/auth/oauth2-token (here https://proxy.example.com/spotnana); got "https://proxy.example.com/spotnana/v2/auth/oauth2-token/"`,
    ],
    [
      'exchangeToken: http: on another host',
      exchange({ apiUrl: new URL('http://10.0.0.1:8080/x') }),
      `${P} apiUrl must be an https: URL (http: only on localhost, 127.0.0.0/8 or [::1]); got "http://10.0.0.1:8080/x"`,
    ],
  ],
  timeout: [
    ['0', handler({ timeout: 0 }), `${P} timeout must be a positive number of milliseconds, at most 2147483647; got 0`],
    [
      'negative',
      handler({ timeout: -5 }),
      `${P} timeout must be a positive number of milliseconds, at most 2147483647; got -5`,
    ],
    [
      'NaN',
      handler({ timeout: Number.NaN }),
      `${P} timeout must be a positive number of milliseconds, at most 2147483647; got NaN`,
    ],
    [
      'Infinity',
      handler({ timeout: Infinity }),
      `${P} timeout must be a positive number of milliseconds, at most 2147483647; got Infinity`,
    ],
    [
      'a string',
      handler({ timeout: '5000' }),
      `${P} timeout must be a positive number of milliseconds, at most 2147483647; got "5000"`,
    ],
    [
      'exchangeToken: too long',
      exchange({ timeout: 2 ** 31 }),
      `${P} timeout must be a positive number of milliseconds, at most 2147483647; got 2147483648`,
    ],
  ],
  allowedOrigins: [
    [
      'a string',
      handler({ allowedOrigins: 'https://app.example.com' }),
      `${P} allowedOrigins must be an array of origins; got "https://app.example.com"`,
    ],
    [
      'an entry with a path',
      handler({ allowedOrigins: ['https://app.example.com', 'https://a.example/path'] }),
      `${P} allowedOrigins[1] is not an origin such as https://app.example.com; got "https://a.example/path"`,
    ],
    [
      'an entry without a scheme',
      handler({ allowedOrigins: ['app.example.com'] }),
      `${P} allowedOrigins[0] is not an origin such as https://app.example.com; got "app.example.com"`,
    ],
    [
      'an entry that is not a string',
      handler({ allowedOrigins: [42] }),
      `${P} allowedOrigins[0] is not an origin such as https://app.example.com; got 42`,
    ],
    [
      'an entry with credentials',
      handler({ allowedOrigins: ['https://me:pw@app.example.com'] }),
      `${P} allowedOrigins[0] is not an origin such as https://app.example.com; got "https://****@app.example.com/"`,
    ],
    [
      'an entry with a line break',
      handler({ allowedOrigins: ['https://a.example\n\u2028'] }),
      `${P} allowedOrigins[0] is not an origin such as https://app.example.com; got "https://a.example\\n\\u2028"`,
    ],
  ],
  getEmail: [
    [
      'createUserDetailHandler: missing',
      () => createUserDetailHandler({} as never),
      `${P} createUserDetailHandler needs a getEmail(token, request) function; got undefined`,
    ],
    [
      'createUserDetailHandler: a map',
      () => createUserDetailHandler({ getEmail: new Map() } as never),
      `${P} createUserDetailHandler needs a getEmail(token, request) function; got a Map`,
    ],
  ],
  'jwt kid': [
    [
      'empty',
      () => createSubjectTokenSigner({ privateKey: 'k', kid: '' }),
      `${J} createSubjectTokenSigner needs a kid (a non-empty string); got ""`,
    ],
    [
      'a number',
      () => createSubjectTokenSigner({ privateKey: 'k', kid: 7 as unknown as string }),
      `${J} createSubjectTokenSigner needs a kid (a non-empty string); got 7`,
    ],
  ],
  'jwt privateKey': [
    [
      'missing',
      () => createSubjectTokenSigner({ kid: 'k1' } as never),
      `${J} createSubjectTokenSigner needs a privateKey; got undefined`,
    ],
    [
      'empty',
      () => createSubjectTokenSigner({ kid: 'k1', privateKey: '' }),
      `${J} createSubjectTokenSigner needs a privateKey; got ""`,
    ],
  ],
  'jwt email': [
    [
      'not an email',
      () => createSubjectTokenSigner({ kid: 'k1', privateKey: 'k' })({ email: 'alice' }),
      `${J} a subject token needs the user’s email; got "alice"`,
    ],
  ],
  'jwks keys': [
    [
      'none',
      () => createJwksHandler({ keys: [] }),
      `${J} createJwksHandler needs at least one key; got an empty array`,
    ],
    ['missing', () => createJwksHandler({} as never), `${J} createJwksHandler needs at least one key; got undefined`],
    [
      'not RSA',
      async () => {
        const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        await createJwksHandler({ keys: [{ kid: 'ec-1', key: publicKey.export({ format: 'jwk' }) }] })(
          new Request('https://app.example/.well-known/jwks.json'),
        );
      },
      `${J} the JWKS key "ec-1" is not an RSA key; got kty "EC"`,
    ],
  ],
};

describe('every option error quotes what it got', () => {
  for (const [option, cases] of Object.entries(byOption)) {
    it(option, async () => {
      for (const [what, call, message] of cases) {
        const error = await failureOf(call);
        assert.ok(error instanceof TypeError, `${option}, ${what}: a TypeError, got ${inspect(error)}`);
        assert.equal(error.message, message, `${option}, ${what}`);
        const printed = `${inspect(error)} ${error.stack}`;
        assert.ok(!printed.includes(SECRET), `${option}, ${what}: holds the client secret`);
        assert.ok(!printed.includes(SUBJECT), `${option}, ${what}: holds the subject token`);
      }
    });
  }
});
