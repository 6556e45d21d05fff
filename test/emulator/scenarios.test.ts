// The emulator's scenarios, their server-side part over loopback: a rejected exchange (once),
// rejected tokens at the embed app's token check, and the embed app's settings (silent frame,
// slow boot, a second request) as its page carries them. What the embed app does with them in
// a browser is exercised by examples/playwright (npm run test:examples).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../src/emulator/index.ts';
import { startSpotnana, type SpotnanaFixture } from '../support/spotnana.ts';

const ALICE = 'subject-alice-5566778899';

let spotnana: SpotnanaFixture;
const log: string[] = [];

before(async () => {
  spotnana = await startSpotnana({
    subjects: { [ALICE]: 'alice@example.com' },
    log: (line) => log.push(line),
  });
});
after(() => spotnana.close());
beforeEach(() => {
  spotnana.emulator.reset();
  spotnana.userDetailCalls.length = 0;
  log.length = 0;
});

async function tokenRequest(form: Record<string, string>) {
  const response = await fetch(`${spotnana.emulator.url}/v2/auth/oauth2-token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const exchange = () => tokenRequest(spotnana.exchangeForm(ALICE));

async function sessionCheck(accessToken: string) {
  const response = await fetch(`${spotnana.emulator.url}/v2/auth/session`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The configuration the embed app's page carries in its <meta> tag. */
async function pageConfig(url = spotnana.emulator.url) {
  const html = await (await fetch(`${url}/trips?idp=token-exchange-auth&orgId=demo-org`)).text();
  const meta = /<meta name="spotnana-emulator" content="([^"]*)">/.exec(html)?.[1];
  assert.ok(meta, 'the page has its configuration');
  return JSON.parse(meta.replaceAll('&quot;', '"').replaceAll('&amp;', '&')) as {
    allowedOrigins: string[];
    scenario: { silentFrame: boolean; bootDelay: number; askAgainAfter: number };
  };
}

describe('by default no scenario is on', () => {
  it('exchanges succeed, tokens pass the check, and the page asks at once, once', async () => {
    const answer = await exchange();
    assert.equal(answer.status, 200);
    assert.equal((await sessionCheck(answer.body.access_token as string)).status, 200);
    assert.deepEqual((await pageConfig()).scenario, { silentFrame: false, bootDelay: 0, askAgainAfter: 0 });
  });
});

describe('rejectNextExchange: the next token exchange gets an OAuth error, once', () => {
  it('true: 400 invalid_grant with a description, no user-detail call; the exchange after it succeeds', async () => {
    spotnana.emulator.scenario({ rejectNextExchange: true });
    const rejected = await exchange();
    assert.equal(rejected.status, 400);
    assert.equal(rejected.body.error, 'invalid_grant');
    assert.match(String(rejected.body.error_description), /rejectNextExchange/);
    assert.equal(spotnana.userDetailCalls.length, 0, 'the user-detail API is not called');
    assert.ok(log.some((line) => /rejected: 400 invalid_grant \(scenario rejectNextExchange\)/.test(line)));

    const next = await exchange();
    assert.equal(next.status, 200, 'only once');
    assert.equal(typeof next.body.access_token, 'string');
  });

  it('takes the status, error and description given', async () => {
    spotnana.emulator.scenario({
      rejectNextExchange: { status: 503, error: 'temporarily_unavailable', description: 'Down for a test.' },
    });
    const rejected = await exchange();
    assert.equal(rejected.status, 503);
    assert.deepEqual(rejected.body, { error: 'temporarily_unavailable', error_description: 'Down for a test.' });
  });

  it('is not used up by a malformed request, a wrong client or client_credentials', async () => {
    spotnana.emulator.scenario({ rejectNextExchange: true });
    const malformed = await tokenRequest({ ...spotnana.exchangeForm(ALICE), scope: 'email' });
    assert.equal(malformed.body.error, 'invalid_scope');
    const wrongClient = await tokenRequest({ ...spotnana.exchangeForm(ALICE), client_secret: 'wrong' });
    assert.equal(wrongClient.body.error, 'invalid_client');
    const credentials = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: spotnana.clientId,
      client_secret: spotnana.clientSecret,
    });
    assert.equal(credentials.status, 200);
    assert.equal((await exchange()).body.error, 'invalid_grant');
  });

  it('reset() drops a rejection that is still pending', async () => {
    spotnana.emulator.scenario({ rejectNextExchange: true });
    spotnana.emulator.reset();
    assert.equal((await exchange()).status, 200);
  });
});

describe('rejectTokens: the embed app’s token check fails, so that it answers INVALID_TOKEN', () => {
  it('a token it issued gets 401 invalid_token with a description while it is on, and 200 after reset()', async () => {
    const { access_token: accessToken } = (await exchange()).body as { access_token: string };
    spotnana.emulator.scenario({ rejectTokens: true });
    const rejected = await sessionCheck(accessToken);
    assert.equal(rejected.status, 401);
    assert.equal(rejected.body.error, 'invalid_token');
    assert.match(String(rejected.body.error_description), /rejectTokens/);
    assert.ok(log.some((line) => line.includes('access token rejected (scenario rejectTokens)')));
    assert.ok(!log.join('\n').includes(accessToken), 'the token is not logged');

    spotnana.emulator.reset();
    assert.equal((await sessionCheck(accessToken)).status, 200);
  });

  it('does not stop the token API from issuing tokens', async () => {
    spotnana.emulator.scenario({ rejectTokens: true });
    assert.equal((await exchange()).status, 200);
  });
});

describe('the embed app’s part travels with its page, as it stood when the page was served', () => {
  it('silentFrame, bootDelay and askAgainAfter reach the page; a later change reaches the next page', async () => {
    spotnana.emulator.scenario({ silentFrame: true });
    assert.deepEqual((await pageConfig()).scenario, { silentFrame: true, bootDelay: 0, askAgainAfter: 0 });
    assert.ok(log.some((line) => line.startsWith('6  GET /trips') && line.includes('scenario: silentFrame')));

    spotnana.emulator.scenario({ bootDelay: 2500 });
    assert.deepEqual((await pageConfig()).scenario, { silentFrame: false, bootDelay: 2500, askAgainAfter: 0 });

    spotnana.emulator.scenario({ askAgainAfter: 3000 });
    assert.deepEqual((await pageConfig()).scenario, { silentFrame: false, bootDelay: 0, askAgainAfter: 3000 });

    spotnana.emulator.reset();
    assert.deepEqual((await pageConfig()).scenario, { silentFrame: false, bootDelay: 0, askAgainAfter: 0 });
  });

  it('scenario() replaces the whole scenario: the parts left out are off', async () => {
    spotnana.emulator.scenario({ rejectTokens: true, bootDelay: 100 });
    spotnana.emulator.scenario({ silentFrame: true });
    assert.deepEqual((await pageConfig()).scenario, { silentFrame: true, bootDelay: 0, askAgainAfter: 0 });
    const { access_token: accessToken } = (await exchange()).body as { access_token: string };
    assert.equal((await sessionCheck(accessToken)).status, 200, 'rejectTokens is off again');
  });

  it('the embed app’s script follows them: it asks after bootDelay, once more after askAgainAfter, never when silent', async () => {
    const source = await (await fetch(`${spotnana.emulator.url}/__emulator/app.js`)).text();
    assert.match(source, /if \(scenario\.silentFrame\) \{[^}]*return;\s*\}/);
    assert.match(source, /if \(scenario\.bootDelay > 0\) setTimeout\(ask, scenario\.bootDelay\);\s*else ask\(\);/);
    assert.match(
      source,
      /if \(tokenSets === 1 && scenario\.askAgainAfter > 0\) setTimeout\(ask, scenario\.askAgainAfter\);/,
    );
  });

  it('the status page names the parts that are on', async () => {
    spotnana.emulator.scenario({ rejectTokens: true, askAgainAfter: 1000 });
    const html = await (await fetch(`${spotnana.emulator.url}/`)).text();
    assert.match(html, /<code>rejectTokens<\/code> <code>askAgainAfter 1000 ms<\/code>/);
  });
});

describe('a scenario is checked when it is set', () => {
  it('a bad setting throws a TypeError naming it, and the scenario in force stays', async () => {
    spotnana.emulator.scenario({ bootDelay: 1000 });
    const bad: [unknown, RegExp][] = [
      [{ bootDelay: -1 }, /scenario\.bootDelay/],
      [{ askAgainAfter: 1.5 }, /scenario\.askAgainAfter/],
      [{ bootDelay: 600_001 }, /scenario\.bootDelay/],
      [{ silentFrame: 'yes' }, /scenario\.silentFrame/],
      [{ rejectTokens: 1 }, /scenario\.rejectTokens/],
      [{ rejectNextExchange: { status: 200 } }, /scenario\.rejectNextExchange\.status/],
      [{ rejectNextExchange: { error: 'bad "quote"' } }, /scenario\.rejectNextExchange\.error/],
      [{ rejectNextExchange: { description: 'line\nbreak' } }, /scenario\.rejectNextExchange\.description/],
      [{ rejectNextExhange: true }, /Unknown scenario setting "rejectNextExhange"/],
    ];
    for (const [scenario, message] of bad) {
      assert.throws(
        () => spotnana.emulator.scenario(scenario as never),
        { name: 'TypeError', message },
        message.source,
      );
    }
    assert.equal((await pageConfig()).scenario.bootDelay, 1000);
  });

  it('startEmulator({ scenario }) starts with it, and reset() comes back to it', async () => {
    const emulator = await startEmulator({ scenario: { silentFrame: true } });
    try {
      emulator.scenario({});
      assert.equal((await pageConfig(emulator.url)).scenario.silentFrame, false);
      emulator.reset();
      assert.equal((await pageConfig(emulator.url)).scenario.silentFrame, true);
    } finally {
      await emulator.close();
    }
    await assert.rejects(startEmulator({ scenario: { bootDelay: -5 } }), TypeError);
  });
});

describe('the command line’s scenario flags', () => {
  const cli = fileURLToPath(new URL('../../src/emulator/cli.ts', import.meta.url));

  it('--silent-frame, --boot-delay, --ask-again-after, --reject-tokens and --reject-next-exchange', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        cli,
        '--port',
        '0',
        '--silent-frame',
        '--boot-delay',
        '1200',
        '--ask-again-after',
        '3400',
        '--reject-tokens',
        '--reject-next-exchange',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const output: string[] = [];
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          output.push(line);
          const match = /^Spotnana emulator listening on (\S+)$/.exec(line);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before listening`)));
      });
      assert.deepEqual((await pageConfig(url)).scenario, { silentFrame: true, bootDelay: 1200, askAgainAfter: 3400 });
      const status = await (await fetch(`${url}/`)).text();
      assert.match(status, /rejectNextExchange \(400 invalid_grant\)/);
      assert.match(status, /<code>rejectTokens<\/code>/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('exits 2 on a delay that is not a whole number', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--boot-delay', 'soon'], { stdio: 'ignore' });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
  });
});
