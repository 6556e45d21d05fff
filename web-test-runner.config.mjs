// Browser tests: the element in the machine's Chrome or Chromium (scripts/find-chrome.mjs),
// against real cross-origin frames and a real token endpoint served by the fakes in
// test/support. The runner answers on localhost and 127.0.0.1 alike: two origins, so the
// test page (localhost) and the fake Spotnana frame (127.0.0.1) are cross-origin.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import * as puppeteerCore from 'puppeteer-core';
import { chromeArgs, chromeHint, findChrome, findFirefox } from './scripts/find-chrome.mjs';
import { fakeSpotnana } from './test/support/fake-spotnana.mjs';
import { frameworksPlugin } from './test/frameworks/support/frameworks-plugin.mjs';

const executablePath = findChrome();
if (!executablePath) throw new Error(chromeHint);

/**
 * `executeServerCommand('message-listeners')`: how many `message` listeners the test page's
 * window has, asked of the browser itself through the DevTools protocol (not a counter
 * inside the element).
 */
const listenerCount = {
  name: 'message-listeners',
  async executeCommand({ command, session }) {
    if (command !== 'message-listeners') return undefined;
    const page = session.browser.getPage(session.id);
    const cdp = await page.createCDPSession();
    try {
      const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' });
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
      return listeners.filter((l) => l.type === 'message').length;
    } finally {
      await cdp.detach();
    }
  },
};

/**
 * `executeServerCommand('detached-iframes')`: after two full garbage collections, how many
 * `HTMLIFrameElement`s are still alive in the test page's heap without being in a document
 * (Runtime.queryObjects through the DevTools protocol). Chromium only: `null` elsewhere.
 */
const detachedIframes = {
  name: 'detached-iframes',
  async executeCommand({ command, session }) {
    if (command !== 'detached-iframes') return undefined;
    const page = session.browser.getPage(session.id);
    if (!/chrom/i.test(session.browser.name)) return null;
    const cdp = await page.createCDPSession();
    try {
      await cdp.send('HeapProfiler.enable');
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const proto = await cdp.send('Runtime.evaluate', { expression: 'HTMLIFrameElement.prototype' });
      const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
      const { result } = await cdp.send('Runtime.callFunctionOn', {
        objectId: objects.objectId,
        functionDeclaration: 'function () { return { alive: this.length, detached: this.filter((f) => !f.isConnected).length }; }',
        returnByValue: true,
      });
      await cdp.send('Runtime.releaseObject', { objectId: objects.objectId });
      await cdp.send('HeapProfiler.disable');
      return result.value;
    } finally {
      await cdp.detach();
    }
  },
};

/** The `--files` given on the command line, if any (so that a focused run stays focused in Firefox too). */
function cliFiles(argv = process.argv.slice(2)) {
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--files=')) files.push(argv[i].slice(8));
    else if (argv[i] === '--files') while (argv[i + 1] && !argv[i + 1].startsWith('-')) files.push(argv[++i]);
  }
  return files.length ? files : undefined;
}

const files = ['test/element/**/*.test.ts', 'test/security/**/*.test.ts', 'test/frameworks/**/*.test.ts'];

/**
 * A second engine: Debian's firefox-esr over WebDriver BiDi through puppeteer-core, when it
 * is installed (scripts/find-chrome.mjs; FIREFOX_PATH=none skips it). It runs the same files
 * except those that need the DevTools protocol (the leak checks, the listener count).
 */
const firefoxPath = findFirefox();
const chromiumOnly = ['!test/security/leaks.test.ts', '!test/element/lifecycle.test.ts'];
const groups = firefoxPath
  ? [
      {
        name: 'firefox',
        files: [...(cliFiles() ?? files), ...chromiumOnly],
        browsers: [
          chromeLauncher({
            puppeteer: puppeteerCore,
            concurrency: 1,
            launchOptions: { browser: 'firefox', executablePath: firefoxPath, headless: true },
          }),
        ],
      },
    ]
  : [];

export default {
  files,
  groups,
  nodeResolve: true,
  concurrency: 2,
  hostname: 'localhost',
  middleware: [fakeSpotnana],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), listenerCount, detachedIframes,
    // test/frameworks: React components in .tsx, and the frameworks served from node_modules.
    esbuildPlugin({ tsx: true, target: 'es2022', tsconfig: 'test/frameworks/tsconfig.json' }), frameworksPlugin()],
  // With Firefox running alongside, one page per browser: two pages in all on a 2-core machine.
  browsers: [chromeLauncher({ concurrency: firefoxPath ? 1 : 2, launchOptions: { executablePath, headless: true, args: chromeArgs } })],
  testFramework: { config: { timeout: 30000 } },
  testsFinishTimeout: 300000,
  // A loaded 2-core CI machine running two browsers may take a while to open a page.
  browserStartTimeout: 120000,
};
