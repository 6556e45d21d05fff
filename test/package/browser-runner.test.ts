// The browser test runner, on tests that fail on purpose (test/support/runner): each failure
// comes back named with its reason, in the summary that ends the log, and the run finishes.
// A failed assertion that compares a DOM node or a promise used to stall the browser instead
// (the runner walks `actual` and `expected` whole), and a time-out said only "Timeout of N ms".
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { ROOT, bin } from '../support/processes.js';

const FILE = 'test/support/runner/failing.browser.ts';
/** The bound of the whole run: a stalled browser ends the test here instead of hanging it. */
const RUN_BOUND_MS = 120_000;

async function runFailingFile(env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  // A process group of its own: a stalled run is ended with its browser.
  const child = spawn(bin('wtr'), ['--group', 'default', '--files', FILE], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const bound = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), RUN_BOUND_MS);
  const [code] = await once(child, 'exit');
  clearTimeout(bound);
  return { code, output };
}

describe('the browser test runner', () => {
  it('names each failure with its reason, DOM nodes, promises and time-outs included, and finishes', async () => {
    const { code, output } = await runFailingFile();
    const summary = output.slice(output.lastIndexOf(': 0 passed, 3 failed'));
    assert.notEqual(code, 0, output);
    assert.match(output, /: 0 passed, 3 failed, 0 skipped \(1 files\)/, output);
    const prefix = `  ✖ ${FILE} › failing on purpose › `;
    assert.ok(summary.includes(`${prefix}compares a DOM node: the page body: expected <body>`), summary);
    assert.ok(summary.includes(`${prefix}compares another page's element and promise: expected [`), summary);
    assert.ok(
      summary.includes(`${prefix}runs out of time: while waiting for a sign that never comes: ran out of its 500 ms`),
      summary,
    );
  });

  it('runs only the tests whose title holds the words of GREP, as written, and reports the others as skipped', async () => {
    const { output } = await runFailingFile({ GREP: "another page's element and promise" });
    assert.match(output, /: 0 passed, 1 failed, 2 skipped \(1 files\)/, output);
    assert.ok(
      output.includes(
        "  ✖ test/support/runner/failing.browser.ts › failing on purpose › compares another page's element",
      ),
      output,
    );
  });
});
