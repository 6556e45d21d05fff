// The code blocks of the documentation (README.md and docs/*.md), extracted and checked:
//   ```ts / ```tsx / ```typescript   type-checked under `strict`, each block a module of its
//                                    own with its imports (the package's own names resolve to
//                                    dist/, so `npm run build` first)
//   ```js / ```mjs / ```javascript   parsed (a syntax error fails)
//   ```json                          parsed with JSON.parse
//   anything else (sh, html, text)   not checked
// A TypeScript or JavaScript block whose info string says `run` (```ts run) is also run, with
// Node, against a Spotnana emulator (see snippets.test.ts for what it is given).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface Snippet {
  /** Where it is: `README.md:42` (the line of its opening fence). */
  where: string;
  file: string;
  line: number;
  lang: string;
  run: boolean;
  code: string;
}

const TYPESCRIPT = new Set(['ts', 'tsx', 'typescript']);
const JAVASCRIPT = new Set(['js', 'mjs', 'javascript']);

/** Every fenced code block of `markdown` (``` or ~~~ fences, any length of three or more). */
export function extract(markdown: string, file: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, , fence, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^ {0,3}${fence![0]}{${fence!.length},}\\s*$`).test(lines[j]!))
      body.push(lines[j++]!);
    snippets.push({
      where: `${file}:${i + 1}`,
      file,
      line: i + 1,
      lang: lang!.toLowerCase(),
      run: /\brun\b/.test(rest!),
      code: body.join('\n') + '\n',
    });
    i = j;
  }
  return snippets;
}

/** README.md and docs/*.md of the repository at `root`. */
export function documentation(root: string): Snippet[] {
  const files = [
    'README.md',
    ...readdirSafe(join(root, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ];
  return files.flatMap((file) => extract(readFileSync(join(root, file), 'utf8'), file));
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

export const isTypeScript = (s: Snippet) => TYPESCRIPT.has(s.lang);
export const isJavaScript = (s: Snippet) => JAVASCRIPT.has(s.lang);
function extension(s: Snippet) {
  if (s.lang === 'tsx') return 'tsx';
  return isTypeScript(s) ? 'ts' : 'mjs';
}

/**
 * Writes the TypeScript and JavaScript snippets as modules under `dir` (inside the repository,
 * so that `spotnana-embed` and its dependencies resolve as they would in an app) and checks
 * them in one program. Returns each snippet's problems, as `file:line: message` lines that
 * point into the Markdown file.
 */
export function check(snippets: Snippet[], dir: string): Map<Snippet, string[]> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const byPath = new Map<string, Snippet>();
  snippets.forEach((s, index) => {
    if (!isTypeScript(s) && !isJavaScript(s)) return;
    const path = join(dir, `snippet-${index}.${extension(s)}`);
    writeFileSync(path, s.code);
    byPath.set(path, s);
  });
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force, // each block a module of its own
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'],
    jsx: ts.JsxEmit.ReactJSX,
    allowJs: true,
    checkJs: false, // JavaScript blocks: syntax only
    skipLibCheck: true,
    useDefineForClassFields: false,
    allowImportingTsExtensions: true,
  };
  const program = ts.createProgram([...byPath.keys()], options);
  const problems = new Map<Snippet, string[]>(snippets.map((s) => [s, []]));
  const diagnostics = [
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ];
  for (const d of diagnostics) {
    const snippet = d.file && byPath.get(d.file.fileName);
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!snippet) {
      // A problem outside the snippets (a library, the options) concerns every one of them.
      for (const list of problems.values()) list.push(message);
      continue;
    }
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    problems.get(snippet)!.push(`${snippet.file}:${snippet.line + 1 + line}: TS${d.code}: ${message}`);
  }
  for (const s of snippets.filter((x) => x.lang === 'json')) {
    try {
      JSON.parse(s.code);
    } catch (error) {
      problems.get(s)!.push(`${s.where}: not JSON: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** The module file a snippet was written to by `check` (for running it). */
export function modulePath(snippets: Snippet[], snippet: Snippet, dir: string): string {
  return join(dir, `snippet-${snippets.indexOf(snippet)}.${extension(snippet)}`);
}

export const shortPath = (root: string, path: string) => relative(root, path);
