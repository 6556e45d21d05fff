// Shared by the framework tests (on top of test/element/helpers.ts).
import { executeServerCommand } from '@web/test-runner-commands';

/** The page's `message` listeners, asked of Chromium through the DevTools protocol (undefined in other browsers). */
export const listeners = async () =>
  navigator.userAgent.includes('Chrome')
    ? await executeServerCommand<number, undefined>('message-listeners')
    : undefined;
