// `npm test`: every check and test suite of the repository, in one command that tells the truth.
//
//   1. The browsers first (before any build): no Chrome or Chromium, or a CHROME_PATH,
//      FIREFOX_PATH or WEBKIT_DRIVER_PATH that leads nowhere, stops here with a hint.
//   2. One build (`npm run build`).
//   3. `typecheck`, `lint` and every `test:*` script of package.json, each run even when an
//      earlier one failed; `test:browser` once per engine found (Chromium, Firefox, WebKit).
//   4. One summary line per suite (its passed, failed and skipped counts, and its time), each
//      failed test named under its suite's line, then a last line `N passed, N failed`, and a
//      non-zero exit when anything failed: the end of a long log says what failed.
//
// `node scripts/test.mjs [--no-build] [name...]` runs only the suites whose name contains one
// of the names (e.g. `node scripts/test.mjs --no-build node webkit`).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  browserPathProblems,
  chromeHint,
  findChrome,
  findFirefox,
  findWebKit,
  firefoxHint,
  webkitHint,
} from './find-chrome.mjs';

/** Scripts run before the `test:*` ones, when package.json has them. */
const CHECKS = ['typecheck', 'lint'];
/** Scripts that run others (this runner) and so are not suites of their own. */
const RUNS_THIS_RUNNER = /scripts\/test\.mjs/;
const MS_PER_S = 1000;
/** Failed tests named in the summary, per suite (the log above has them all). */
const FAILURES_SHOWN = 20;

// Under `npm test`, `node` is the first on npm's PATH, which puts node_modules/.bin first: a
// dependency's own `node` bin would run everything. Run on the Node that runs npm instead.
const npmNode = process.env.npm_node_execpath;
if (npmNode && npmNode !== process.execPath) {
  const child = spawn(npmNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  await new Promise(() => {}); // the child's exit ends this process
}

const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const filters = args.filter((arg) => !arg.startsWith('--'));

// 1. Browsers, before anything slow.
const problems = browserPathProblems();
if (problems.length) fail(problems.join('\n'));
if (!findChrome()) fail(chromeHint);
const engines = [{ name: 'chromium', group: 'default' }];
const missing = [];
if (findFirefox()) engines.push({ name: 'firefox', group: 'firefox' });
else missing.push({ name: 'firefox', hint: firefoxHint });
if (findWebKit()) engines.push({ name: 'webkit', group: 'webkit' });
else missing.push({ name: 'webkit', hint: webkitHint });
for (const { hint } of missing) console.warn(`Warning: ${hint}`);

// The suites, in order.
const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const names = [
  ...CHECKS.filter((name) => scripts[name]),
  ...Object.keys(scripts).filter((name) => name.startsWith('test:')),
];
const suites = names
  .filter((name) => !RUNS_THIS_RUNNER.test(scripts[name]))
  .flatMap((name) =>
    name === 'test:browser'
      ? engines.map((engine) => ({ label: `${name} (${engine.name})`, script: name, extra: ['--group', engine.group] }))
      : [{ label: name, script: name, extra: [] }],
  )
  .filter((suite) => !filters.length || filters.some((filter) => suite.label.includes(filter)));

const results = [];
let current;
process.on('SIGINT', () => {
  current?.kill('SIGINT');
  process.exit(130);
});

// 2. One build.
if (build) {
  const result = await run({ label: 'build', script: 'build', extra: [] });
  if (result.failed) {
    summary();
    process.exit(1);
  }
}

// 3. Every suite, whatever the ones before did.
for (const suite of suites) await run(suite);

// 4. The summary.
const failed = summary();
process.exit(failed ? 1 : 0);

function fail(message) {
  console.error(message);
  process.exit(1);
}

/**
 * Runs one package.json script as `npm run` would (node_modules/.bin on the PATH), except that
 * `node` stays the Node that runs this runner: a dependency with a `node` bin of its own (an
 * older Node release to test against) must not silently become every suite's Node. Its output
 * is passed through as it comes, and read for its counts.
 */
async function run(suite) {
  const command = [scripts[suite.script], ...suite.extra].join(' ');
  console.log(`\n━━ ${suite.label} ━━\n$ ${command}`);
  const started = Date.now();
  const bin = fileURLToPath(new URL('../node_modules/.bin', import.meta.url));
  const path = [dirname(process.execPath), bin, process.env.PATH].join(delimiter);
  const child = spawn(command, { stdio: ['ignore', 'pipe', 'pipe'], shell: true, env: { ...process.env, PATH: path } });
  current = child;
  let output = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    process.stderr.write(chunk);
    output += chunk;
  });
  const code = await new Promise((resolve) => child.on('close', (exitCode, signal) => resolve(exitCode ?? signal)));
  current = undefined;
  const text = output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''); // eslint-disable-line no-control-regex
  const result = {
    label: suite.label,
    seconds: (Date.now() - started) / MS_PER_S,
    failures: failures(text),
    ...counts(text, code),
  };
  results.push(result);
  return result;
}

/**
 * A suite's counts, from the summary lines its runner prints: Web Test Runner's (through
 * scripts/wtr-summary-reporter.mjs) and Playwright's (through scripts/playwright-summary-reporter.mjs),
 * in one form; node:test's (spec or TAP). A suite may print both kinds (test:examples): they add up. A suite without counts (a type
 * check, a lint) counts as one check. A non-zero exit with no failure counted is one failure.
 */
function counts(text, code) {
  const total = { passed: 0, failed: 0, skipped: 0, counted: false };
  for (const [, passed, failed, skipped] of text.matchAll(
    /^\S[^:\n]*: (\d+) passed, (\d+) failed, (\d+) skipped \(\d+ files?\)$/gm,
  )) {
    add(total, +passed, +failed, +skipped);
  }
  const node = (name) => [...text.matchAll(new RegExp(`^(?:ℹ|#) ${name} (\\d+)$`, 'gm'))].map((m) => +m[1]);
  const pass = node('pass');
  if (pass.length) {
    const sum = (list) => list.reduce((a, b) => a + b, 0);
    add(total, sum(pass), sum(node('fail')) + sum(node('cancelled')), sum(node('skipped')) + sum(node('todo')));
  }
  if (!total.counted) add(total, code === 0 ? 1 : 0, code === 0 ? 0 : 1, 0);
  else if (code !== 0 && total.failed === 0) total.failed = 1;
  return total;
}

/**
 * The failed tests a suite's output names: the `✖` lines under Web Test Runner's and Playwright's
 * count lines (scripts/wtr-summary-reporter.mjs, scripts/playwright-summary-reporter.mjs), and node:test's "failing tests" list (spec reporter): the
 * file and line, the test's name and its error's first line.
 */
function failures(text) {
  const found = [...text.matchAll(/^\S[^:\n]*: \d+ passed, \d+ failed.*\n((?: {2}✖ .*\n?)*)/gm)].flatMap(([, lines]) =>
    lines
      .split('\n')
      .filter(Boolean)
      .map((line) => line.trim().slice(2)),
  );
  for (const [, where, name, error] of text.matchAll(/^test at (\S+)\n✖ (.+?)(?: \([\d.]+ms\))?\n\s*(.*)$/gm)) {
    found.push(`${where} › ${name}: ${error}`);
  }
  return [...new Set(found)];
}

function add(total, passed, failed, skipped) {
  total.passed += passed;
  total.failed += failed;
  total.skipped += skipped;
  total.counted = true;
}

/** Prints one line per suite and the totals; returns the number of failures. */
function summary() {
  const width = Math.max(
    ...results.map((r) => r.label.length),
    ...missing.map((m) => `test:browser (${m.name})`.length),
  );
  console.log('\n━━ summary ━━');
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    passed += r.passed;
    failed += r.failed;
    const status = r.failed ? 'FAIL' : 'ok  ';
    console.log(
      `${status} ${r.label.padEnd(width)}  ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped  ${r.seconds.toFixed(1)} s`,
    );
    for (const failure of r.failures.slice(0, FAILURES_SHOWN)) console.log(`       ✖ ${failure}`);
    if (r.failures.length > FAILURES_SHOWN)
      console.log(`       … and ${r.failures.length - FAILURES_SHOWN} more above`);
  }
  for (const m of missing) console.log(`skip ${`test:browser (${m.name})`.padEnd(width)}  not run: ${m.hint}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}
