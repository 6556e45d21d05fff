// `node scripts/screenshots.mjs [dir]`: pictures to look at after a change of the element's
// styles or of the demo (headless Chromium; `npm run build` first). Writes, to `dir`
// (default: .cache/screenshots, git-ignored):
//   error-view.png    the element's default error view on a plain page (no CSS of its own)
//   loading-view.png  its loading view on the same page
//   demo-1280x800.png, demo-800x800.png, demo-1280x800-panel-end.png   the demo (`npm start`)
//   demo-expenses.png            its Expenses route (Travel's frame prerendered, hidden)
//   demo-travel-after-switch.png Travel right after switching back to it: the prerendered frame, signed in
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { startDemo } from '../demo/app.mjs';
import { chromeArgs, chromeHint, findChrome } from './find-chrome.mjs';

const dir = process.argv[2] ?? '.cache/screenshots';
mkdirSync(dir, { recursive: true });
const executablePath = findChrome();
if (!executablePath) throw new Error(chromeHint);

// A plain page: the CDN file, an element whose token endpoint answers 404 (the error view),
// and one whose endpoint never answers (the loading view). The frame is a blank page.
const cdn = await readFile(new URL('../dist/spotnana-embed.min.js', import.meta.url));
const plain = createServer((req, res) => {
  const { pathname, searchParams } = new URL(req.url, 'http://x');
  if (pathname === '/cdn.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(cdn);
  if (pathname === '/frame')
    return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>frame</title>');
  if (pathname === '/hang') return; // never answers: the loading view stays
  if (pathname !== '/') return res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
  const endpoint = searchParams.get('view') === 'loading' ? '/hang' : '/api/spotnana-token';
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<title>A plain page</title>
<h1>Travel</h1>
<p>A page with no stylesheet of its own, around the element.</p>
<script type="module" src="/cdn.js"></script>
<spotnana-embed embed-url="http://127.0.0.1:${plain.address().port}/frame" token-endpoint="${endpoint}" token-fetch="eager" style="--spotnana-embed-height: 420px"></spotnana-embed>`);
});
await new Promise((resolve) => plain.listen(0, '127.0.0.1', resolve));

const demo = await startDemo({ port: 0, emulatorPort: 0 });
const browser = await puppeteer.launch({ executablePath, args: chromeArgs, headless: true });
const written = [];
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 640 });
  const base = `http://localhost:${plain.address().port}/`;
  await page.goto(base, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelector('spotnana-embed')?.shadowRoot?.querySelector('[part=error]'));
  await shot(page, 'error-view.png');
  await page.goto(`${base}?view=loading`, { waitUntil: 'load' });
  await page.waitForFunction(() =>
    document.querySelector('spotnana-embed')?.shadowRoot?.querySelector('[part=loading]'),
  );
  await shot(page, 'loading-view.png');

  for (const [width, height] of [
    [1280, 800],
    [800, 800],
  ]) {
    await page.setViewport({ width, height });
    await page.goto(`${demo.url}/`, { waitUntil: 'load' });
    await untilSignedIn(page);
    await shot(page, `demo-${width}x${height}.png`);
  }
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(`${demo.url}/`, { waitUntil: 'load' });
  await untilSignedIn(page);
  // The side panel scrolls on its own when it is taller than the window.
  await page.evaluate(() =>
    document.querySelector('.panel')?.scrollTo(0, document.querySelector('.panel').scrollHeight),
  );
  await shot(page, 'demo-1280x800-panel-end.png');

  // The single-page app: Travel → Expenses (the page prerenders Travel's frame, hidden) → Travel.
  await page.goto(`${demo.url}/`, { waitUntil: 'load' });
  await untilSignedIn(page);
  await page.click('.appnav a[data-route="expenses"]');
  await untilPrerendered(page);
  await shot(page, 'demo-expenses.png');
  await page.click('.appnav a[data-route="travel"]');
  await page.waitForSelector('[data-events] li[data-event="spotnana-token-sent"][data-prerendered]');
  await untilSignedIn(page);
  await shot(page, 'demo-travel-after-switch.png');
} finally {
  await browser.close();
  await demo.close();
  plain.close();
}
console.log(written.join('\n'));

// The demo has signed in once the emulator's frame shows its signed-in view: the element's
// `spotnana-token-sent` event comes a moment before the frame has painted it.
async function untilSignedIn(page) {
  // The element's own frame, in its shadow root (a removed element's may still be in the frame tree).
  const iframe = await page.waitForFunction(() =>
    document.querySelector('spotnana-embed')?.shadowRoot?.querySelector('iframe'),
  );
  const frame = await iframe.asElement().contentFrame();
  await frame.waitForSelector('[data-view="signed-in"]:not([hidden])', { visible: true });
}

// On Expenses: the prerendered frame is the page's one iframe outside an element, hidden.
async function untilPrerendered(page) {
  const iframe = await page.waitForSelector('iframe');
  const frame = await iframe.contentFrame();
  await frame.waitForSelector('[data-view="signed-in"]:not([hidden])');
}

async function shot(page, name) {
  const path = join(dir, name);
  await page.screenshot({ path });
  written.push(path);
}
