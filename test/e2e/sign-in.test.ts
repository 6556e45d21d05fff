// End to end: the demo's parts on free ports (the emulator allowed the demo's origin, so a
// running `npm start` is never in the way), Chromium driven by puppeteer-core, and every
// arrow of the sequence real: HTTP between page, host backend, emulator and user-detail
// route, postMessage between the page and the emulator's embed app in a cross-site iframe.
// Needs the build (dist/spotnana-embed.min.js and the package's dist): `npm test` builds first.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Frame, Page } from 'puppeteer-core';
import { demoInChrome } from './demo-in-chrome.ts';

const WAIT = 20_000;
let page: Page;
const logs: string[] = [];
const pageErrors: string[] = [];
const session = demoInChrome({ log: (line: string) => logs.push(line) });

/** The embed app's frame (cross-site: an out-of-process iframe), once it is there. */
function embedFrame(): Frame | undefined {
  return page.frames().find((frame) => frame.url().startsWith(`${session.demo.emulatorUrl}/`));
}

/** Polls the embed app until `read` gives `expected` (frames come and go with reloads). */
async function waitInFrame(read: (frame: Frame) => Promise<string | null>, expected: string): Promise<void> {
  const deadline = Date.now() + WAIT;
  let last: string | null = null;
  while (Date.now() < deadline) {
    const frame = embedFrame();
    if (frame) {
      try {
        last = await read(frame);
        if (last === expected) return;
      } catch {
        // the frame navigated or detached meanwhile
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(
    `the embed app showed ${JSON.stringify(last)}, not ${JSON.stringify(expected)}; log:\n${logs.join('\n')}`,
  );
}

const signedInEmail = (frame: Frame) =>
  frame.$eval('body', (body) =>
    body.dataset.state === 'signed-in'
      ? (body.querySelector('[data-testid="user-email"]')?.textContent ?? null)
      : `state ${body.dataset.state}`,
  );

const eventCount = (type: string, code?: string) =>
  page.$$eval(
    '[data-events] li',
    (items, type, code) =>
      items.filter((item) => item.dataset.event === type && (!code || item.dataset.code === code)).length,
    type,
    code ?? '',
  );

async function waitForEvents(type: string, atLeast: number, code?: string): Promise<void> {
  await page.waitForFunction(
    (type, atLeast, code) =>
      [...document.querySelectorAll<HTMLElement>('[data-events] li')].filter(
        (item) => item.dataset.event === type && (!code || item.dataset.code === code),
      ).length >= atLeast,
    { timeout: WAIT },
    type,
    atLeast,
    code ?? '',
  );
}

describe('the whole sequence in Chromium', () => {
  // Inside the describe: it runs after the file's hooks that start the demo and Chromium.
  before(async () => {
    page = await session.browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    await page.setViewport({ width: 1280, height: 800 });
  });

  it('opens signed in: a real exchange, the user-detail call, and the user’s email inside the iframe', async () => {
    await page.goto(`${session.demo.url}/`, { waitUntil: 'load' });
    await waitInFrame(signedInEmail, 'alice@example.com');
    const text = logs.join('\n');
    const userDetail = new RegExp(
      `\\[emulator\\] 3  GET http://127\\.0\\.0\\.1:\\d+/api/user-detail \\(Authorization: Bearer <subject token>\\) → 200 alice@example\\.com`,
    );
    assert.match(text, userDetail);
    assert.match(text, /\[emulator\] 4 {2}issued an access token and a refresh token for alice@example\.com/);
    assert.match(text, /\[emulator\] 6 {2}GET \/\?idp=token-exchange-auth&orgId=demo-org/);
    assert.match(text, /\[emulator\] 7 {2}embed app: access token accepted, alice@example\.com is signed in/);
    await waitForEvents('spotnana-token-sent', 1);
    assert.equal(await eventCount('spotnana-error'), 0);
    assert.equal(await page.$eval('[data-user-name]', (element) => element.textContent), 'Alice Chen');
  });

  it('answers a second request when the embed app reloads itself', async () => {
    const requests = await eventCount('spotnana-token-request');
    const frame = embedFrame()!;
    await frame.click('[data-view="signed-in"] [data-action="reload"]');
    await waitForEvents('spotnana-token-request', requests + 1);
    await waitForEvents('spotnana-token-sent', 2);
    await waitInFrame(signedInEmail, 'alice@example.com');
  });

  it('switches users: the header and the iframe both show the other user', async () => {
    await page.click('[data-switch]');
    await waitInFrame(signedInEmail, 'bob@example.com');
    assert.equal(await page.$eval('[data-user-name]', (element) => element.textContent), 'Bob Okafor');
    assert.match(
      logs.join('\n'),
      /\[emulator\] 3 {2}GET \S+\/api\/user-detail \(Authorization: Bearer <subject token>\) → 200 bob@example\.com/,
    );
  });

  it('a token Spotnana did not issue ends in TOKEN_EXCHANGE_ERROR and the element’s error view', async () => {
    await page.click('[data-bad-token]');
    await waitForEvents('spotnana-error', 1, 'INVALID_TOKEN');
    await page.waitForFunction(
      () => {
        const alert = document
          .querySelector('spotnana-embed')
          ?.shadowRoot?.querySelector<HTMLElement>('[role="alert"]');
        return alert !== null && alert !== undefined && alert.getClientRects().length > 0;
      },
      { timeout: WAIT },
    );
    await waitInFrame((frame) => frame.$eval('body', (body) => body.dataset.state ?? null), 'error');
    assert.match(logs.join('\n'), /\[emulator\] 7 {2}embed app: access token rejected .*INVALID_TOKEN/);
    const source = await page.$eval(
      '[data-events] li[data-code="INVALID_TOKEN"] .detail',
      (element) => element.textContent,
    );
    assert.match(source ?? '', /^spotnana · INVALID_TOKEN/);
  });

  it('recovers with real tokens', async () => {
    await page.click('[data-bad-token]');
    await waitInFrame(signedInEmail, 'bob@example.com');
    const alertShown = await page.$eval('spotnana-embed', (element) => {
      const alert = element.shadowRoot?.querySelector<HTMLElement>('[role="alert"]');
      return Boolean(alert && alert.getClientRects().length > 0);
    });
    assert.equal(alertShown, false);
  });

  it('signs out (no iframe left) and back in', async () => {
    await page.click('[data-sign-out]');
    await page.waitForFunction(() => !document.querySelector('spotnana-embed')?.shadowRoot?.querySelector('iframe'), {
      timeout: WAIT,
    });
    assert.equal(await page.$eval('[data-signed-out]', (element) => (element as HTMLElement).hidden), false);
    assert.equal(
      await page.$eval('spotnana-embed', (element) => element.getClientRects().length),
      0,
      'the element is still shown',
    );
    await page.click('[data-signed-out] button');
    await waitInFrame(signedInEmail, 'alice@example.com');
  });

  it('keeps tokens out of the DOM, the logs and the page’s errors', async () => {
    const dom = await page.evaluate(() => {
      const element = document.querySelector('spotnana-embed');
      return document.documentElement.outerHTML + (element?.shadowRoot?.innerHTML ?? '');
    });
    const frameHtml = await embedFrame()!.content();
    // Issued tokens are 43 base64url characters; nothing that long belongs in any of these.
    const tokenLike = /[A-Za-z0-9_-]{43,}/;
    for (const [name, text] of [
      ['page DOM', dom],
      ['embed app DOM', frameHtml],
      ['logs', logs.join('\n')],
    ] as const) {
      assert.ok(
        !tokenLike.test(text),
        `${name} holds something token-like: ${tokenLike.exec(text)?.[0]?.slice(0, 8)}…`,
      );
    }
    assert.ok(!logs.join('\n').includes('demo-secret'));
    assert.deepEqual(pageErrors, []);
  });

  it('an org id the emulator does not know: the frame says so, and the element’s error names org-id', async () => {
    const detail = await page.evaluate(
      async (embedUrl, wait) => {
        const element = document.createElement('spotnana-embed');
        element.setAttribute('embed-url', embedUrl);
        element.setAttribute('org-id', 'no-such-org');
        element.setAttribute('token-endpoint', '/api/spotnana-token');
        const error = new Promise<{ source: string; code: string; message: string }>((resolve) => {
          element.addEventListener('spotnana-error', (event) => resolve((event as CustomEvent).detail), { once: true });
          setTimeout(() => resolve({ source: '', code: `no spotnana-error within ${wait} ms`, message: '' }), wait);
        });
        document.body.append(element);
        try {
          return await error;
        } finally {
          element.remove();
        }
      },
      session.demo.embedUrl,
      WAIT,
    );
    assert.equal(detail.code, 'UNKNOWN_ORG');
    assert.equal(detail.source, 'spotnana');
    assert.match(detail.message, /"no-such-org"/);
    assert.match(detail.message, /org-id/);
    assert.match(detail.message, /demo-org/);
    assert.match(logs.join('\n'), /\[emulator\] .*unknown org "no-such-org"/);
  });
});
