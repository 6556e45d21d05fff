// docs/troubleshooting.md lists every error code a user can meet, read from the source so that
// a new code without its row fails here: the element's `spotnana-error` codes (src/events.ts
// and the sessions' own), the token route's and the user-detail route's JSON `error`s, the
// TokenExchangeError codes (src/server/), and the emulator's embed app's `errorCode`s.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import ts from 'typescript';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const sourceFiles = (dir: string) =>
  readdirSync(new URL(dir, root))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `${dir}${name}`);

/** The string literal members of the named type aliases and interface properties of a file. */
function literalTypes(path: string, names: string[]): string[] {
  const file = ts.createSourceFile(path, read(path), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const collect = (node: ts.Node): void => {
    if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) found.push(node.literal.text);
    ts.forEachChild(node, collect);
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isTypeAliasDeclaration(node) || ts.isPropertySignature(node)) && names.includes(node.name.getText()))
      collect(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Every match of `pattern`'s first group in the files. */
const matches = (paths: string[], pattern: RegExp) =>
  paths.flatMap((path) => [...read(path).matchAll(pattern)].map((match) => match[1]!));

const codes = {
  'the element (src/events.ts)': literalTypes('src/events.ts', ['ConfigErrorCode', 'TokenErrorCode', 'code']),
  "the element's sessions": matches(sourceFiles('src/'), /\bcode: '([\w-]+)'/g),
  "the server's codes (src/server/errors.ts)": literalTypes('src/server/errors.ts', [
    'TokenExchangeErrorCode',
    'TokenHandlerErrorCode',
  ]),
  "the routes' JSON answers (src/server/)": matches(sourceFiles('src/server/'), /\berror: '(\w+)'/g),
  "the emulator's embed app (src/emulator/app/)": matches(
    sourceFiles('src/emulator/app/'),
    /'([A-Z][A-Z_]{3,})'/g,
  ).filter((code) => !code.startsWith('TOKEN_EXCHANGE_')),
};

/** The codes in the table's second column. */
const listed = new Set(
  read('docs/troubleshooting.md')
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => /^\|[^|]*\| `([^`]+)` \|/.exec(line)?.[1])
    .filter((code) => code !== undefined),
);

describe('docs/troubleshooting.md lists every error code', () => {
  for (const [where, found] of Object.entries(codes)) {
    it(`every code of ${where}`, () => {
      assert.ok(found.length > 0, `no code found in ${where}: the test no longer reads it`);
      const missing = [...new Set(found)].filter((code) => !listed.has(code));
      assert.deepEqual(missing, [], `codes of ${where} missing from the table: ${missing.join(', ')}`);
    });
  }
});
