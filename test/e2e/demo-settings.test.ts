// `npm start`'s settings (demo/server.mjs): a setting the demo would silently ignore is named
// in a warning, and a bad port is one line, not a stack trace. Runs the demo as a user does,
// as a child process (it needs dist/: `npm run build` first when run alone).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const server = fileURLToPath(new URL('../../demo/server.mjs', import.meta.url));

/** The demo's environment without any Spotnana setting of the machine running the tests. */
function cleanEnv(extra: Record<string, string>) {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(SPOTNANA_|PORT$|EMULATOR_PORT$)/i.test(name) && value !== undefined) env[name] = value;
  return { ...env, PORT: '0', EMULATOR_PORT: '0', ...extra };
}

/** Starts the demo; resolves once it is listening (then stops it) or once it has exited. */
async function runDemo(extra: Record<string, string>) {
  const child = spawn(process.execPath, [server], { env: cleanEnv(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (stdout.includes('Ctrl-C stops everything')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  return { code, stdout, stderr, listening: stdout.includes('Ctrl-C stops everything') };
}

describe('npm start: settings it would ignore are named', () => {
  it('SPOTNANA_CLIENT_* without SPOTNANA_ENV: a warning that the emulator runs instead', async () => {
    const { stderr, listening } = await runDemo({
      SPOTNANA_CLIENT_ID: 'my-client',
      SPOTNANA_CLIENT_SECRET: 'my-secret',
    });
    assert.ok(listening, 'the demo still starts');
    assert.match(
      stderr,
      /warning: SPOTNANA_CLIENT_ID, SPOTNANA_CLIENT_SECRET are ignored without SPOTNANA_ENV=sandbox or SPOTNANA_ENV=production/,
    );
    assert.doesNotMatch(stderr, /my-secret/, 'the secret is never printed');
  });

  it('a misspelt SPOTNANA_* name: a warning with the setting it resembles', async () => {
    const { stderr, listening } = await runDemo({ SPOTNANA_ORGID: 'acme', SPOTNANA_COLOUR: 'blue' });
    assert.ok(listening);
    assert.match(
      stderr,
      /warning: SPOTNANA_ORGID is not a setting of the demo, so it is ignored \(did you mean SPOTNANA_ORG_ID\?\)/,
    );
    assert.match(stderr, /warning: SPOTNANA_COLOUR is not a setting of the demo, so it is ignored\.\n/);
  });

  it('no Spotnana setting: no warning', async () => {
    const { stderr, listening } = await runDemo({});
    assert.ok(listening);
    assert.equal(stderr, '');
  });
});

describe('npm start: a bad port', () => {
  for (const [name, value] of [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['EMULATOR_PORT', '-1'],
  ]) {
    it(`${name}=${value}: one line naming it, exit status 1, no stack trace`, async () => {
      const { code, stderr, listening } = await runDemo({ [name]: value });
      assert.equal(listening, false);
      assert.equal(code, 1);
      assert.equal(stderr, `demo: ${name} must be a port number from 0 to 65535, not ${JSON.stringify(value)}.\n`);
    });
  }
});
