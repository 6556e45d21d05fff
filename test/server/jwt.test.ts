// The optional JWT subject-token flow: a signer and a JWKS endpoint on jose, checked the
// way Spotnana would check them: the JWKS fetched over HTTP, the signature and claims verified.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  jwtVerify,
} from 'jose';
import { exchangeToken } from '../../src/server/index.ts';
import { JWT_TOKEN_TYPE, createJwksHandler, createSubjectTokenSigner } from '../../src/server/jwt.ts';
import { TOKEN_RESPONSE, recordingServer, sendJson, serveFetch, type Running } from '../support/servers.ts';

let keys: Awaited<ReturnType<typeof generateKeyPair>>;
let other: Awaited<ReturnType<typeof generateKeyPair>>;
let jwks: Running;

before(async () => {
  keys = await generateKeyPair('RS256', { extractable: true });
  other = await generateKeyPair('RS256', { extractable: true });
  jwks = await serveFetch(
    createJwksHandler({
      keys: [
        { kid: 'key-1', key: await exportJWK(keys.privateKey) }, // even a private JWK: only public parts go out
        { kid: 'key-2', key: await exportSPKI(other.publicKey) },
      ],
    }),
  );
});
after(() => jwks.close());

describe('JWT subject tokens (optional)', () => {
  it('publishes only the public parameters of each key, with its kid', async () => {
    const response = await fetch(`${jwks.url}/.well-known/jwks.json`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('cache-control') ?? '', /max-age=300/);
    const set = await response.json();
    assert.deepEqual(
      set.keys.map((key: { kid: string }) => key.kid),
      ['key-1', 'key-2'],
    );
    for (const key of set.keys) {
      assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
      assert.equal(key.alg, 'RS256');
    }
  });

  it('signs an RS256 JWT with kid, email and aud "spotnana" that verifies against the JWKS endpoint', async () => {
    const sign = createSubjectTokenSigner({
      privateKey: await exportPKCS8(keys.privateKey),
      kid: 'key-1',
      issuer: 'https://auth.acme.example',
    });
    const jwt = await sign({ email: 'alice@example.com', subject: 'user-42' });
    assert.deepEqual(decodeProtectedHeader(jwt), { alg: 'RS256', kid: 'key-1', typ: 'JWT' });
    const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${jwks.url}/jwks`)), {
      audience: 'spotnana',
      issuer: 'https://auth.acme.example',
      algorithms: ['RS256'],
    });
    assert.equal(payload.email, 'alice@example.com');
    assert.equal(payload.sub, 'user-42');
    assert.ok(payload.exp! - payload.iat! === 300);
  });

  it('is not verified by a key under another kid', async () => {
    const forged = await createSubjectTokenSigner({ privateKey: other.privateKey, kid: 'key-1' })({
      email: 'alice@example.com',
    });
    await assert.rejects(jwtVerify(forged, createRemoteJWKSet(new URL(`${jwks.url}/jwks`)), { audience: 'spotnana' }));
  });

  it('refuses claims without an email, and a signer without a kid', async () => {
    const sign = createSubjectTokenSigner({ privateKey: keys.privateKey, kid: 'key-1' });
    await assert.rejects(sign({ email: '' }), TypeError);
    assert.throws(() => createSubjectTokenSigner({ privateKey: keys.privateKey, kid: '' }), TypeError);
  });

  it('goes to Spotnana as subject_token with the configured subjectTokenType', async () => {
    const spotnana = await recordingServer((_req, res) => sendJson(res, 200, TOKEN_RESPONSE));
    try {
      const jwt = await createSubjectTokenSigner({ privateKey: keys.privateKey, kid: 'key-1' })({
        email: 'alice@example.com',
      });
      await exchangeToken({
        apiUrl: spotnana.url,
        clientId: 'c',
        clientSecret: 's',
        subjectToken: jwt,
        subjectTokenType: JWT_TOKEN_TYPE,
      });
      const form = new URLSearchParams(spotnana.requests[0]!.body);
      assert.equal(form.get('subject_token'), jwt);
      assert.equal(form.get('subject_token_type'), 'urn:ietf:params:oauth:token-type:jwt');
    } finally {
      await spotnana.close();
    }
  });
});
