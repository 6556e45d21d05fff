// The demo (`npm start`) on free ports and a headless Chromium, for the test files that open the
// demo in a browser. The emulator allows the demo's origin, so a running `npm start` is never in
// the way. Needs the build (`npm test` builds first; alone, run `npm run build` before).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import puppeteer, { type Browser } from 'puppeteer-core';
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
