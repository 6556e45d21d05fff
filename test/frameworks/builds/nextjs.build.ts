// The Next.js App Router example (examples/nextjs), built and served as an app would be:
// with create-next-app's `cacheComponents: true`, `next build` with no Spotnana credentials in
// the environment, then `next start` against the Spotnana emulator, whose URL is read at run
// time. Its pages are rendered on the server with spotnana-embed/react's
// component and hydrated: `/` with a token endpoint (a route on the Node runtime) and the
// early frame, `/edge` with a token provider (calling a route of its own). Both
// routes are made with spotnana-embed/server.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'puppeteer-core';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.ts';
import { chromium, freePort, installPackage, root, run, serve, stop } from './support.ts';

const app = join(root, 'examples/nextjs');
const next = join(root, 'node_modules/next/dist/bin/next');
const EMAIL = 'alice@example.com';
const SESSION = 'demo-session-alice'; // the example's stand-in session (examples/nextjs/lib/session.ts)
const CLIENT = { clientId: 'acme-client', clientSecret: 'acme-secret-for-tests' };
const TIMEOUT = 120_000;

/** The environment without any Spotnana setting, as on a build machine. */
function withoutSpotnana(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('SPOTNANA_')) delete env[name];
  return env;
}

describe('Next.js App Router (examples/nextjs)', { timeout: 10 * TIMEOUT }, () => {
  let port: number;
  let origin: string;
  let emulator: RunningEmulator;
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;

  before(async () => {
    installPackage(app);
    port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    emulator = await startEmulator({
      ...CLIENT,
      userDetailUrl: `${origin}/api/user-detail`,
      allowedOrigins: [origin],
      // The example's own org (app/travel.tsx): the emulator refuses an org it does not know.
      orgs: ['acme'],
      users: [EMAIL],
    });
  });
  after(async () => {
    await browser?.close();
    await stop(server);
    await emulator?.close();
  });

  it('`next build` passes with no Spotnana credentials in the environment', { timeout: TIMEOUT }, async () => {
    const output = await run(process.execPath, [next, 'build'], { cwd: app, env: withoutSpotnana() });
    assert.match(output, /\/api\/spotnana-token/);
    assert.match(output, /\/api\/edge\/spotnana-token/);
  });

  it(
    '`next start` serves the page rendered on the server: <spotnana-embed> with its attributes',
    { timeout: TIMEOUT },
    async () => {
      const env = {
        ...withoutSpotnana(),
        SPOTNANA_CLIENT_ID: CLIENT.clientId,
        SPOTNANA_CLIENT_SECRET: CLIENT.clientSecret,
        SPOTNANA_API_URL: emulator.url,
        SPOTNANA_EMBED_URL: emulator.url,
        APP_ORIGIN: origin,
      };
      server = await serve(
        process.execPath,
        [next, 'start', '-p', String(port), '-H', '127.0.0.1'],
        { cwd: app, env },
        /Ready in/,
      );
      // `/`: the token endpoint in the server's HTML, and the early frame at the URL the
      // element builds, after the early listener.
      const home = await (await fetch(`${origin}/`)).text();
      const tag = /<spotnana-embed[^>]*>/.exec(home)?.[0];
      assert.ok(tag, 'the server HTML holds <spotnana-embed>');
      assert.match(tag, new RegExp(`embed-url="${emulator.url}"`));
      assert.match(tag, /org-id="acme"/);
      assert.match(tag, /path="\/trips"/);
      assert.match(tag, /token-endpoint="\/api\/spotnana-token"/);
      const frame = new URL('/trips', emulator.url);
      frame.searchParams.set('idp', 'token-exchange-auth');
      frame.searchParams.set('orgId', 'acme');
      assert.ok(home.includes(`<iframe slot="frame" src="${frame.href.replaceAll('&', '&amp;')}"`), 'the early frame');
      assert.ok(home.indexOf('spotnanaEmbedEarly') < home.indexOf('<iframe'), 'the early listener comes first');
      // `/edge`: a provider replaces the endpoint, so the server's HTML names none (and has no early frame).
      const edge = await (await fetch(`${origin}/edge`)).text();
      const edgeTag = /<spotnana-embed[^>]*>/.exec(edge)?.[0];
      assert.ok(edgeTag, 'the server HTML holds <spotnana-embed>');
      assert.doesNotMatch(edgeTag, /token-endpoint/);
      assert.doesNotMatch(edge, /<iframe/);
    },
  );

  for (const [page, route] of [
    ['/', 'token endpoint'],
    ['/edge', 'provider'],
  ] as const) {
    it(
      `${page}: signed in after hydration, with tokens from its ${route} route handler`,
      { timeout: TIMEOUT },
      async () => {
        browser ??= await chromium();
        const tab = await browser.newPage();
        // Every request for the embed app's page (the frame's document): one, when the early
        // frame is adopted and never moved.
        const frameLoads: string[] = [];
        tab.on('request', (request) => {
          if (request.resourceType() === 'document' && request.url().startsWith(`${emulator.url}/trips`)) {
            frameLoads.push(request.url());
          }
        });
        try {
          await tab.setCookie({ name: 'session', value: SESSION, url: origin });
          await tab.goto(`${origin}${page}`);
          // onSpotnanaTokenSent ran (a listener set after hydration) ...
          await tab.waitForFunction(
            () => document.querySelector('[role=status]')?.textContent === 'Signed in to travel',
            { timeout: TIMEOUT },
          );
          // ... and the emulator's embed app shows the signed-in user.
          const frame = tab.frames().find((f) => f.url().startsWith(emulator.url));
          assert.ok(frame, 'the embed frame');
          // On `/` the server's iframe was adopted: the only one, in the page's own DOM.
          const adopted = await tab.evaluate(() => [
            document.querySelectorAll('spotnana-embed > iframe[slot=frame]').length,
            document.querySelector('spotnana-embed')!.shadowRoot!.querySelectorAll('iframe').length,
          ]);
          assert.deepEqual(adopted, page === '/' ? [1, 0] : [0, 1]);
          await frame.waitForFunction((email) => document.body?.innerText.includes(email), { timeout: TIMEOUT }, EMAIL);
          assert.equal(frameLoads.length, 1, `the frame's page was requested once: ${frameLoads.join(', ')}`);
        } finally {
          await tab.close();
        }
      },
    );
  }
});
