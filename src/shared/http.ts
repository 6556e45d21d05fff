// The HTTP mechanism that the element's token client and the server's token exchange share;
// each brings its own policy (which failures to retry, how many attempts, how long to
// wait), the mechanism is written once:
//   readCapped(response, max, signal?) -> the body as text, never more than `max` bytes read
//   deadline(ms, signal, reason)       -> one signal for the caller's and a timeout
//   abortable(promise, signal)         -> settles, or rejects as soon as the signal aborts
//   retry(attempt, policy, signal)     -> attempts until one succeeds or the policy gives up
// Web APIs only, and none that a supported runtime lacks: no AbortSignal.any (missing in the
// Edge Runtime and in Node before 20.3), no AbortSignal.timeout.
import { DIGITS_ONLY as CONTENT_LENGTH } from './retry-after.js';
import { sleep } from './sleep.js';

/** Thrown by `readCapped` for a body over the cap: each caller turns it into its own error. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/**
 * The body as UTF-8 text, read chunk by chunk: past `maxBytes` it stops reading, cancels the
 * body and throws BodyTooLargeError, whatever `Content-Length` says (absent, wrong, repeated
 * or not a number). A well-formed `Content-Length` over the cap refuses it before reading.
 */
export async function readCapped(response: Response, maxBytes: number, signal?: AbortSignal): Promise<string> {
  const declared = response.headers.get('content-length')?.trim() ?? '';
  if (CONTENT_LENGTH.test(declared) && Number(declared) > maxBytes) {
    response.body?.cancel().catch(() => {});
    throw new BodyTooLargeError();
  }
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let bytesRead = 0;
  try {
    for (;;) {
      const { done, value } = await (signal ? abortable(reader.read(), signal) : reader.read());
      if (done) break;
      bytesRead += value.byteLength;
      if (bytesRead > maxBytes) throw new BodyTooLargeError();
      chunks.push(value);
    }
  } catch (error) {
    // Over the cap, aborted or broken: the rest is not read (cancelling closes the connection).
    reader.cancel().catch(() => {});
    throw error;
  }
  const bytes = new Uint8Array(bytesRead);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** A signal that aborts with the caller's, or after a timeout. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Clears the timer and the listener on the caller's signal (done by itself once it aborts). */
  release(): void;
}

/**
 * One signal for the caller's `signal` and a timeout of `ms` milliseconds: it aborts with
 * `timeoutReason()` when the time is up, with the caller's reason when the caller aborts.
 */
export function deadline(ms: number, signal: AbortSignal | undefined, timeoutReason: () => unknown): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(timeoutReason()), ms);
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const release = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  controller.signal.addEventListener('abort', release, { once: true });
  return { signal: controller.signal, release };
}

/** Settles with `promise`, or rejects with `signal.reason` as soon as it aborts (for work that ignores its signal). */
export function abortable<T>(promise: T | PromiseLike<T>, signal: AbortSignal): Promise<T> {
  const settled = Promise.resolve(promise);
  if (signal.aborted) {
    settled.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    settled.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** When to try again. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Milliseconds to wait before attempt `attempt + 1` after `failure`, or undefined to give up. */
  wait(failure: unknown, attempt: number): number | undefined;
}

/**
 * Runs `attempt` until it succeeds, or throws the last failure once the policy gives up or
 * the attempts are spent. When `signal` aborts (during an attempt or a wait) it rejects
 * with the signal's reason and makes no further attempt.
 */
export async function retry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    signal.throwIfAborted();
    try {
      return await attempt(n);
    } catch (failure) {
      signal.throwIfAborted();
      const wait = n < policy.attempts ? policy.wait(failure, n) : undefined;
      if (wait === undefined) throw failure;
      await sleep(wait, signal);
    }
  }
}
