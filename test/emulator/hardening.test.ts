// The emulator against a hostile page or request: a value taken from a request cannot
// forge a log line or reach the terminal as a control sequence, and a request whose Host
// is not the emulator's own (a DNS-rebinding page) is refused with 421.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { startSpotnana, type SpotnanaFixture } from '../support/spotnana.ts';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** Any C0 or C1 control character but tab, and DEL: what a terminal may act on. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;
const ESC = '\x1b';
const CSI = '\u009b';
const BEL = '\x07';
/** Bidirectional controls and zero-width characters: a line that reads otherwise than it holds. */
const INVISIBLE = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
/** Right-to-left override, pop, zero-width space and joiner, first-strong isolate, pop isolate. */
const RLO = '\u202e';
const HIDDEN = `${RLO}moc.elpmaxe\u202c\u200b\u200d\u2068x\u2069`;
const HOSTILE_EMAIL = `mallory${ESC}]0;owned${BEL}\n4  issued a token${HIDDEN}@example.com`;

let spotnana: SpotnanaFixture;
const log: string[] = [];

before(async () => {
  spotnana = await startSpotnana({
    subjects: { 'subject-mallory-0123456789': HOSTILE_EMAIL },
    log: (line) => log.push(line),
  });
});
after(() => spotnana.close());

/** A raw request with the Host header we choose (fetch would set its own). */
function get(
  emulator: RunningEmulator,
  path: string,
  host: string | undefined,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${emulator.url}${path}`, { method: 'GET', setHost: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    if (host !== undefined) request.setHeader('host', host);
    request.on('error', reject);
    request.end();
  });
}

describe('the log writes values from requests escaped', () => {
  it('no control character, no bidirectional or zero-width character, no forged line, from the path, the query, the form or the user-detail answer', async () => {
    const { emulator } = spotnana;
    const before = log.length;
    const port = new URL(emulator.url).port;
    const orgId = encodeURIComponent(`acme${ESC}[2J\r\n6  GET /forged${CSI}31m${HIDDEN}`);
    assert.equal(
      (await get(emulator, `/%0d%0a${ESC}x?idp=token-exchange-auth&orgId=${orgId}`, `127.0.0.1:${port}`)).status,
      200,
    );
    const forms: Array<Record<string, string>> = [
      { grant_type: `${ESC}]0;title${BEL}\n2  forged` },
      { grant_type: 'client_credentials', client_id: `client${CSI}2J\n4  issued` },
      {
        grant_type: TOKEN_EXCHANGE,
        client_id: `c\r\n${ESC}[31m`,
        client_secret: 'x',
        subject_token: 'y',
        subject_token_type: `t\n${CSI}`,
        scope: 'openid',
      },
      { ...spotnana.exchangeForm('subject-mallory-0123456789') },
    ];
    for (const form of forms) {
      await fetch(`${emulator.url}/v2/auth/oauth2-token`, { method: 'POST', body: new URLSearchParams(form) });
    }
    const lines = log.slice(before);
    assert.ok(lines.length >= forms.length + 1, lines.join('\n'));
    for (const line of lines) {
      assert.doesNotMatch(line, CONTROL, JSON.stringify(line));
      assert.doesNotMatch(line, INVISIBLE, JSON.stringify(line));
    }
    assert.ok(
      lines.some((line) => line.includes('\\u202e')),
      'the right-to-left override is written escaped',
    );
    assert.ok(
      lines.some((line) => line.includes('mallory')),
      'the hostile email is logged, escaped',
    );
    assert.ok(!lines.some((line) => /^[246] {2}(GET \/forged|forged|issued a token@)/.test(line)), 'a forged line');
  });
});

describe('421 to a Host that is not the emulator’s own', () => {
  it('answers its own names with their port, and 421 to any other Host, on every path', async () => {
    const { emulator } = spotnana;
    const port = new URL(emulator.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      assert.equal((await get(emulator, '/', host)).status, 200, host);
    }
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `localhost:${Number(port) + 1}`,
      'localhost',
      `127.0.0.2:${port}`,
      '',
    ]) {
      for (const path of ['/', '/?idp=token-exchange-auth', '/v2/auth/session', '/__emulator/app.js']) {
        const answer = await get(emulator, path, host);
        assert.equal(answer.status, 421, `${host} ${path}`);
        assert.ok(
          !answer.body.includes('demo-client') && !answer.body.includes(spotnana.clientId),
          'the 421 page names nothing',
        );
      }
    }
    // Without Host, Node's HTTP/1.1 server answers 400 before the emulator sees the request.
    assert.ok([400, 421].includes((await get(emulator, '/', undefined)).status), 'no Host at all');
  });

  it('allowedHosts adds names, each with the emulator’s port', async () => {
    const more = await startSpotnana({ allowedHosts: ['emulator.test', 'Spotnana.Local'] });
    try {
      const port = new URL(more.emulator.url).port;
      for (const host of [`emulator.test:${port}`, `spotnana.local:${port}`, `127.0.0.1:${port}`]) {
        assert.equal((await get(more.emulator, '/', host)).status, 200, host);
      }
      assert.equal((await get(more.emulator, '/', 'emulator.test')).status, 421);
      assert.equal((await get(more.emulator, '/', `other.test:${port}`)).status, 421);
    } finally {
      await more.close();
    }
  });

  it('--allowed-host on the command line', async () => {
    const cli = fileURLToPath(new URL('../../src/emulator/cli.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, '--port', '0', '--allowed-host', 'cli.test', '--allowed-host', 'two.test'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const [first] = (await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next()).value.split(
        '\n',
      ) as string[];
      const url = /listening on (\S+)$/.exec(first!)![1]!;
      const port = new URL(url).port;
      const emulator = { url } as RunningEmulator;
      assert.equal((await get(emulator, '/', `cli.test:${port}`)).status, 200);
      assert.equal((await get(emulator, '/', `two.test:${port}`)).status, 200);
      assert.equal((await get(emulator, '/', `three.test:${port}`)).status, 421);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
