// A Web Test Runner reporter that ends a run with one plain line per browser:
//   Chromium: 230 passed, 0 failed, 3 skipped (16 files)
// and, under it, one line per failure:
//   ✖ test/element/lifecycle.test.ts › removal › mid-fetch: ...: AssertionError: expected [] to ...
// for people: the end of a long log still says what failed (machines read the JUnit XML that
// web-test-runner.config.mjs writes). A test file that failed outside its tests (it did not
// load, a hook threw, the browser crashed) counts as one failure, so that the counts never look
// green when the run was not.
import { relative } from 'node:path';

/** How much of an error message a failure line keeps: its first line, cut to this length. */
const MESSAGE_CHARS = 400;

const firstLine = (message = '') => {
  const line = message.split('\n').find((l) => l.trim()) ?? '';
  return line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS)}…` : line;
};

/**
 * @param {import('@web/test-runner-core').TestSuiteResult | undefined} suite
 * @param {string[]} path the test file, then the names of the enclosing suites
 */
function count(suite, totals, failures, path = []) {
  if (!suite) return totals;
  for (const test of suite.tests) {
    if (test.skipped) totals.skipped++;
    else if (test.passed) totals.passed++;
    else {
      totals.failed++;
      const name = [...path, test.name].join(' › ');
      failures.push(`${name}: ${firstLine(test.error?.message) || 'failed'}`);
    }
  }
  for (const child of suite.suites) count(child, totals, failures, [...path, child.name]);
  return totals;
}

/** @returns {import('@web/test-runner').Reporter} */
export function summaryReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const byBrowser = new Map();
      for (const session of sessions) {
        const name = session.browser.name;
        const totals = byBrowser.get(name) ?? { passed: 0, failed: 0, skipped: 0, files: 0, failures: [] };
        const before = totals.failed;
        const file = relative(process.cwd(), session.testFile);
        count(session.testResults, totals, totals.failures, [file]);
        if (session.passed === false && totals.failed === before) {
          totals.failed++;
          const why = session.errors.map((e) => firstLine(e.message)).find(Boolean) ?? 'the file did not finish';
          totals.failures.push(`${file}: ${why}`);
        }
        totals.files++;
        byBrowser.set(name, totals);
      }
      for (const [name, t] of byBrowser) {
        console.log(`${name}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${t.files} files)`);
        for (const failure of t.failures) console.log(`  ✖ ${failure}`);
      }
    },
  };
}
