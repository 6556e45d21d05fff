// The demo's framework pages (/frameworks/plain|vue|react|angular), end to end: the demo on
// free ports with its emulator, Chromium driven by puppeteer-core. Each page renders
// <spotnana-embed> from its own stack, and the emulator's embed app signs in as the demo
// user (its visible text), with no page error. Needs the build: `npm test` builds first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser } from 'puppeteer-core';
import { chromeArgs, chromeHint, findChrome } from '../../scripts/find-chrome.mjs';
import { startDemo } from '../../demo/app.mjs';

let demo: { url: string; emulatorUrl?: string; close(): Promise<void> };
let browser: Browser;

before(async () => {
  const chrome = findChrome();
  assert.ok(chrome, chromeHint);
  demo = await startDemo({ port: 0, emulatorPort: 0 });
  browser = await puppeteer.launch({ executablePath: chrome, args: chromeArgs, headless: true });
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

describe('the demo framework pages', () => {
  it('the index page links to each framework page', async () => {
    const html = await (await fetch(`${demo.url}/`)).text();
    for (const name of ['plain', 'vue', 'react', 'angular'])
      assert.ok(html.includes(`href="/frameworks/${name}"`), name);
  });

  for (const name of ['plain', 'vue', 'react', 'angular']) {
    it(`${name}: the embed signs in against the emulator`, async () => {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      try {
        await page.goto(`${demo.url}/`); // the demo's session cookie
        await page.goto(`${demo.url}/frameworks/${name}`);
        await page.waitForSelector('[data-event="spotnana-token-sent"]', { timeout: 30_000 });
        const deadline = Date.now() + 20_000;
        let text = '';
        while (Date.now() < deadline && !text.includes('alice@example.com')) {
          const frame = page.frames().find((f) => f.url().startsWith(`${demo.emulatorUrl}/`));
          text = (await frame?.evaluate(() => document.body.innerText).catch(() => '')) ?? '';
          if (!text.includes('alice@example.com')) await new Promise((r) => setTimeout(r, 100));
        }
        assert.match(text, /alice@example\.com/);
        assert.equal(await page.$$eval('[data-event="spotnana-error"]', (items) => items.length), 0);
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    });
  }
});
