// Shared by the build-based framework tests (npm run test:builds): the package as an app
// installs it, free ports, child processes that are waited on by what they print, and the
// machine's Chromium.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, type Browser } from 'puppeteer-core';
import { chromeArgs, chromeHint, findChrome } from '../../../scripts/find-chrome.mjs';

export const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Puts the files `npm pack` would ship into `<app>/node_modules/spotnana-embed` (a copy, as
 * `npm install spotnana-embed` leaves it); its own imports (lit) resolve from this
 * repository's node_modules above the app, like the app's framework.
 */
export function installPackage(app: string) {
  const dest = join(app, 'node_modules/spotnana-embed');
  rmSync(dest, { recursive: true, force: true });
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  for (const { path } of packed.files as { path: string }[]) {
    mkdirSync(dirname(join(dest, path)), { recursive: true });
    cpSync(join(root, path), join(dest, path));
  }
}

/** A loopback port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs a command to its end; rejects with its output when it fails. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${output}`)),
    );
  });
}

/** Starts a server process and resolves once its output matches `ready`. */
export function serve(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
  ready: RegExp,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (ready.test(output)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${command} exited (${code}) before it was ready:\n${output}`)));
  });
}

/** Ends a server process started by `serve` and waits for it to go. */
export async function stop(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await gone;
}

/** The machine's Chromium, headless. */
export async function chromium(): Promise<Browser> {
  const executablePath = findChrome();
  if (!executablePath) throw new Error(chromeHint);
  return launch({ executablePath, headless: true, args: chromeArgs });
}
