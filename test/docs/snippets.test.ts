// Every code block of README.md and docs/*.md still compiles (snippets.ts says how each
// language is checked), and the blocks marked `run` run against a Spotnana emulator. It checks
// the built package's types: `npm run build` first when run alone.
//
// A `run` block is run with `node --import tsx`, in the repository (so `spotnana-embed`
// resolves to dist/), with this environment, and must exit with status 0:
//   SPOTNANA_API_URL, SPOTNANA_EMBED_URL  the emulator (API and embed app on one origin)
//   SPOTNANA_CLIENT_ID, SPOTNANA_CLIENT_SECRET, SPOTNANA_ORG_ID  its demo client
//   SPOTNANA_SUBJECT_TOKEN  a host access token that the emulator's user-detail call accepts
//   PORT=0  (a block that starts a server should pick a free port and stop by itself)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startEmulator } from 'spotnana-embed/emulator';
import { check, documentation, extract, isJavaScript, isTypeScript, modulePath, type Snippet } from './snippets.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = fileURLToPath(new URL('../../.cache/snippets/', import.meta.url));
const SUBJECT_TOKEN = 'docs-subject-token';
const USER = 'docs@example.com';

const snippets = documentation(root);
const checked = snippets.filter((s) => isTypeScript(s) || isJavaScript(s) || s.lang === 'json');
let checkedOnce: Map<Snippet, string[]> | undefined;
/** One program checks every block, the first time a test asks. */
const problemsOf = (snippet: Snippet) => (checkedOnce ??= check(snippets, dir)).get(snippet);

describe('documentation code blocks compile', () => {
  for (const file of [...new Set(checked.map((s) => s.file))]) {
    describe(file, () => {
      for (const snippet of checked.filter((s) => s.file === file)) {
        it(`${snippet.where} (${snippet.lang})`, () => {
          assert.deepEqual(problemsOf(snippet), [], `${snippet.where} no longer compiles`);
        });
      }
    });
  }
});

describe('documentation code blocks marked `run` run against the emulator', () => {
  const runnable = snippets.filter((s) => s.run && (isTypeScript(s) || isJavaScript(s)));
  let emulator: { url: string; close(): Promise<void> };
  let userDetail: Server;

  before(async () => {
    // The host's user-detail API, as Spotnana calls it: one known subject token.
    userDetail = createServer((req, res) => {
      const known = req.headers.authorization === `Bearer ${SUBJECT_TOKEN}`;
      res.writeHead(known ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(known ? { user: { email: USER } } : { error: 'unauthenticated' }));
    });
    userDetail.listen(0, '127.0.0.1');
    await once(userDetail, 'listening');
    const address = userDetail.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    emulator = await startEmulator({ userDetailUrl: `http://127.0.0.1:${port}/user-detail`, users: [USER] });
  });

  after(async () => {
    await emulator?.close();
    userDetail?.close();
  });

  for (const snippet of runnable) {
    it(`${snippet.where} (${snippet.lang}) exits with status 0`, async () => {
      assert.deepEqual(problemsOf(snippet), [], 'it compiles');
      const child = spawn(process.execPath, ['--import', 'tsx', modulePath(snippets, snippet, dir)], {
        cwd: root,
        env: {
          ...process.env,
          SPOTNANA_API_URL: emulator.url,
          SPOTNANA_EMBED_URL: emulator.url,
          SPOTNANA_CLIENT_ID: 'demo-client',
          SPOTNANA_CLIENT_SECRET: 'demo-secret',
          SPOTNANA_ORG_ID: 'demo-org',
          SPOTNANA_SUBJECT_TOKEN: SUBJECT_TOKEN,
          PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const [code] = await once(child, 'exit');
      assert.equal(code, 0, `${snippet.where} exited with ${code}:\n${output}`);
    });
  }
});

describe('the snippet check can fail', () => {
  it('a block that no longer compiles is reported at its line in the Markdown file', () => {
    const markdown = [
      '# Doc',
      '',
      '```ts',
      "import { createTokenHandler } from 'spotnana-embed/server';",
      "const handler: number = createTokenHandler({ env: 'sandbox', clientId: 'a', clientSecret: 'b', getSubjectToken: () => 'c' });",
      '```',
      '',
      '```js',
      'const broken = ;',
      '```',
      '',
      '```json',
      '{ "not": json }',
      '```',
    ].join('\n');
    const blocks = extract(markdown, 'broken.md');
    assert.deepEqual(
      blocks.map((b) => [b.where, b.lang]),
      [
        ['broken.md:3', 'ts'],
        ['broken.md:8', 'js'],
        ['broken.md:12', 'json'],
      ],
    );
    const found = check(blocks, `${dir}self-test/`);
    assert.match(
      found.get(blocks[0]!)!.join('\n'),
      /^broken\.md:5: TS2322: Type '.*' is not assignable to type 'number'/m,
    );
    assert.match(found.get(blocks[1]!)!.join('\n'), /^broken\.md:9: TS1109: Expression expected/m);
    assert.match(found.get(blocks[2]!)!.join('\n'), /^broken\.md:12: not JSON/);
  });
});

describe("the README's early listener", () => {
  it('is the script earlyListenerScript() gives, with its CSP hash', async () => {
    const { earlyListenerScript } = await import('spotnana-embed/early-frame');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const script = earlyListenerScript('/api/spotnana-token');
    assert.ok(readme.includes(`<script>${script}</script>`), 'the script in the README is the current one');
    const hash = createHash('sha256').update(script).digest('base64');
    assert.ok(readme.includes(`'sha256-${hash}'`), `the README gives its hash: 'sha256-${hash}'`);
    assert.ok(
      readme.includes(`inline script (${script.length} bytes)`),
      `the README gives its size: ${script.length} bytes`,
    );
  });
});
