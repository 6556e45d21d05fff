// A pause that an AbortSignal cuts short, for the retries of the element's token client
// and of the server's token exchange. Rejects with the signal's reason; leaves no timer
// and no listener behind either way.

/** Resolves after `ms` milliseconds, or rejects with `signal.reason` as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
