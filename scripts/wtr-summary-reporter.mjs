// A Web Test Runner reporter that ends a run with one plain line per browser:
//   Chromium: 230 passed, 0 failed, 3 skipped (16 files)
// for people, and for scripts/test.mjs, which reads these lines into its summary. A test file
// that failed outside its tests (it did not load, a hook threw, the browser crashed) counts as
// one failure, so that the counts never look green when the run was not.

/** @param {import('@web/test-runner-core').TestSuiteResult | undefined} suite */
function count(suite, totals) {
  if (!suite) return totals;
  for (const test of suite.tests) {
    if (test.skipped) totals.skipped++;
    else if (test.passed) totals.passed++;
    else totals.failed++;
  }
  for (const child of suite.suites) count(child, totals);
  return totals;
}

/** @returns {import('@web/test-runner').Reporter} */
export function summaryReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const byBrowser = new Map();
      for (const session of sessions) {
        const name = session.browser.name;
        const totals = byBrowser.get(name) ?? { passed: 0, failed: 0, skipped: 0, files: 0 };
        const before = totals.failed;
        count(session.testResults, totals);
        if (session.passed === false && totals.failed === before) totals.failed++;
        totals.files++;
        byBrowser.set(name, totals);
      }
      for (const [name, t] of byBrowser) {
        console.log(`${name}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${t.files} files)`);
      }
    },
  };
}
