// Browser tests: the element in the machine's Chrome or Chromium (scripts/find-chrome.mjs),
// against real cross-origin frames and a real token endpoint served by the fakes in
// test/support. The runner answers on localhost and 127.0.0.1 alike: two origins, so the
// test page (localhost) and the fake Spotnana frame (127.0.0.1) are cross-origin.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { chromeArgs, chromeHint, findChrome } from './scripts/find-chrome.mjs';
import { fakeSpotnana } from './test/support/fake-spotnana.mjs';

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

export default {
  files: ['test/element/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 2,
  hostname: 'localhost',
  middleware: [fakeSpotnana],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), listenerCount],
  browsers: [chromeLauncher({ launchOptions: { executablePath, headless: true, args: chromeArgs } })],
  testFramework: { config: { timeout: 30000 } },
  testsFinishTimeout: 300000,
};
