// The demo as a single-page app (`npm start`): Travel (/) and Expenses (/expenses) switch without
// a page load; leaving Travel removes <spotnana-embed>, Expenses calls SpotnanaEmbed.prerender(),
// and the next Travel view's element takes the signed-in frame over (moveBefore: no reload, no
// token request). Sign-out and a change of user go through SpotnanaEmbed.signOutAll(): no hidden
// frame is left, and no frame of one user is shown to the next. Chromium through puppeteer-core,
// real HTTP to the demo and its emulator; it runs the built package (`npm run build` first alone).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ElementHandle, Frame, Page } from 'puppeteer-core';
import { demoInChrome } from './demo-in-chrome.ts';

const WAIT = 20_000;
const logs: string[] = [];
const session = demoInChrome({ log: (line: string) => logs.push(line) });

interface Seen {
  type: string;
  detail: { url?: string; prefetched?: boolean; prerendered?: boolean; code?: string };
}

/** One tab with its own cookies (a new visitor: signed in as Alice), its events and its token requests. */
interface Tab {
  page: Page;
  /** The token endpoint's requests, as the network saw them. */
  tokenRequests: string[];
  pageErrors: string[];
  close(): Promise<void>;
}

async function openTab(path: string): Promise<Tab> {
  const context = await session.browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  const tab: Tab = { page, tokenRequests: [], pageErrors: [], close: () => context.close() };
  page.on('pageerror', (error) => tab.pageErrors.push(String(error)));
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/spotnana-token') tab.tokenRequests.push(request.method());
  });
  // The element's events, with their details, from before the page's own script runs.
  await page.evaluateOnNewDocument(() => {
    const seen: unknown[] = [];
    Object.defineProperty(window, '__spotnanaEvents', { value: seen });
    for (const type of ['spotnana-load', 'spotnana-token-request', 'spotnana-token-sent', 'spotnana-error'])
      document.addEventListener(type, (event) => seen.push({ type, detail: (event as CustomEvent).detail }));
  });
  await page.goto(`${session.demo.url}${path}`, { waitUntil: 'load' });
  // Set once per document: still there after a route change means there was no page load.
  await page.evaluate(() => Object.defineProperty(window, '__samePage', { value: true }));
  return tab;
}

const seenEvents = (page: Page) =>
  page.evaluate(() => (window as unknown as { __spotnanaEvents: Seen[] }).__spotnanaEvents.slice());

/** Waits until the events since `from` include every one of `types`; returns them. */
async function waitForEvents(page: Page, from: number, types: string[]): Promise<Seen[]> {
  await page.waitForFunction(
    (from, types) => {
      const seen = (window as unknown as { __spotnanaEvents: Seen[] }).__spotnanaEvents.slice(from);
      return types.every((type) => seen.some((event) => event.type === type));
    },
    { timeout: WAIT },
    from,
    types,
  );
  return (await seenEvents(page)).slice(from);
}

/** The emulator's embed app frames in the page, as puppeteer lists them. */
const embedFrames = (page: Page) =>
  page.frames().filter((frame) => !frame.detached && frame.url().startsWith(`${session.demo.emulatorUrl}/`));

/** The frame of the page's iframe: the hidden prerendered one (in the light DOM), or the element's (in its shadow root). */
async function frameIn(page: Page, where: 'hidden' | 'element'): Promise<Frame | null> {
  const handle = await page.evaluateHandle((where) => {
    if (where === 'hidden') return document.querySelector('iframe');
    return document.querySelector('spotnana-embed')?.shadowRoot?.querySelector('iframe') ?? null;
  }, where);
  const element = handle.asElement() as ElementHandle<HTMLIFrameElement> | null;
  return element ? element.contentFrame() : null;
}

const signedInEmail = (frame: Frame) =>
  frame.$eval('body', (body) =>
    body.dataset.state === 'signed-in'
      ? (body.querySelector('[data-testid="user-email"]')?.textContent ?? null)
      : `state ${body.dataset.state}`,
  );

/** Polls until the iframe `where` shows `email` signed in; returns its frame. */
async function waitForSignedIn(page: Page, where: 'hidden' | 'element', email: string): Promise<Frame> {
  const deadline = Date.now() + WAIT;
  let last = 'no frame';
  while (Date.now() < deadline) {
    try {
      const frame = await frameIn(page, where);
      last = frame ? ((await signedInEmail(frame)) ?? 'no email') : 'no frame';
      if (frame && last === email) return frame;
    } catch {
      last = 'the frame navigated or detached';
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`the ${where} frame showed ${JSON.stringify(last)}, not ${email} signed in; log:\n${logs.join('\n')}`);
}

/** Waits until the page holds no iframe, neither in its DOM nor in an element's, and no embed app frame is left. */
async function waitForNoFrame(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelectorAll('iframe').length === 0 &&
      [...document.querySelectorAll('spotnana-embed')].every((element) => !element.shadowRoot?.querySelector('iframe')),
    { timeout: WAIT },
  );
  // The browser's own frame tree follows the DOM a moment later.
  const deadline = Date.now() + WAIT;
  while (embedFrames(page).length > 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(embedFrames(page).length, 0, 'an embed app frame is left in the page');
}

/** Where the page's one iframe is: in the element (and whether it fills its box), or hidden in the page. */
const whereIsTheFrame = (page: Page) =>
  page.evaluate(() => {
    const element = document.querySelector('spotnana-embed');
    const inElement = element?.shadowRoot?.querySelector('iframe');
    const inPage = [...document.querySelectorAll('iframe')];
    const box = element?.getBoundingClientRect();
    const frame = inElement?.getBoundingClientRect();
    return {
      path: location.pathname,
      samePage: (window as unknown as { __samePage?: boolean }).__samePage === true,
      elements: document.querySelectorAll('spotnana-embed').length,
      inPage: inPage.map((iframe) => ({
        visible: iframe.checkVisibility({ visibilityProperty: true }),
        inert: iframe.closest('[inert]') !== null,
      })),
      // The element's content box (inside its 1 px border) and the frame's box.
      content:
        element && box
          ? {
              x: box.x + element.clientLeft,
              y: box.y + element.clientTop,
              width: element.clientWidth,
              height: element.clientHeight,
            }
          : undefined,
      frame: frame && { x: frame.x, y: frame.y, width: frame.width, height: frame.height },
    };
  });

/** Clicks a route's link in the app bar. */
const openRoute = (page: Page, route: 'travel' | 'expenses') => page.click(`.appnav a[data-route="${route}"]`);

/** On Expenses: waits for the prerendered frame to sign in as `email`, hidden, and marks its document. */
async function waitForPrerendered(page: Page, email: string): Promise<void> {
  const frame = await waitForSignedIn(page, 'hidden', email);
  const where = await whereIsTheFrame(page);
  assert.equal(where.path, '/expenses');
  assert.equal(where.elements, 0, 'Expenses has no <spotnana-embed>');
  assert.deepEqual(where.inPage, [{ visible: false, inert: true }], 'one hidden, inert frame');
  assert.equal(await page.$eval('[data-view="expenses"]', (view) => view.checkVisibility()), true);
  // Still there after the route change: the frame moved in without a reload.
  await frame.evaluate(() => Object.defineProperty(window, '__prerendered', { value: true }));
}

/** Back on Travel: the element took the signed-in frame over, without a reload or a token request of its own. */
async function assertTakenOver(tab: Tab, { from, tokens, email }: { from: number; tokens: number; email: string }) {
  const { page } = tab;
  const events = await waitForEvents(page, from, ['spotnana-load', 'spotnana-token-sent']);
  const frame = await waitForSignedIn(page, 'element', email);
  const load = events.find((event) => event.type === 'spotnana-load')!;
  assert.equal(load.detail.prerendered, true, 'spotnana-load came prerendered');
  assert.ok(load.detail.url?.startsWith(`${session.demo.emulatorUrl}/`));
  assert.deepEqual(events.find((event) => event.type === 'spotnana-token-sent')!.detail, {
    prefetched: true,
    prerendered: true,
  });
  assert.deepEqual(
    events.filter((event) => event.type === 'spotnana-token-request' || event.type === 'spotnana-error'),
    [],
    'no token request from the frame, and no error, after the route change',
  );
  assert.equal(await frame.evaluate(() => (window as unknown as { __prerendered?: boolean }).__prerendered), true);
  assert.equal(tab.tokenRequests.length, tokens, 'no token request after the route change but the prerender’s');

  const where = await whereIsTheFrame(page);
  assert.equal(where.path, '/');
  assert.equal(where.samePage, true, 'no page load');
  assert.equal(where.elements, 1);
  assert.deepEqual(where.inPage, [], 'no frame left outside the element');
  const { content, frame: box } = where;
  assert.ok(content && box, 'the element holds the frame');
  assert.ok(content.width > 800 && content.height >= 480, `the element is ${content.width}×${content.height}`);
  for (const side of ['x', 'y', 'width', 'height'] as const)
    assert.ok(
      Math.abs(content[side] - box[side]) <= 1,
      `the frame's ${side} is ${box[side]}, the element's ${content[side]}`,
    );

  // The event log says so.
  const logged = await page.$$eval('[data-events] li[data-prerendered="true"]', (items) =>
    items.map((item) => `${item.dataset.event} ${item.querySelector('.tag')?.textContent}`),
  );
  assert.ok(logged.includes('spotnana-load prerendered') && logged.includes('spotnana-token-sent prerendered'));
}

describe('the demo as a single-page app: Travel prerendered from Expenses', () => {
  it('Travel → Expenses → Travel: the second Travel view shows the prerendered frame, signed in, with no new token request', async () => {
    const tab = await openTab('/');
    const { page } = tab;
    try {
      await waitForSignedIn(page, 'element', 'alice@example.com');
      assert.equal(tab.tokenRequests.length, 1);

      await openRoute(page, 'expenses');
      await waitForPrerendered(page, 'alice@example.com');
      assert.equal(tab.tokenRequests.length, 2, 'the prerender’s own token request');
      assert.equal(await page.title(), 'Expenses · Acme Workplace');
      assert.equal(await page.$eval('.appnav [aria-current="page"]', (link) => link.textContent), 'Expenses');

      const from = (await seenEvents(page)).length;
      await openRoute(page, 'travel');
      await assertTakenOver(tab, { from, tokens: 2, email: 'alice@example.com' });
      assert.equal(await page.title(), 'Travel · Acme Workplace');

      // The browser's Back button is a route change too: the element goes, Travel is prerendered again.
      await page.goBack();
      await waitForPrerendered(page, 'alice@example.com');
      assert.equal(tab.tokenRequests.length, 3);
      assert.equal((await whereIsTheFrame(page)).samePage, true, 'no page load');
      assert.deepEqual(tab.pageErrors, []);
    } finally {
      await tab.close();
    }
  });

  it('opened on Expenses: Travel’s first view is prerendered; pointing at its link starts no second prerender', async () => {
    const tab = await openTab('/expenses');
    const { page } = tab;
    try {
      await waitForPrerendered(page, 'alice@example.com');
      assert.equal(tab.tokenRequests.length, 1);
      await page.hover('.appnav a[data-route="travel"]');
      await page.focus('.appnav a[data-route="travel"]');
      const from = (await seenEvents(page)).length;
      await page.click('[data-view="expenses"] a[data-route="travel"]');
      await assertTakenOver(tab, { from, tokens: 1, email: 'alice@example.com' });
      assert.deepEqual(tab.pageErrors, []);
    } finally {
      await tab.close();
    }
  });

  it('switching users on Expenses: the next Travel view is the new user’s, never the old prerender', async () => {
    const tab = await openTab('/expenses');
    const { page } = tab;
    try {
      await waitForPrerendered(page, 'alice@example.com');
      await page.click('[data-switch]');
      // Alice's hidden frame is gone; Bob's is prerendered in its place.
      await waitForPrerendered(page, 'bob@example.com');
      assert.equal(tab.tokenRequests.length, 2);
      const from = (await seenEvents(page)).length;
      await openRoute(page, 'travel');
      await assertTakenOver(tab, { from, tokens: 2, email: 'bob@example.com' });
      assert.equal(await page.$eval('[data-user-name]', (element) => element.textContent), 'Bob Okafor');
      assert.deepEqual(tab.pageErrors, []);
    } finally {
      await tab.close();
    }
  });

  it('signing out (SpotnanaEmbed.signOutAll()) leaves no hidden frame; signing in again on Travel works', async () => {
    const tab = await openTab('/expenses');
    const { page } = tab;
    try {
      await waitForPrerendered(page, 'alice@example.com');
      await page.click('[data-sign-out]');
      await waitForNoFrame(page);
      assert.equal(await page.$eval('[data-signed-out]', (card) => card.checkVisibility()), true);
      assert.ok(logs.some((line) => line.includes('alice@example.com signed out')));

      // Signed out, Travel has no element and still no frame.
      await openRoute(page, 'travel');
      await waitForNoFrame(page);
      assert.equal(await page.$('spotnana-embed'), null);
      const requests = tab.tokenRequests.length;

      await page.click('[data-signed-out] form:last-of-type button'); // Bob
      await waitForSignedIn(page, 'element', 'bob@example.com');
      assert.equal(tab.tokenRequests.length, requests + 1);
      assert.equal((await whereIsTheFrame(page)).samePage, true, 'no page load');

      // And signing out on Travel: the element keeps no frame, and nothing is prerendered.
      await page.click('[data-sign-out]');
      await waitForNoFrame(page);
      assert.deepEqual(tab.pageErrors, []);
    } finally {
      await tab.close();
    }
  });
});
