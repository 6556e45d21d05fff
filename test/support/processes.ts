// Apps under test in runtimes of their own: a child process that prints where it listens,
// or a bundle made the way a platform's tooling makes it (wrangler, Vercel).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The repository's root folder (with its node_modules). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** A binary that an npm package installed: node_modules/.bin/<name>. */
export const bin = (name: string) => `${ROOT}node_modules/.bin/${name}`;

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/** Starts `command` in the repository's root; its stdout's first `listening on <url>` line says where it listens. */
export async function spawnApp(command: string, args: string[], env: Record<string, string>): Promise<RunningApp> {
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!.replace(/\/$/, ''));
    });
    void exited.then(([code]) =>
      reject(new Error(`${command} ${args.join(' ')} exited with ${String(code)} before listening`)),
    );
  });
  return {
    url,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One bundle of `entry` and its imports for a web platform, as wrangler or Vercel would make it. */
export async function bundle(entry: string, format: 'esm' | 'iife'): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format,
    platform: 'browser',
    conditions: ['worker', 'browser'],
    target: 'es2022',
    absWorkingDir: ROOT,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
