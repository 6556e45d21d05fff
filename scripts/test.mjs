// `npm test`: every check and test suite of the repository, in one command that tells the truth.
//
//   1. The browsers first (before any build): no Chrome or Chromium, or a CHROME_PATH,
//      FIREFOX_PATH or WEBKIT_DRIVER_PATH that leads nowhere, stops here with a hint.
//   2. One build (`npm run build`).
//   3. `typecheck`, `lint` and every `test:*` script of package.json, each run even when an
//      earlier one failed: first the suites that only compute, two at a time; then two lanes
//      side by side: the browser tests in every engine found (Chromium, Firefox, WebKit; one Web
//      Test Runner run for all of them) in one lane, the other suites one after another in the
//      other. Each suite's output is printed whole when it ends, so that the log reads one
//      suite at a time.
//   4. Each test runner writes JUnit XML into test-results/ (git-ignored), and the counts and
//      the failed tests are read from there. A suite that exits non-zero with no failed test in
//      its results, or that writes none, has failed all the same, with the reason said.
//   5. One summary line per suite (its passed, failed and skipped counts, and its time), each
//      failed test named under it (file, title, its error's first line) with a command that
//      runs it alone, then a last line `N passed, N failed`, and a non-zero exit when anything
//      failed: the end of a long log says what failed and how to run it again.
//
// `node scripts/test.mjs [--no-build] [--serial] [name...]` runs only the suites whose name
// contains one of the names (e.g. `node scripts/test.mjs --no-build node webkit`); `--serial`
// runs every suite and engine one after another, as on a machine too busy for more.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readResults } from './junit-results.mjs';
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
/**
 * The suites that only compute (no browser, no server, nothing to wait for): they run two at a
 * time, one a core, before the browsers start. Beside three browsers they took 5 to 10 times as long.
 */
const COMPUTE_ONLY = new Set(['typecheck', 'lint', 'test:size', 'test:docs', 'test:types', 'test:package']);
/** How many compute-only suites run at once: one a core of the machines this runs on. */
const COMPUTE_AT_ONCE = 2;
/** Scripts that run others (this runner) and so are not suites of their own. */
const RUNS_THIS_RUNNER = /scripts\/test\.mjs/;
const MS_PER_S = 1000;
/** Failed tests named in the summary, per suite (its output above has them all). */
const FAILURES_SHOWN = 20;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = 'test-results';

// Under `npm test`, `node` is the first on npm's PATH, which puts node_modules/.bin first: a
// dependency's own `node` bin would run everything. Run on the Node that runs npm instead.
const npmNode = process.env.npm_node_execpath;
if (npmNode && npmNode !== process.execPath) {
  const child = spawn(npmNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  await new Promise(() => {}); // the child's exit ends this process
}
process.chdir(ROOT);

const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const serial = args.includes('--serial');
const filters = args.filter((arg) => !arg.startsWith('--'));

// 1. Browsers, before anything slow.
const problems = browserPathProblems();
if (problems.length) fail(problems.join('\n'));
if (!findChrome()) fail(chromeHint);
/** The engines of the browser tests: `group` is Web Test Runner's, `browser` the name its results give. */
const engines = [{ name: 'chromium', group: 'default', browser: /chrom/i }];
const missing = [];
if (findFirefox()) engines.push({ name: 'firefox', group: 'firefox', browser: /firefox/i });
else missing.push({ name: 'firefox', hint: firefoxHint });
if (findWebKit()) engines.push({ name: 'webkit', group: 'webkit', browser: /webkit/i });
else missing.push({ name: 'webkit', hint: webkitHint });
for (const { hint } of missing) console.warn(`Warning: ${hint}`);

// The suites, in order, and the runs (processes) that run them.
const { scripts } = JSON.parse(readFileSync('package.json', 'utf8'));
const names = [
  ...CHECKS.filter((name) => scripts[name]),
  ...Object.keys(scripts).filter((name) => name.startsWith('test:')),
].filter((name) => !RUNS_THIS_RUNNER.test(scripts[name]));
const chosen = (label) => !filters.length || filters.some((filter) => label.includes(filter));

/** The compute-only suites, run before the lanes. */
const computeRuns = [];
/** The browser lane: one run for every engine chosen, or one per engine when only some are. */
const browserRuns = [];
/** The other lane: every other suite, in package.json's order. */
const otherRuns = [];
for (const name of names) {
  if (name !== 'test:browser') {
    if (chosen(name))
      (COMPUTE_ONLY.has(name) && !serial ? computeRuns : otherRuns).push(makeRun(name, [{ label: name }]));
    continue;
  }
  const picked = engines.filter((engine) => chosen(`${name} (${engine.name})`));
  if (!serial && picked.length && picked.length === engines.length) {
    // Not test-results/browser.xml, which any other `wtr` (one inside the node tests) writes.
    browserRuns.push(makeRun(name, picked.map(enginePart), { file: `${RESULTS}/browser-engines.xml` }));
  } else {
    for (const engine of picked) {
      browserRuns.push(
        makeRun(name, [enginePart(engine)], {
          extra: ['--group', engine.group],
          file: `${RESULTS}/browser-${engine.name}.xml`,
        }),
      );
    }
  }
}
function enginePart(engine) {
  return { label: `test:browser (${engine.name})`, engine };
}

const running = new Set();
// The suites run in process groups of their own: Ctrl-C or a CI's SIGTERM is passed on to each.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.on(signal, () => {
    for (const child of running) stop(child, signal);
    process.exit(code);
  });
}

const started = Date.now();
const results = [];

// 2. One build.
if (build) {
  const result = await execute(makeRun('build', [{ label: 'build' }]));
  if (result.parts.some((part) => part.failed)) {
    summary();
    process.exit(1);
  }
}

// 3. Every suite, whatever the ones before did: the compute-only ones two at a time, then the
//    lanes side by side.
mkdirSync(RESULTS, { recursive: true });
await Promise.all(
  Array.from({ length: COMPUTE_AT_ONCE }, async () => {
    for (let run = computeRuns.shift(); run; run = computeRuns.shift()) await execute(run);
  }),
);
const lanes = (serial ? [[...otherRuns, ...browserRuns]] : [browserRuns, otherRuns]).filter((lane) => lane.length);
await Promise.all(
  lanes.map(async (lane) => {
    for (const run of lane) await execute(run);
  }),
);

// 4. and 5. The summary.
const failed = summary();
process.exit(failed ? 1 : 0);

function fail(message) {
  console.error(message);
  process.exit(1);
}

/**
 * One process: a package.json script (plus `extra` arguments) and the suites (`parts`) whose
 * results it gives. Its JUnit files: each `--test-reporter-destination` of the script that
 * names one (node:test), and the one Web Test Runner or Playwright is told to write.
 */
function makeRun(script, parts, { extra = [], file } = {}) {
  const command = [scripts[script], ...extra].join(' ');
  const env = {};
  const junit = [...command.matchAll(/--test-reporter-destination[= ](\S+\.xml)\b/g)].map(([, path]) => ({
    path,
    kind: 'node',
    files: testFilesBefore(command, path),
  }));
  if (/(^|&& *)wtr\b/.test(command)) {
    env.WTR_JUNIT_FILE = file ?? `${RESULTS}/${script.replace(/^test:/, '')}.xml`;
    junit.push({ path: env.WTR_JUNIT_FILE, kind: 'wtr' });
  }
  const playwright = /playwright test -c (\S+)/.exec(command);
  if (playwright) {
    env.PLAYWRIGHT_JUNIT_OUTPUT_FILE = join(ROOT, `${RESULTS}/${script.replace(/^test:/, '')}-playwright.xml`);
    junit.push({ path: relative(ROOT, env.PLAYWRIGHT_JUNIT_OUTPUT_FILE), kind: 'playwright', config: playwright[1] });
  }
  return { script, command, env, junit, parts };
}

/** The test files (or their globs) of the node:test command, in a script, that writes `destination`. */
function testFilesBefore(command, destination) {
  const step = command.split('&&').find((part) => part.includes(destination)) ?? '';
  return step.split(/\s+/).filter((word) => /\.ts$/.test(word) && !word.startsWith('-'));
}

/**
 * Runs one process as `npm run` would (node_modules/.bin on the PATH), except that `node`
 * stays the Node that runs this runner: a dependency with a `node` bin of its own (an older
 * Node release to test against) must not silently become every suite's Node. Its output is
 * kept and printed whole when it ends; then its results are read.
 */
async function execute(run) {
  const label = run.parts.map((part) => part.label).join(', ');
  console.log(`┄┄ ${label}: started ┄┄`);
  const begun = Date.now();
  const bin = join(ROOT, 'node_modules/.bin');
  const path = [dirname(process.execPath), bin, process.env.PATH].join(delimiter);
  for (const { path: file } of run.junit) rmSync(file, { force: true });
  const child = spawn(run.command, {
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: true,
    detached: true, // a process group of its own, stopped whole on a signal
    env: { ...process.env, PATH: path, ...run.env },
  });
  running.add(child);
  const output = [];
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  const code = await new Promise((resolve) => child.on('close', (exitCode, signal) => resolve(exitCode ?? signal)));
  running.delete(child);
  const seconds = (Date.now() - begun) / MS_PER_S;
  process.stdout.write(`\n━━ ${label} ━━\n$ ${run.command}\n`);
  process.stdout.write(Buffer.concat(output));
  process.stdout.write(`━━ ${label}: exit ${code}, ${seconds.toFixed(1)} s ━━\n`);
  const result = { run, seconds, parts: readResults(run, code) };
  results.push(result);
  return result;
}

function stop(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Prints one line per suite and the totals; returns the number of failures. */
function summary() {
  const parts = results.flatMap((result) => result.parts.map((part) => ({ ...part, seconds: result.seconds })));
  const width = Math.max(...parts.map((p) => p.label.length), ...missing.map((m) => `test:browser (${m.name})`.length));
  console.log('\n━━ summary ━━');
  let passed = 0;
  let failed = 0;
  for (const p of parts) {
    passed += p.passed;
    failed += p.failed;
    const status = p.failed ? 'FAIL' : 'ok  ';
    console.log(
      `${status} ${p.label.padEnd(width)}  ${p.passed} passed, ${p.failed} failed, ${p.skipped} skipped  ${p.seconds.toFixed(1)} s`,
    );
    for (const f of p.failures.slice(0, FAILURES_SHOWN)) {
      console.log(`     ✖ ${f.file ? `${f.file} › ` : ''}${f.title}`);
      if (f.error) console.log(`       ${f.error}`);
      console.log(`       run alone: ${f.alone}${f.note ? `  ${f.note}` : ''}`);
    }
    if (p.failures.length > FAILURES_SHOWN) console.log(`     … and ${p.failures.length - FAILURES_SHOWN} more above`);
  }
  for (const m of missing) console.log(`skip ${`test:browser (${m.name})`.padEnd(width)}  not run: ${m.hint}`);
  console.log(`wall time ${((Date.now() - started) / MS_PER_S).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed;
}
