// The emulator's protocol, over loopback: the token API's checks in the SPEC's order,
// the embed app's page and token check, its logs, and its command line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.ts';
import { closedPortUrl, recordingServer, sendJson } from '../support/servers.ts';
import { startSpotnana, type SpotnanaFixture, type UserDetailCall } from '../support/spotnana.ts';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const CLIENT_ID = 'emu-client';
const CLIENT_SECRET = 'emu-secret-3c4d5e6f7a8b';
const ALICE = 'subject-alice-0123456789';
const DAVE = 'subject-dave-0123456789';
const NO_EMAIL = 'subject-noemail-0123456789';

let spotnana: SpotnanaFixture;
let userDetailCalls: UserDetailCall[];
let emulator: RunningEmulator;
const log: string[] = [];

before(async () => {
  spotnana = await startSpotnana({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    subjects: { [ALICE]: 'Alice@Example.com', [DAVE]: 'dave@example.com' },
    userDetail: (request) =>
      request.headers.get('authorization') === `Bearer ${NO_EMAIL}`
        ? Response.json({ user: { name: 'No Email' } })
        : undefined,
    users: ['alice@example.com', 'bob@example.com'],
    allowedOrigins: ['http://localhost:5173', 'https://app.example/some/path'],
    log: (line) => log.push(line),
  });
  emulator = spotnana.emulator;
  userDetailCalls = spotnana.userDetailCalls;
});
after(() => spotnana.close());
beforeEach(() => {
  userDetailCalls.length = 0;
});

const exchange = (overrides: Record<string, string | undefined> = {}): Record<string, string> => {
  const form: Record<string, string | undefined> = {
    grant_type: TOKEN_EXCHANGE,
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    subject_token: ALICE,
    subject_token_type: ACCESS_TOKEN_TYPE,
    scope: 'openid',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined));
};

async function tokenRequest(form: Record<string, string> | string, url = emulator.url) {
  const response = await fetch(`${url}/v2/auth/oauth2-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: typeof form === 'string' ? form : new URLSearchParams(form),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function expectOAuthError(
  form: Record<string, string> | string,
  status: number,
  error: string,
  mentions?: string,
) {
  const answer = await tokenRequest(form);
  assert.equal(answer.status, status);
  assert.equal(answer.body.error, error);
  assert.equal(typeof answer.body.error_description, 'string');
  assert.ok((answer.body.error_description as string).length > 0);
  assert.deepEqual(Object.keys(answer.body).sort(), ['error', 'error_description']);
  assert.equal(answer.headers.get('cache-control'), 'no-store');
  if (mentions) assert.match(answer.body.error_description as string, new RegExp(mentions));
  const text = JSON.stringify(answer.body);
  assert.ok(!text.includes(CLIENT_SECRET) && !text.includes(ALICE), 'a secret in error_description');
  return answer;
}

describe('POST /v2/auth/oauth2-token checks the request first (RFC 6749 §5.2)', () => {
  it('400 invalid_request without grant_type', async () => {
    await expectOAuthError(exchange({ grant_type: undefined }), 400, 'invalid_request', 'grant_type');
  });

  it('400 unsupported_grant_type for a grant other than token exchange and client_credentials', async () => {
    for (const grant of ['password', 'refresh_token', 'authorization_code']) {
      await expectOAuthError(exchange({ grant_type: grant }), 400, 'unsupported_grant_type');
    }
  });

  for (const name of ['client_id', 'client_secret', 'subject_token', 'subject_token_type', 'scope']) {
    it(`400 invalid_request without ${name}`, async () => {
      await expectOAuthError(exchange({ [name]: undefined }), 400, 'invalid_request', name);
      assert.equal(userDetailCalls.length, 0);
    });
  }

  it('400 invalid_request for a wrong subject_token_type', async () => {
    await expectOAuthError(
      exchange({ subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }),
      400,
      'invalid_request',
      'subject_token_type',
    );
  });

  it('400 invalid_scope for a scope other than openid', async () => {
    await expectOAuthError(exchange({ scope: 'openid profile' }), 400, 'invalid_scope');
    await expectOAuthError(exchange({ scope: 'admin' }), 400, 'invalid_scope');
  });

  it('400 invalid_request for a repeated parameter or a body that is not form-encoded', async () => {
    await expectOAuthError(`${new URLSearchParams(exchange())}&scope=openid`, 400, 'invalid_request', 'repeated');
    const response = await fetch(`${emulator.url}/v2/auth/oauth2-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(exchange()),
    });
    assert.equal(response.status, 400);
    assert.equal((await response.json()).error, 'invalid_request');
  });

  it('checks the request’s shape before the client: a bad scope with a wrong secret is invalid_scope', async () => {
    await expectOAuthError(exchange({ scope: 'email', client_secret: 'nope' }), 400, 'invalid_scope');
    await expectOAuthError(exchange({ scope: undefined, client_id: 'nobody' }), 400, 'invalid_request', 'scope');
  });

  it('405 to anything but POST', async () => {
    const response = await fetch(`${emulator.url}/v2/auth/oauth2-token`);
    assert.equal(response.status, 405);
  });
});

describe('then it authenticates the client (401 invalid_client), and only then calls user detail', () => {
  it('401 invalid_client for a wrong client id or a wrong secret, with no user-detail call', async () => {
    await expectOAuthError(exchange({ client_id: 'someone-else' }), 401, 'invalid_client');
    await expectOAuthError(exchange({ client_secret: `${CLIENT_SECRET}x` }), 401, 'invalid_client');
    assert.equal(userDetailCalls.length, 0);
  });
});

describe('then it asks the host’s user-detail API (RFC 8693 §2.2.2 invalid_request when that fails)', () => {
  it('GETs the user-detail URL with Authorization: Bearer <subject_token> and issues tokens', async () => {
    const answer = await tokenRequest(exchange());
    assert.equal(answer.status, 200);
    assert.deepEqual(userDetailCalls, [{ authorization: `Bearer ${ALICE}`, method: 'GET' }]);
    assert.deepEqual(Object.keys(answer.body).sort(), [
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    assert.equal(answer.body.token_type, 'Bearer');
    assert.equal(answer.body.expires_in, 3600);
    assert.equal(answer.body.scope, 'openid');
    assert.match(answer.body.access_token as string, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(answer.body.access_token, answer.body.refresh_token);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.equal(answer.headers.get('pragma'), 'no-cache');
    const again = await tokenRequest(exchange());
    assert.notEqual(again.body.access_token, answer.body.access_token, 'tokens must be fresh');
  });

  it('400 invalid_request when the user-detail API answers 401', async () => {
    await expectOAuthError(
      exchange({ subject_token: 'a-token-the-host-does-not-know' }),
      400,
      'invalid_request',
      '401',
    );
    assert.equal(userDetailCalls.length, 1);
  });

  it('400 invalid_request for an email it does not know (compared without case)', async () => {
    await expectOAuthError(exchange({ subject_token: DAVE }), 400, 'invalid_request', 'dave@example.com');
  });

  it('400 invalid_request when the user-detail API answers no email', async () => {
    await expectOAuthError(exchange({ subject_token: NO_EMAIL }), 400, 'invalid_request', 'email');
  });

  it('400 invalid_request when the user-detail API cannot be reached', async () => {
    const lost = await startEmulator({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      userDetailUrl: `${await closedPortUrl()}/x`,
    });
    try {
      const answer = await tokenRequest(exchange(), lost.url);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error, 'invalid_request');
    } finally {
      await lost.close();
    }
  });

  it('without a user-detail URL every exchange fails with invalid_request, and the log says why', async () => {
    const lines: string[] = [];
    const bare = await startEmulator({ log: (line) => lines.push(line) });
    try {
      const answer = await tokenRequest(exchange({ client_id: 'demo-client', client_secret: 'demo-secret' }), bare.url);
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error, 'invalid_request');
      assert.ok(
        lines.some((line) => /user-detail URL/.test(line) && /--user-detail-url/.test(line)),
        lines.join('\n'),
      );
    } finally {
      await bare.close();
    }
  });

  it('with no users listed, every email is known', async () => {
    const open = await startEmulator({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      userDetailUrl: spotnana.userDetailUrl,
    });
    try {
      assert.equal((await tokenRequest(exchange({ subject_token: DAVE }), open.url)).status, 200);
    } finally {
      await open.close();
    }
  });
});

describe('client_credentials', () => {
  it('answers access_token, token_type and expires_in, without a refresh token or a user-detail call', async () => {
    const answer = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.body).sort(), ['access_token', 'expires_in', 'token_type']);
    assert.equal(answer.body.token_type, 'Bearer');
    assert.equal(answer.body.expires_in, 3600);
    assert.equal(userDetailCalls.length, 0);
  });

  it('401 invalid_client with a wrong secret; 400 invalid_request without one', async () => {
    await expectOAuthError(
      { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'wrong' },
      401,
      'invalid_client',
    );
    await expectOAuthError(
      { grant_type: 'client_credentials', client_id: CLIENT_ID },
      400,
      'invalid_request',
      'client_secret',
    );
  });
});

describe('GET /v2/auth/session: the embed app’s token check', () => {
  const check = (token?: string) =>
    fetch(`${emulator.url}/v2/auth/session`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('accepts an unexpired access token issued by token exchange, and names its user', async () => {
    const { body } = await tokenRequest(exchange());
    const response = await check(body.access_token as string);
    assert.equal(response.status, 200);
    const session = await response.json();
    assert.deepEqual(session.user, { email: 'Alice@Example.com' });
    assert.ok(session.expiresIn > 3500 && session.expiresIn <= 3600);
  });

  it('rejects a refresh token, a client_credentials token, an unknown token and no token', async () => {
    const { body } = await tokenRequest(exchange());
    const cc = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    for (const token of [body.refresh_token as string, cc.body.access_token as string, 'made-up-token', undefined]) {
      const response = await check(token);
      assert.equal(response.status, 401);
      assert.deepEqual(await response.json(), { error: 'invalid_token' });
    }
  });
});

describe('the embed app', () => {
  it('is served at any path with idp=token-exchange-auth, with no inline script or style', async () => {
    const response = await fetch(`${emulator.url}/some/deep/path?idp=token-exchange-auth&orgId=acme`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    const html = await response.text();
    assert.equal([...html.matchAll(/<script\b(?![^>]*\bsrc=)/g)].length, 0, 'an inline script');
    assert.ok(!/<style\b|\sstyle=|\son[a-z]+=/i.test(html), 'an inline style or handler');
    assert.match(html, /<script type="module" src="\/__emulator\/app\.js"><\/script>/);
    // The allow-list travels in a meta tag, as origins.
    const meta = /<meta name="spotnana-emulator" content="([^"]*)">/.exec(html)?.[1] ?? '';
    const config = JSON.parse(meta.replaceAll('&quot;', '"').replaceAll('&amp;', '&'));
    assert.deepEqual(config.allowedOrigins, ['http://localhost:5173', 'https://app.example']);
    assert.ok(log.some((line) => line.startsWith('6  GET /some/deep/path') && line.includes('acme')));
  });

  it('posts to each allowed origin as targetOrigin, never "*", and checks the sender', async () => {
    const script = await fetch(`${emulator.url}/__emulator/app.js`);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    const source = await script.text();
    assert.ok(!/postMessage\([^)]*['"]\*['"]/.test(source), 'a postMessage to "*"');
    assert.match(
      source,
      /for \(const origin of allowedOrigins\) \{\s*window\.parent\.postMessage\(\{ type: 'TOKEN_EXCHANGE_REQUEST', from: 'spotnana-embed' \}, origin\)/,
    );
    assert.match(source, /event\.source !== window\.parent \|\| !allowedOrigins\.includes\(event\.origin\)/);
    assert.match(source, /errorCode: 'INVALID_TOKEN'/);
    assert.equal((await fetch(`${emulator.url}/__emulator/app.css`)).status, 200);
  });

  it('allows http://localhost:3000 when no origin is given, as Spotnana does', async () => {
    const plain = await startEmulator();
    try {
      const html = await (await fetch(`${plain.url}/?idp=token-exchange-auth`)).text();
      assert.match(html, /&quot;allowedOrigins&quot;:\[&quot;http:\/\/localhost:3000&quot;\]/);
    } finally {
      await plain.close();
    }
  });

  it('knows demo-org unless told otherwise; a page for another org carries the refusal, and the log names it', async () => {
    const lines: string[] = [];
    const plain = await startEmulator({ log: (line) => lines.push(line) });
    try {
      const known = pageConfigOf(await (await fetch(`${plain.url}/?idp=token-exchange-auth&orgId=demo-org`)).text());
      assert.equal(known.unknownOrg, undefined);
      const none = pageConfigOf(await (await fetch(`${plain.url}/?idp=token-exchange-auth`)).text());
      assert.equal(none.unknownOrg, undefined, 'a page without orgId is not refused');
      const other = pageConfigOf(await (await fetch(`${plain.url}/?idp=token-exchange-auth&orgId=acme`)).text());
      assert.deepEqual(other.unknownOrg, { orgId: 'acme', knownOrgs: ['demo-org'] });
      assert.ok(lines.includes('   known orgs: demo-org'), lines.join('\n'));
      assert.ok(lines.some((line) => /^6 {2}GET .*unknown org "acme": refused with UNKNOWN_ORG/.test(line)));
    } finally {
      await plain.close();
    }
    const script = await (await fetch(`${emulator.url}/__emulator/app.js`)).text();
    assert.match(script, /errorCode: 'UNKNOWN_ORG'/);
  });

  it('shows a status page without idp, naming no secret', async () => {
    const response = await fetch(`${emulator.url}/`);
    const html = await response.text();
    assert.match(html, /Spotnana emulator/);
    assert.match(html, /emu-client/);
    assert.ok(!html.includes(CLIENT_SECRET));
  });
});

/** The configuration an embed app page carries in its <meta> tag. */
function pageConfigOf(html: string): Record<string, unknown> {
  const meta = /<meta name="spotnana-emulator" content="([^"]*)">/.exec(html)?.[1] ?? '';
  return JSON.parse(meta.replaceAll('&quot;', '"').replaceAll('&amp;', '&'));
}

describe('the log', () => {
  it('has a line per step and never a secret, a subject token or an issued token', async () => {
    const issued = await tokenRequest(exchange());
    await fetch(`${emulator.url}/v2/auth/session`, {
      headers: { authorization: `Bearer ${issued.body.access_token}` },
    });
    await fetch(`${emulator.url}/v2/auth/session`, { headers: { authorization: 'Bearer forged-token-123' } });
    const text = log.join('\n');
    for (const step of [
      '2  POST /v2/auth/oauth2-token',
      '3  GET ',
      '4  issued',
      '7  embed app: access token accepted',
      '7  embed app: access token rejected',
    ]) {
      assert.ok(text.includes(step), `no "${step}" line`);
    }
    for (const secret of [
      CLIENT_SECRET,
      ALICE,
      DAVE,
      NO_EMAIL,
      issued.body.access_token as string,
      issued.body.refresh_token as string,
      'forged-token-123',
    ]) {
      assert.ok(!text.includes(secret), `the log holds ${secret.slice(0, 12)}…`);
    }
  });

  it('prints nothing without a log function', async () => {
    const entry = new URL('../../src/emulator/index.ts', import.meta.url).href;
    const script = `
      const { startEmulator } = await import(${JSON.stringify(entry)});
      const emulator = await startEmulator({ userDetailUrl: 'http://127.0.0.1:9/none' });
      await fetch(emulator.url + '/v2/auth/oauth2-token', { method: 'POST', body: new URLSearchParams({ grant_type: 'x' }) });
      await fetch(emulator.url + '/?idp=token-exchange-auth');
      await emulator.close();
      await emulator.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, output);
    assert.equal(output, '');
  });
});

describe('the command line', () => {
  const cli = fileURLToPath(new URL('../../src/emulator/cli.ts', import.meta.url));

  it('is an executable script with a #!/usr/bin/env node line', () => {
    assert.match(readFileSync(cli, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // Node's server drops a connection that sends no request after 60 s (headersTimeout); a test
    // timeout below that fails an emulator that waits for its connections to end by themselves.
    it(`prints the listening line first, serves, and exits 0 on ${signal}`, { timeout: 45_000 }, async () => {
      const userDetailServer = await recordingServer((_req, res) =>
        sendJson(res, 200, { user: { email: 'erin@example.com' } }),
      );
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          cli,
          '--port',
          '0',
          '--client-id',
          'cli-client',
          '--client-secret',
          'cli-secret-zz99',
          '--allowed-origin',
          'http://localhost:5555',
          '--user',
          'erin@example.com',
          '--org',
          'cli-org',
          '--user-detail-url',
          `${userDetailServer.url}/me`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      try {
        const lines = createInterface({ input: child.stdout! });
        const output: string[] = [];
        const first = await new Promise<string>((resolve, reject) => {
          lines.on('line', (line) => {
            output.push(line);
            if (output.length === 1) resolve(line);
          });
          child.once('exit', (code) => reject(new Error(`exited ${code} before listening`)));
        });
        const match = /^Spotnana emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
        assert.ok(match, first);
        assert.notEqual(match[2], '0');
        const form = {
          ...exchange(),
          client_id: 'cli-client',
          client_secret: 'cli-secret-zz99',
          subject_token: 'erin-subject-123',
        };
        const answer = await tokenRequest(form, match[1]);
        assert.equal(answer.status, 200);
        assert.equal(userDetailServer.requests[0]!.headers.authorization, 'Bearer erin-subject-123');
        const html = await (await fetch(`${match[1]}/?idp=token-exchange-auth`)).text();
        assert.match(html, /http:\/\/localhost:5555/);
        const org = (id: string) => fetch(`${match[1]}/?idp=token-exchange-auth&orgId=${id}`).then((r) => r.text());
        assert.equal(pageConfigOf(await org('cli-org')).unknownOrg, undefined);
        assert.deepEqual(pageConfigOf(await org('demo-org')).unknownOrg, { orgId: 'demo-org', knownOrgs: ['cli-org'] });

        // A request still arriving (its headers half sent): a server that only stops listening
        // waits for it, and keeps the process open.
        const { port } = new URL(match[1]);
        const arriving = connect(Number(port), '127.0.0.1');
        await once(arriving, 'connect');
        arriving.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
        // Closed by the server, it may be reset (ECONNRESET): expected, as long as it closes.
        // (`once` would reject on that error; its 'close' follows.)
        arriving.on('error', () => {});
        const arrivingClosed = new Promise((resolve) => arriving.once('close', resolve));
        child.kill(signal);
        const [code] = await once(child, 'exit');
        assert.equal(code, 0);
        await arrivingClosed;
        const text = output.join('\n');
        assert.ok(!text.includes('cli-secret-zz99') && !text.includes('erin-subject-123'));
        assert.ok(!text.includes(answer.body.access_token as string));
      } finally {
        child.kill('SIGKILL');
        await userDetailServer.close();
      }
    });
  }

  it('exits 2 on an unknown option', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--colour', 'blue'], { stdio: 'ignore' });
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
  });
});
