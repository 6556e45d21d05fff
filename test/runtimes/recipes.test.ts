// The recipes in examples/, each run as written (its own file, its own runtime, its
// configuration from the environment or bindings) against the emulator. Needs the build
// (`npm run build`): the recipes import the package by its name.
//
//   node --import tsx --test test/runtimes/recipes.test.ts
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { recordingServer } from '../support/servers.ts';
import { ROOT, bin, bundle, spawnApp, type RunningApp } from '../support/processes.ts';
import { startSpotnana, type SpotnanaFixture } from '../support/spotnana.ts';

/** A user of examples/session.mjs, whom the emulator knows. */
const ALICE = { token: 'demo-token-alice', email: 'alice@example.com' };
const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

let spotnana: SpotnanaFixture;

before(async () => {
  assert.ok(existsSync(`${ROOT}dist/server/index.js`), 'Run `npm run build` first.');
  spotnana = await startSpotnana({ subjects: { [ALICE.token]: ALICE.email }, users: [ALICE.email] });
});
after(() => spotnana?.close());

/** The configuration every recipe reads, pointed at the emulator (or another upstream). */
const settings = (apiUrl = spotnana.emulator.url): Record<string, string> => ({
  SPOTNANA_API_URL: apiUrl,
  SPOTNANA_CLIENT_ID: spotnana.clientId,
  SPOTNANA_CLIENT_SECRET: spotnana.clientSecret,
  HOST: '127.0.0.1',
  PORT: '0',
});

const node = (file: string) => (env: Record<string, string>) => spawnApp(process.execPath, [`examples/${file}`], env);

interface Recipe {
  file: string;
  start: (env: Record<string, string>) => Promise<RunningApp>;
}

const recipes: Recipe[] = [
  { file: 'node-http.mjs', start: node('node-http.mjs') },
  { file: 'express.mjs', start: node('express.mjs') },
  { file: 'fastify.mjs', start: node('fastify.mjs') },
  { file: 'hono.mjs', start: node('hono.mjs') },
  {
    file: 'deno.ts',
    start: (env) =>
      spawnApp(
        bin('deno'),
        ['run', '--no-lock', '--allow-net', '--allow-env', `--allow-read=${ROOT}`, 'examples/deno.ts'],
        env,
      ),
  },
  { file: 'bun.ts', start: (env) => spawnApp(bin('bun'), ['examples/bun.ts'], env) },
  {
    file: 'cloudflare-worker.mjs',
    // What `wrangler dev` does: bundle the worker, run it in workerd with its bindings.
    async start(env) {
      const { Miniflare } = await import('miniflare');
      const { HOST, PORT, ...bindings } = env;
      const mf = new Miniflare({
        modules: true,
        script: await bundle(`${ROOT}examples/cloudflare-worker.mjs`, 'esm'),
        compatibilityDate: '2026-01-01',
        bindings,
        host: HOST,
        port: Number(PORT),
      });
      return { url: (await mf.ready).origin, close: () => mf.dispose() };
    },
  },
];

/** A same-origin POST from the page, as the element sends it. */
const post = (app: RunningApp, headers: Record<string, string> = {}) =>
  fetch(`${app.url}/api/spotnana-token`, {
    method: 'POST',
    headers: { origin: app.url, accept: 'application/json', cookie: `session=${ALICE.token}`, ...headers },
  });

for (const recipe of recipes) {
  describe(`examples/${recipe.file}`, () => {
    let app: RunningApp;
    before(async () => {
      app = await recipe.start(settings());
    });
    after(() => app?.close());

    it('gives a signed-in page tokens that the emulator accepts', async () => {
      const response = await post(app);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const { accessToken } = (await response.json()) as { accessToken: string };
      const session = await fetch(`${spotnana.emulator.url}/v2/auth/session`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      assert.deepEqual(((await session.json()) as { user: unknown }).user, { email: ALICE.email });
    });

    it('answers 405 to GET, 401 without a session and 403 to another site', async () => {
      const get = await fetch(`${app.url}/api/spotnana-token`);
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'POST');
      assert.equal((await post(app, { cookie: '' })).status, 401);
      assert.equal((await post(app, { origin: 'https://evil.example' })).status, 403);
    });
  });
}

describe('examples/node-http.mjs: the user-detail endpoint', () => {
  it('answers Spotnana’s call with the email of the bearer token, and 401 to an unknown token', async () => {
    const app = await node('node-http.mjs')(settings());
    try {
      const detail = await fetch(`${app.url}/api/user-detail`, { headers: { authorization: `Bearer ${ALICE.token}` } });
      assert.deepEqual(await detail.json(), { user: { email: ALICE.email } });
      assert.equal(
        (await fetch(`${app.url}/api/user-detail`, { headers: { authorization: 'Bearer nobody' } })).status,
        401,
      );
    } finally {
      await app.close();
    }
  });
});

describe('examples/fastify.mjs: what Fastify would otherwise keep from the handler', () => {
  it('every method reaches the handler: 405 with Allow: POST', async () => {
    const app = await node('fastify.mjs')(settings());
    try {
      for (const method of OTHER_METHODS) {
        const response = await fetch(`${app.url}/api/spotnana-token`, { method, headers: { origin: app.url } });
        assert.equal(response.status, 405, method);
        assert.equal(response.headers.get('allow'), 'POST', method);
      }
      // A body of any type is no reason for a 415 before the handler.
      for (const [type, body] of [
        ['application/x-www-form-urlencoded', 'a=1'],
        ['application/json', '{"a":'],
        ['application/octet-stream', '\u0000\u0001'],
      ]) {
        const response = await fetch(`${app.url}/api/spotnana-token`, {
          method: 'POST',
          headers: { origin: app.url, cookie: `session=${ALICE.token}`, 'content-type': type },
          body,
        });
        assert.equal(response.status, 200, type);
      }
    } finally {
      await app.close();
    }
  });

  it('a client that goes away aborts the exchange: Spotnana’s connection is closed', async () => {
    // Two page requests to a silent Spotnana: the first is kept, the second goes away.
    // The second's upstream connection must close while the first's (older, so nearer its
    // timeout) is still open: it was the abort, not the timeout, that closed it.
    const upstream: Array<{ closed: Promise<unknown>; isOpen: () => boolean }> = [];
    const waiters: Array<() => void> = [];
    const silent = await recordingServer((_req, res) => {
      upstream.push({ closed: once(res, 'close'), isOpen: () => !res.destroyed });
      waiters.shift()?.();
    });
    const reached = (count: number) =>
      new Promise<void>((resolve) => (upstream.length >= count ? resolve() : waiters.push(resolve)));
    const app = await node('fastify.mjs')(settings(silent.url));
    const send = () => {
      const request = httpRequest(`${app.url}/api/spotnana-token`, {
        method: 'POST',
        headers: { origin: app.url, cookie: `session=${ALICE.token}` },
      });
      request.on('error', () => {});
      request.end();
      return request;
    };
    try {
      const kept = send();
      await reached(1);
      const leaving = send();
      await reached(2);
      leaving.destroy();
      await upstream[1]!.closed;
      assert.ok(upstream[0]!.isOpen(), 'the kept request’s exchange is still running');
      kept.destroy();
    } finally {
      await app.close();
      await silent.close();
    }
  });
});
