// Browser tests in three engines: the machine's Chrome or Chromium (the default group),
// Firefox over WebDriver BiDi (group `firefox`) and WebKit over classic WebDriver (group
// `webkit`, scripts/webkit-launcher.mjs), each when installed (scripts/find-chrome.mjs). The
// element runs against real cross-origin frames and a real token endpoint served by the
// fakes in test/support. The runner answers on localhost and 127.0.0.1 alike: two origins,
// so the test page (localhost) and the fake Spotnana frame (127.0.0.1) are cross-origin.
//
//   npx wtr                          every file in every engine found, the engines at once
//   npx wtr --group firefox          one engine (`default` is Chromium)
//   npx wtr --files <file>           one file, in every engine
//   GREP='<words>' npx wtr ...       only the tests whose full title holds the words
//
// The results are also written as JUnit XML: test-results/browser.xml, or WTR_JUNIT_FILE.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import * as puppeteerCore from 'puppeteer-core';
import {
  browserPathProblems,
  chromeArgs,
  chromeHint,
  findChrome,
  findFirefox,
  findWebKit,
} from './scripts/find-chrome.mjs';
import { webkitLauncher } from './scripts/webkit-launcher.mjs';
import { summaryReporter } from './scripts/wtr-summary-reporter.mjs';
import { defaultReporter } from '@web/test-runner';
import { junitReporter } from '@web/test-runner-junit-reporter';
import { fakeSpotnana } from './test/support/fake-spotnana.mjs';
import { frameworksPlugin } from './test/frameworks/support/frameworks-plugin.mjs';

const problems = browserPathProblems();
if (problems.length) throw new Error(problems.join('\n'));
const executablePath = findChrome();
if (!executablePath) throw new Error(chromeHint);

/** Chromium's DevTools protocol answers the counts below; elsewhere they are `false` and the tests that need them skip. */
const isChromium = (session) => session.browser.type === 'puppeteer' && /chrom/i.test(session.browser.name);

/**
 * A server command that asks the test page's browser through the DevTools protocol: `ask(cdp)`
 * in Chromium, `false` elsewhere (not `null`, which the runner reads as "unknown command").
 */
const devToolsCommand = (name, ask) => ({
  name,
  async executeCommand({ command, session }) {
    if (command !== name) return undefined;
    if (!isChromium(session)) return false;
    const cdp = await session.browser.getPage(session.id).createCDPSession();
    try {
      return await ask(cdp);
    } finally {
      await cdp.detach();
    }
  },
});

/**
 * `executeServerCommand('message-listeners')`: how many `message` listeners the test page's
 * window has, asked of the browser itself through the DevTools protocol (not a counter
 * inside the element). Chromium only: `false` elsewhere.
 */
const listenerCount = devToolsCommand('message-listeners', async (cdp) => {
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'window' });
  const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
  return listeners.filter((l) => l.type === 'message').length;
});

/**
 * `executeServerCommand('detached-iframes')`: after two full garbage collections, how many
 * `HTMLIFrameElement`s are still alive in the test page's heap without being in a document
 * (Runtime.queryObjects through the DevTools protocol). Chromium only: `false` elsewhere.
 */
const detachedIframes = devToolsCommand('detached-iframes', async (cdp) => {
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const proto = await cdp.send('Runtime.evaluate', { expression: 'HTMLIFrameElement.prototype' });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId });
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId,
    functionDeclaration:
      'function () { return { alive: this.length, detached: this.filter((f) => !f.isConnected).length }; }',
    returnByValue: true,
  });
  await cdp.send('Runtime.releaseObject', { objectId: objects.objectId });
  await cdp.send('HeapProfiler.disable');
  return result.value;
});

/**
 * `executeServerCommand('js-heap')`: the bytes used by the test page's JavaScript heap after
 * two full garbage collections (Runtime.getHeapUsage through the DevTools protocol); same-origin
 * child documents share it. Chromium only: `false` elsewhere.
 */
const jsHeap = devToolsCommand('js-heap', async (cdp) => {
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.send('HeapProfiler.disable');
  return usedSize;
});

/**
 * Mocha reads `grep` as a regular expression, and the runner writes it into the test page's
 * inline script: the words as a pattern that matches them literally, with no `<` in its text.
 */
const literalPattern = (words) => words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('<', '\\x3c');

/** The name of the failed test that stands for a file that failed outside its tests. */
const FILE_ITSELF = '(the test file itself)';

/**
 * A test file's results as the JUnit reporter needs them: it writes only the tests inside a
 * `describe` (the others go in one without a name) and counts a test as failed only with an
 * error; a file that failed outside its tests (it did not load, a hook threw, the browser
 * crashed) becomes one failed test named after the file, with the first error.
 */
function completeResults(session) {
  const results = session.testResults ?? { name: '', suites: [], tests: [] };
  const withError = (suite) => ({
    ...suite,
    tests: suite.tests.map((t) => (t.passed || t.skipped || t.error ? t : { ...t, error: { message: 'failed' } })),
    suites: suite.suites.map(withError),
  });
  const anyFailed = (suite) => suite.tests.some((t) => !t.passed && !t.skipped) || suite.suites.some(anyFailed);
  const suites = results.suites.map(withError);
  if (results.tests.length) suites.unshift(withError({ name: '', suites: [], tests: results.tests }));
  if (session.passed === false && !anyFailed(results)) {
    const error = session.errors.find((e) => e.message) ?? { message: 'the test file did not finish' };
    suites.push({ name: '', suites: [], tests: [{ name: FILE_ITSELF, passed: false, skipped: false, error }] });
  }
  return { ...session, testResults: { ...results, tests: [], suites } };
}

/**
 * JUnit XML of the run, for scripts/test.mjs and CI: test-results/browser.xml, or the file that
 * WTR_JUNIT_FILE names.
 */
function junitResults() {
  const junit = junitReporter({ outputPath: process.env.WTR_JUNIT_FILE || 'test-results/browser.xml' });
  return {
    onTestRunFinished: ({ sessions, ...rest }) =>
      junit.onTestRunFinished({ ...rest, sessions: sessions.map(completeResults) }),
  };
}

const files = ['test/element/**/*.test.ts', 'test/security/**/*.test.ts', 'test/frameworks/**/*.test.ts'];

/**
 * Each page as the launcher makes it, with a longer bound on its navigations: the launcher opens
 * each test file with `goto`, which waits for the page's load event, 30 s at most by default; a
 * loaded 2-core machine running every engine at once may take longer.
 */
const createPage = async ({ context }) => {
  const page = await context.newPage();
  page.setDefaultNavigationTimeout(120000);
  return page;
};

// The other engines run the same files (and a `--files` given on the command line), with the
// few tests that need the DevTools protocol skipped one by one. Groups take no `files` of
// their own, so that a focused run stays focused in every engine.
const firefoxPath = findFirefox();
const webkit = findWebKit();
const groups = [];
if (firefoxPath) {
  groups.push({
    name: 'firefox',
    browsers: [
      chromeLauncher({
        puppeteer: puppeteerCore,
        concurrency: 1,
        createPage,
        launchOptions: { browser: 'firefox', executablePath: firefoxPath, headless: true },
      }),
    ],
  });
}
if (webkit) groups.push({ name: 'webkit', browsers: [webkitLauncher(webkit)] });

export default {
  files,
  groups,
  nodeResolve: true,
  concurrency: 2,
  hostname: 'localhost',
  middleware: [fakeSpotnana],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'test/tsconfig.browser.json' }),
    listenerCount,
    detachedIframes,
    jsHeap,
    // test/frameworks: React components in .tsx, and the frameworks served from node_modules.
    esbuildPlugin({ tsx: true, target: 'es2022', tsconfig: 'test/frameworks/tsconfig.json' }),
    frameworksPlugin(),
  ],
  // Every engine at once (the runner's default is two browsers at a time): most of a browser
  // test's time is spent waiting on frames, timers and the network, not on the cores.
  concurrentBrowsers: 3,
  // Two pages in Chromium, alone or beside the other engines (one page each): its files take
  // the longest (the tests that only the DevTools protocol can answer run there).
  browsers: [
    chromeLauncher({
      concurrency: 2,
      createPage,
      launchOptions: { executablePath, headless: true, args: chromeArgs },
    }),
  ],
  // The last bound of a test that waits on events (test/element/helpers.ts `until` has no
  // deadline of its own): generous, so that a loaded 2-core machine is not a failure.
  // GREP=<words>: only the tests whose full title holds them, as written (a focused run).
  testFramework: { config: { timeout: 90000, ...(process.env.GREP && { grep: literalPattern(process.env.GREP) }) } },
  reporters: [defaultReporter(), summaryReporter(), junitResults()],
  // A file whose tests each run into their time-out still finishes, and names them.
  testsFinishTimeout: 900000,
  // A loaded 2-core CI machine running every engine at once may take a while to open a page,
  // and to start a test file's script in it (20 s by default: too short there for WebKit).
  browserStartTimeout: 120000,
  testsStartTimeout: 120000,
};
