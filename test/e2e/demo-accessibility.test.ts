// Accessibility of the demo's pages (`npm start`): axe-core (WCAG 2.2 A and AA rules, and axe's
// best practices) finds no violation on the app page signed in and signed out, on its Expenses
// route (with Travel's frame prerendered, hidden) and on Travel opened from there, and on the
// framework pages, each checked once the embed is signed in. Chromium through puppeteer-core;
// it runs the built package (`npm run build` first when run alone).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { Page } from 'puppeteer-core';
import { demoInChrome, untilPrerendered } from './demo-in-chrome.ts';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  // The embed's frame is Spotnana's document (here the emulator's), not the demo's.
  iframes: false,
};

const session = demoInChrome();

/** A page that records the element's events from before any script of its own runs. */
async function newPage(): Promise<Page> {
  const page = await session.browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.evaluateOnNewDocument(() => {
    const seen: string[] = [];
    Object.defineProperty(window, '__spotnanaEvents', { value: seen });
    for (const type of ['spotnana-token-sent', 'spotnana-error'])
      document.addEventListener(type, () => seen.push(type));
  });
  return page;
}

/** axe's violations on the page, one readable line each (axe is evaluated through the DevTools protocol, which the page's CSP does not govern). */
async function violations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async (options) => {
    const { axe } = window as unknown as { axe: { run(context: Document, options: unknown): Promise<any> } };
    const results = await axe.run(document, options);
    return results.violations.map(
      (v: any) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join(', ')})`,
    );
  }, OPTIONS);
}

/** Opens `path` and waits until the embed on it has handed its tokens over (or failed). */
async function openSignedIn(page: Page, path: string) {
  await page.goto(`${session.demo.url}${path}`, { waitUntil: 'load' });
  await page.waitForFunction(() => (window as unknown as { __spotnanaEvents: string[] }).__spotnanaEvents.length > 0, {
    timeout: 0,
  });
  const events = await page.evaluate(() => (window as unknown as { __spotnanaEvents: string[] }).__spotnanaEvents);
  assert.deepEqual(events, ['spotnana-token-sent'], `${path}: the embed signed in`);
}

describe('accessibility of the demo pages (axe-core)', () => {
  for (const path of ['/', '/frameworks/plain', '/frameworks/vue', '/frameworks/react', '/frameworks/angular']) {
    it(`${path}, signed in: no violation`, async () => {
      const page = await newPage();
      try {
        await openSignedIn(page, path);
        assert.deepEqual(await violations(page), []);
      } finally {
        await page.close();
      }
    });
  }

  it('/expenses, signed in, with Travel prerendered: no violation', async () => {
    const page = await newPage();
    try {
      await page.goto(`${session.demo.url}/expenses`, { waitUntil: 'load' });
      await untilPrerendered(page);
      assert.equal(await page.$('spotnana-embed'), null, 'Expenses: no embed');
      assert.deepEqual(await violations(page), []);
    } finally {
      await page.close();
    }
  });

  it('/ → Expenses → Travel, the prerendered frame taken over: no violation', async () => {
    const page = await newPage();
    try {
      await openSignedIn(page, '/');
      await page.click('.appnav a[data-route="expenses"]');
      await untilPrerendered(page);
      await page.click('.appnav a[data-route="travel"]');
      await page.waitForFunction(
        () => (window as unknown as { __spotnanaEvents: string[] }).__spotnanaEvents.length > 1,
        { timeout: 0 },
      );
      const events = await page.evaluate(() => (window as unknown as { __spotnanaEvents: string[] }).__spotnanaEvents);
      assert.deepEqual(events, ['spotnana-token-sent', 'spotnana-token-sent'], 'Travel signed in again');
      assert.deepEqual(await violations(page), []);
    } finally {
      await page.close();
    }
  });

  it('/, signed out: no violation', async () => {
    const page = await newPage();
    try {
      await openSignedIn(page, '/');
      await page.evaluate(() =>
        fetch('/session/sign-out', { method: 'POST', headers: { accept: 'application/json' } }),
      );
      await page.goto(`${session.demo.url}/`, { waitUntil: 'load' });
      assert.equal(await page.$('spotnana-embed'), null, 'signed out: no embed');
      assert.deepEqual(await violations(page), []);
    } finally {
      await page.close();
    }
  });
});
