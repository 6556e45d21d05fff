// The runtime matrix: one small app (app.mjs) built with spotnana-embed/server and
// spotnana-embed/server/jwt, run unchanged on each runtime integrators deploy to, and the
// same checks against the emulator and misbehaving upstreams over real HTTP. Each
// runtime comes from its npm package. Needs the build (`npm run build`): the app imports
// the package by its name.
//
//   node --import tsx --test test/runtimes/matrix.test.ts
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { ENDLESS_LIMIT, endless, recordingServer, type Running } from '../support/servers.ts';
import { ROOT as root, bin, bundle, spawnApp, type RunningApp } from '../support/processes.ts';
import { startSpotnana, type SpotnanaFixture } from '../support/spotnana.ts';
import { nodeFloor } from './node-floor.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const APP_ORIGIN = 'http://app.example';
const ALICE = 'alice-session-0123456789';
const MALLORY = 'mallory-session-0123456789';
/** Sequential exchanges timed per runtime; the median is reported. */
const LATENCY_SAMPLES = 20;
/** A compatibility date that the installed workerd supports. */
const WORKERD_COMPATIBILITY_DATE = '2026-01-01';

interface Runtime {
  name: string;
  version: () => string;
  start: (config: string) => Promise<RunningApp>;
}

const packageVersion = (name: string) =>
  (JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
const firstLine = (command: string, args: string[]) =>
  execFileSync(command, args, { encoding: 'utf8' }).split('\n')[0]!.trim();

const runtimes: Runtime[] = [
  {
    name: `Node ${process.version} (this machine)`,
    version: () => process.version,
    start: (config) => spawnApp(process.execPath, [here('node.mjs')], { SPOTNANA_MATRIX: config }),
  },
  {
    name: 'Node, the engines floor',
    version: () => firstLine(nodeFloor(), ['--version']),
    start: (config) => spawnApp(nodeFloor(), [here('node.mjs')], { SPOTNANA_MATRIX: config }),
  },
  {
    name: 'Deno',
    version: () => firstLine(bin('deno'), ['--version']),
    start: (config) =>
      spawnApp(
        bin('deno'),
        ['run', '--no-lock', '--allow-net=127.0.0.1', '--allow-env', `--allow-read=${root}`, here('deno.mjs')],
        { SPOTNANA_MATRIX: config },
      ),
  },
  {
    name: 'Bun',
    version: () => `bun ${firstLine(bin('bun'), ['--version'])}`,
    start: (config) => spawnApp(bin('bun'), [here('bun.mjs')], { SPOTNANA_MATRIX: config }),
  },
  {
    name: 'Cloudflare workerd (Miniflare)',
    version: () => `miniflare ${packageVersion('miniflare')}, workerd ${packageVersion('workerd')}`,
    async start(config) {
      const { Miniflare } = await import('miniflare');
      const mf = new Miniflare({
        modules: true,
        script: await bundle(here('worker.mjs'), 'esm'),
        compatibilityDate: WORKERD_COMPATIBILITY_DATE,
        bindings: { SPOTNANA_MATRIX: config },
        host: '127.0.0.1',
        port: 0,
      });
      const url = (await mf.ready).origin;
      return { url, close: () => mf.dispose() };
    },
  },
  {
    name: 'Vercel Edge Runtime',
    version: () => `edge-runtime ${packageVersion('edge-runtime')}`,
    async start(config) {
      const { EdgeRuntime, runServer } = await import('edge-runtime');
      const code = await bundle(here('edge.mjs'), 'iife');
      const runtime = new EdgeRuntime({ initialCode: `globalThis.SPOTNANA_MATRIX = ${config};\n${code}` });
      const server = await runServer({ runtime, host: '127.0.0.1', port: 0 });
      return { url: server.url.replace(/\/$/, ''), close: () => server.close() };
    },
  },
];

let spotnana: SpotnanaFixture;
let endlessUpstream: Running;
const endlessSent: Promise<number>[] = [];
let silentUpstream: Running;
let config: string;
const results: string[] = [];

before(async () => {
  assert.ok(existsSync(`${root}dist/server/index.js`), 'Run `npm run build` first.');
  spotnana = await startSpotnana({
    subjects: { [ALICE]: 'alice@example.com', [MALLORY]: 'mallory@example.com' },
    users: ['alice@example.com'],
  });
  endlessUpstream = await recordingServer((_req, res) => void endlessSent.push(endless(res, 200)));
  silentUpstream = await recordingServer(() => {});
  const keys = await generateKeyPair('RS256', { extractable: true });
  config = JSON.stringify({
    apiUrl: spotnana.emulator.url,
    endlessUrl: endlessUpstream.url,
    silentUrl: silentUpstream.url,
    clientId: spotnana.clientId,
    clientSecret: spotnana.clientSecret,
    allowedOrigin: APP_ORIGIN,
    publicJwk: await exportJWK(keys.publicKey),
    privateJwk: await exportJWK(keys.privateKey),
  });
});

after(async () => {
  await Promise.all([spotnana?.close(), endlessUpstream?.close(), silentUpstream?.close()]);
  console.log(['| runtime | version | result | median latency |', '| --- | --- | --- | --- |', ...results].join('\n'));
});

const post = (url: string, session?: string, origin = APP_ORIGIN) =>
  fetch(url, {
    method: 'POST',
    headers: { origin, accept: 'application/json', ...(session ? { cookie: `session=${session}` } : {}) },
  });

async function expectError(response: Response, status: number, error: string) {
  assert.equal(response.status, status);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await response.json(), { error });
}

for (const runtime of runtimes) {
  describe(runtime.name, () => {
    let app: RunningApp;
    let version = '';
    let passed = 0;
    let median = Number.NaN;
    const checks: Array<[string, () => Promise<void>]> = [
      [
        'a signed-in page gets tokens that the emulator accepts',
        async () => {
          const response = await post(`${app.url}/api/spotnana-token`, ALICE);
          assert.equal(response.status, 200);
          assert.equal(response.headers.get('cache-control'), 'no-store');
          const body = (await response.json()) as { accessToken: string; refreshToken: string; expiresIn: number };
          assert.deepEqual(Object.keys(body).sort(), ['accessToken', 'expiresIn', 'refreshToken']);
          const session = await fetch(`${spotnana.emulator.url}/v2/auth/session`, {
            headers: { authorization: `Bearer ${body.accessToken}` },
          });
          assert.equal(((await session.json()) as { user: { email: string } }).user.email, 'alice@example.com');
        },
      ],
      [
        '405 with Allow: POST to GET',
        async () => {
          const response = await fetch(`${app.url}/api/spotnana-token`);
          assert.equal(response.headers.get('allow'), 'POST');
          await expectError(response, 405, 'method_not_allowed');
        },
      ],
      [
        '403 to another site',
        async () =>
          expectError(
            await post(`${app.url}/api/spotnana-token`, ALICE, 'https://evil.example'),
            403,
            'forbidden_origin',
          ),
      ],
      [
        '401 without a signed-in user',
        async () => expectError(await post(`${app.url}/api/spotnana-token`), 401, 'unauthenticated'),
      ],
      [
        '403 for a user Spotnana does not know',
        async () => expectError(await post(`${app.url}/api/spotnana-token`, MALLORY), 403, 'exchange_rejected'),
      ],
      [
        '502 for an upstream that answers without end, whose connection is closed',
        async () => {
          const before = endlessSent.length;
          await expectError(await post(`${app.url}/api/endless-upstream`, ALICE), 502, 'upstream_unavailable');
          assert.equal(endlessSent.length, before + 1, 'not retried');
          assert.ok((await endlessSent.at(-1)!) < ENDLESS_LIMIT, 'the rest was downloaded');
        },
      ],
      [
        '502 for an upstream that never answers, within the timeout',
        async () => expectError(await post(`${app.url}/api/silent-upstream`, ALICE), 502, 'upstream_unavailable'),
      ],
      [
        'JWT helpers: a signed subject token verifies against the JWKS endpoint',
        async () => {
          const jwt = await (await fetch(`${app.url}/sign`)).text();
          const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(`${app.url}/jwks`)), {
            audience: 'spotnana',
          });
          assert.equal(payload.email, 'alice@example.com');
        },
      ],
    ];

    before(async () => {
      version = runtime.version();
      app = await runtime.start(config);
    });
    after(async () => {
      await app?.close();
      results.push(`| ${runtime.name} | ${version} | ${passed}/${checks.length} | ${median.toFixed(1)} ms |`);
    });

    for (const [name, check] of checks) {
      it(name, async () => {
        await check();
        passed++;
      });
    }

    it(`median latency of ${LATENCY_SAMPLES} exchanges`, async () => {
      const times: number[] = [];
      for (let i = 0; i < LATENCY_SAMPLES; i++) {
        const started = performance.now();
        const response = await post(`${app.url}/api/spotnana-token`, ALICE);
        await response.arrayBuffer();
        times.push(performance.now() - started);
        assert.equal(response.status, 200);
      }
      times.sort((a, b) => a - b);
      median = (times[LATENCY_SAMPLES / 2 - 1]! + times[LATENCY_SAMPLES / 2]!) / 2;
    });
  });
}
