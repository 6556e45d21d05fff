// Shared by the framework tests (on top of test/element/helpers.ts).
import { executeServerCommand } from '@web/test-runner-commands';

/** The page's `message` listeners, asked of Chromium through the DevTools protocol (undefined in other browsers). */
export const listeners = async () =>
  navigator.userAgent.includes('Chrome')
    ? await executeServerCommand<number, undefined>('message-listeners')
    : undefined;

/**
 * Waits, before the file's tests, for the runner to build what `path` serves (ngc, Vite or
 * esbuild build it on the first request). A build takes what it takes on a busy machine: the
 * hook has no time-out of its own, so no test's time-out is spent on it.
 */
export function buildFirst(path: string) {
  before(async function (this: Mocha.Context) {
    this.timeout(0);
    const response = await fetch(path);
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  });
}
