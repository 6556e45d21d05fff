// A Playwright reporter that ends a run with one plain line per project, in the form of
// scripts/wtr-summary-reporter.mjs:
//   Playwright (chromium): 6 passed, 0 failed, 0 skipped (1 file)
// and, under it, one line per failure:
//   ✖ spotnana.spec.ts:42 › (b) the frame rejects ...: Error: expect(locator).toHaveAttribute ...
// for people, and for scripts/test.mjs, which reads these lines into its summary. A run that
// failed outside its tests (the config did not load, a fixture of the worker threw, a time-out
// of the whole run) counts as one failure, so that the counts never look green when it was not.

/** How much of an error message a failure line keeps: its first line, cut to this length. */
const MESSAGE_CHARS = 400;

// eslint-disable-next-line no-control-regex -- colour codes in Playwright's messages
const plain = (text = '') => text.replace(/\x1b\[[0-9;]*m/g, '');
const firstLine = (message = '') => {
  const line =
    plain(message)
      .split('\n')
      .find((l) => l.trim()) ?? '';
  return line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS)}…` : line.trim();
};

/** @implements {import('@playwright/test/reporter').Reporter} */
export default class SummaryReporter {
  /** @type {Map<string, { passed: number, failed: number, skipped: number, files: Set<string>, failures: string[] }>} */
  #projects = new Map();
  #errors = [];

  printsToStdio() {
    return false;
  }

  /** @param {import('@playwright/test/reporter').TestCase} test @param {import('@playwright/test/reporter').TestResult} result */
  onTestEnd(test, result) {
    // Only a test's last attempt counts (a test that passed on a retry passed).
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') return;
    const project = test.parent.project()?.name || test.parent.project()?.use?.browserName || 'chromium';
    const totals = this.#projects.get(project) ?? { passed: 0, failed: 0, skipped: 0, files: new Set(), failures: [] };
    const file = test.location.file.split(/[\\/]/).pop();
    totals.files.add(test.location.file);
    const outcome = test.outcome();
    if (outcome === 'skipped') totals.skipped++;
    else if (outcome === 'expected' || outcome === 'flaky') totals.passed++;
    else {
      totals.failed++;
      const name = [`${file}:${test.location.line}`, ...test.titlePath().slice(3)].join(' › ');
      const why = firstLine(result.errors[0]?.message ?? result.error?.message) || result.status;
      totals.failures.push(`${name}: ${why}`);
    }
    this.#projects.set(project, totals);
  }

  /** @param {import('@playwright/test/reporter').TestError} error */
  onError(error) {
    this.#errors.push(firstLine(error.message ?? error.value) || 'error');
  }

  /** @param {import('@playwright/test/reporter').FullResult} result */
  onEnd(result) {
    if (this.#projects.size === 0)
      this.#projects.set('chromium', { passed: 0, failed: 0, skipped: 0, files: new Set(), failures: [] });
    const [first] = this.#projects.values();
    if (this.#errors.length) {
      first.failed += this.#errors.length;
      first.failures.push(...this.#errors.map((e) => `outside the tests: ${e}`));
    } else if (result.status !== 'passed' && [...this.#projects.values()].every((t) => t.failed === 0)) {
      first.failed++;
      first.failures.push(`the run ended with status ${result.status}`);
    }
    for (const [name, t] of this.#projects) {
      const files = t.files.size;
      console.log(
        `Playwright (${name}): ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${files} file${files === 1 ? '' : 's'})`,
      );
      for (const failure of t.failures) console.log(`  ✖ ${failure}`);
    }
  }
}
