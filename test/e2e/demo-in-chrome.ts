// The demo (`npm start`) on free ports and a headless Chromium, for the test files that open the
// demo in a browser. The emulator allows the demo's origin, so a running `npm start` is never in
// the way. Needs the build (`npm test` builds first; alone, run `npm run build` before).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startDemo } from '../../demo/app.mjs';
import { chromeArgs, chromeHint, findChrome } from '../../scripts/find-chrome.mjs';

export interface DemoInChrome {
  demo: Awaited<ReturnType<typeof startDemo>>;
  browser: Browser;
}

/** Starts the demo and Chromium before the file's tests and stops both after them. */
export function demoInChrome(options: { log?: (line: string) => void } = {}): DemoInChrome {
  const session = {} as DemoInChrome;
  before(async () => {
    const chrome = findChrome();
    assert.ok(chrome, chromeHint);
    assert.ok(existsSync(new URL('../../dist/spotnana-embed.min.js', import.meta.url)), 'Run `npm run build` first.');
    session.demo = await startDemo({ port: 0, emulatorPort: 0, ...options });
    session.browser = await puppeteer.launch({ executablePath: chrome, args: chromeArgs, headless: true });
  });
  after(async () => {
    await session.browser?.close();
    await session.demo?.close();
  });
  return session;
}

/** How often the hidden frame is looked at while waiting for it to sign in (a poll, not a guess at how long it takes). */
const POLL_MS = 100;

/** On Expenses: waits until Travel's prerendered frame (hidden) shows its signed-in view. */
export async function untilPrerendered(page: Page): Promise<void> {
  // Asked afresh each time: a prerender that is replaced (a pointer on the Travel link, a
  // change of user) leaves with its frame, and a wait inside a frame that left never ends.
  for (;;) {
    // In the page's own DOM (the element's frame is in its shadow root): the prerendered one.
    const frame = await (await page.$('iframe'))?.contentFrame().catch(() => null);
    const signedIn = await frame?.$('[data-view="signed-in"]:not([hidden])').catch(() => null);
    if (signedIn) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
