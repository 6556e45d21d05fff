// The results of one test run, read from the JUnit XML its runner wrote (scripts/test.mjs):
// the counts of each suite it ran and its failed tests, each named (file, full title, its
// error's first line) with a command that runs that test alone.
//
//   node:test      --test-reporter=junit; it names no file, so a failed test's file is the
//                  first of the suite's files that its error's stack passes through (else all
//                  of them), and the command selects the test by its name, as node 20 can.
//   Web Test Runner  @web/test-runner-junit-reporter (web-test-runner.config.mjs); the command
//                  selects by the full title with GREP, which the config reads as written.
//   Playwright     its `junit` reporter; the command selects by file and full title.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** How much of an error's first line is kept. */
const MESSAGE_CHARS = 300;
/** The failed test that web-test-runner.config.mjs writes for a file that failed outside its tests. */
const WTR_FILE_ITSELF = '(the test file itself)';

/** Reads JUnit XML: attributes apart from child elements (node:test gives both a `failure`). */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributesGroupName: '$',
  attributeNamePrefix: '',
  cdataPropName: '#cdata',
  parseTagValue: false,
  isArray: (name) => ['testsuite', 'undefined', 'testcase', 'property', 'failure', 'error', 'skipped'].includes(name),
});
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A word for a POSIX shell: in single quotes, each `'` written as `'\\''`. */
const quote = (text) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * A run's results, one per part: its counts and its failed tests, each with a command that
 * runs it alone. Without JUnit files (a type check, a lint), the run is one check that passed
 * or failed by its exit code.
 */
export function readResults(run, code) {
  const parts = run.parts.map((part) => ({ ...part, passed: 0, failed: 0, skipped: 0, failures: [] }));
  const alone = `npm run ${run.script}`;
  if (!run.junit.length) {
    const [part] = parts;
    if (code === 0) part.passed = 1;
    else {
      part.failed = 1;
      part.failures.push({ title: `${run.script} exited with ${code}`, error: 'see its output above', alone });
    }
    return parts;
  }
  for (const junit of run.junit) {
    if (!existsSync(junit.path)) {
      parts[0].failed++;
      parts[0].failures.push({
        title: `${run.script} wrote no results to ${junit.path} (exit ${code})`,
        error: 'it stopped before its tests ended, or never ran them: see its output above',
        alone,
      });
      continue;
    }
    const text = readFileSync(junit.path, 'utf8');
    const valid = XMLValidator.validate(text);
    if (valid !== true) {
      // A runner stopped while it wrote: the counts below may be short.
      parts[0].failed++;
      parts[0].failures.push({
        title: `${junit.path} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`,
        error: `its counts may be short${summaryLine(text)}: see the suite's output above`,
        alone,
      });
    }
    const xml = parser.parse(text);
    const cases = testCases(xml.testsuites ?? xml);
    for (const testCase of cases) {
      const part = parts.find((p) => !p.engine || p.engine.browser.test(testCase.browser ?? '')) ?? parts[0];
      if (testCase.skipped) part.skipped++;
      else if (testCase.problem) {
        part.failed++;
        part.failures.push(describeFailure(junit, testCase, cases, part.engine));
      } else part.passed++;
    }
  }
  for (const part of parts) {
    if (part.passed + part.failed + part.skipped > 0) continue;
    part.failed++;
    part.failures.push({
      title: `${part.label} ran no test`,
      error: `exit ${code}: see its output above`,
      alone: part.engine ? `npx wtr --group ${part.engine.group}` : alone,
    });
  }
  if (code !== 0 && parts.every((part) => part.failed === 0)) {
    parts[0].failed++;
    parts[0].failures.push({
      title: `${run.script} exited with ${code}, and its results name no failed test`,
      error: 'something failed outside the tests: see its output above',
      alone,
    });
  }
  return parts;
}

/** node:test's own totals, from the comments that end its JUnit file: `; node:test counted tests 264, pass 261, …`. */
function summaryLine(text) {
  const totals = [...text.matchAll(/<!-- (tests|pass|fail|cancelled|skipped|todo) (\d+) -->/g)].map(
    ([, name, count]) => `${name} ${count}`,
  );
  return totals.length ? `; node:test counted ${totals.join(', ')}` : '';
}

/**
 * Every `<testcase>` under a JUnit element: its attributes, the names of the `<testsuite>`s
 * around it, its browser (Web Test Runner's), and its failure or error, if any.
 */
function testCases(element, suites = [], browser) {
  const found = (element.testcase ?? []).map((testCase) => {
    const problem = testCase.failure?.[0] ?? testCase.error?.[0];
    const attributes = { ...testCase.$, name: String(testCase.$?.name ?? '') };
    return {
      ...attributes,
      suites,
      browser,
      skipped: !!testCase.skipped,
      problem: problem && {
        ...problem.$,
        text: String(typeof problem === 'string' ? problem : (problem['#cdata'] ?? problem['#text'] ?? '')),
      },
    };
  });
  // node:test writes the suites of a test file that was stopped midway as <undefined> elements.
  for (const suite of [...(element.testsuite ?? []), ...(element.undefined ?? [])]) {
    const properties = suite.properties?.[0]?.property ?? suite.properties?.property;
    const name = properties?.find((p) => p.$?.name === 'browser.name')?.$.value ?? browser;
    // Web Test Runner names each file's <testsuite> after its browser and file, not a `describe`.
    const inner = properties ? suites : [...suites, String(suite.$?.name ?? '')];
    found.push(...testCases(suite, inner, name));
  }
  return found;
}

/** A failed test: its file, its full title, its error's first line, and how to run it alone. */
function describeFailure(junit, testCase, cases, engine) {
  const { problem, name } = testCase;
  const details = problem.text;
  if (junit.kind === 'wtr') {
    const title = [testCase.classname, name].filter(Boolean).join(' ');
    const file = testCase.file;
    const message = firstLine(problem.message);
    const error = problem.type && !message.startsWith(problem.type) ? `${problem.type}: ${message}` : message;
    if (name === WTR_FILE_ITSELF) {
      return {
        file,
        title: 'the file failed outside its tests',
        error,
        alone: `npx wtr --group ${engine.group} --files ${file}`,
      };
    }
    const others = cases.filter(
      (c) =>
        c !== testCase &&
        c.file === file &&
        c.browser === testCase.browser &&
        [c.classname, c.name].filter(Boolean).join(' ').includes(title),
    ).length;
    return {
      file,
      title: [testCase.classname, name].filter(Boolean).join(' › '),
      error,
      alone: `GREP=${quote(title)} npx wtr --group ${engine.group} --files ${file}`,
      note: others
        ? `(GREP also picks ${others} other test${others === 1 ? '' : 's'} whose title holds these words)`
        : '',
    };
  }
  if (junit.kind === 'playwright') {
    const file = `${junit.config}/${testCase.classname}`;
    const titles = name.split(' › ');
    const error = firstLine(details.replace(/^\s*\S+:\d+:\d+ .*\n/, ''));
    return {
      file,
      title: titles.join(' › '),
      error,
      alone: `npx playwright test -c ${junit.config} ${testCase.classname} -g ${quote(`${escapeRegExp(titles.join(' '))}$`)}`,
    };
  }
  // node:test: a file that failed outside its tests is a test named after the file.
  if (name.startsWith(ROOT)) {
    const file = relative(ROOT, name);
    const [, exitCode, signal] = /exitCode: (\w+), signal: '?(\w+)/.exec(details) ?? [];
    const ended =
      signal && signal !== 'null'
        ? `its process ended on ${signal}`
        : exitCode && `its process exited with ${exitCode}`;
    return {
      file,
      title: 'the file failed outside its tests',
      error: `${ended ? `${ended}: ` : ''}see the suite's output above`,
      alone: `node --import tsx --test --test-reporter=spec ${file}`,
    };
  }
  const files = expand(junit.files);
  const file = files
    .map((f) => ({ f, at: details.indexOf(join(ROOT, f)) }))
    .filter(({ at }) => at >= 0)
    .sort((a, b) => a.at - b.at)[0]?.f;
  const cause = /^\s*cause: (.*)$/m.exec(details)?.[1]?.replace(/^'(.*)'$/, '$1');
  const same = cases.filter((c) => c !== testCase && c.name === name).length;
  return {
    file: file ?? junit.files.join(' '),
    title: [...testCase.suites, name].join(' › '),
    error: firstLine(cause || problem.message),
    alone: `node --import tsx --test --test-reporter=spec --test-name-pattern=${quote(`^${escapeRegExp(name)}$`)} ${file ?? junit.files.join(' ')}`,
    note: same
      ? `(${same} other test${same === 1 ? ' has' : 's have'} this name: the command runs ${same === 1 ? 'it' : 'them'} too if in the same files)`
      : '',
  };
}

/** The files a list of paths and `dir/*.ext` globs names. */
function expand(paths) {
  return paths.flatMap((path) => {
    if (!path.includes('*')) return [path];
    const dir = dirname(path);
    const pattern = new RegExp(`^${basename(path).split('*').map(escapeRegExp).join('[^/]*')}$`);
    return existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => pattern.test(f))
          .map((f) => `${dir}/${f}`)
      : [];
  });
}

function firstLine(text = '') {
  const line =
    String(text)
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? '';
  return line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS)}…` : line;
}
