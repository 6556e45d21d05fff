// The one error type of the element: it carries a `spotnana-error` detail from where a
// failure happened (config, token client) to the element. Anything else that is thrown,
// whatever it is, becomes such a detail through `errorDetail`, so that the host always
// gets an object with `source`, `code` and `message`.

import type { SpotnanaErrorDetail } from './events.js';

export class EmbedError extends Error {
  override name = 'EmbedError';

  constructor(
    readonly detail: SpotnanaErrorDetail,
    /** Worth another attempt (token endpoint: network error, timeout, 408, 429, 5xx). */
    readonly retryable = false,
    /** The answer's Retry-After header, when retryable. */
    readonly retryAfter?: string | null,
  ) {
    super(detail.message);
  }
}

/** Whether `value` is an EmbedError; never throws (a revoked Proxy throws on `instanceof`). */
export function isEmbedError(value: unknown): value is EmbedError {
  try {
    return value instanceof EmbedError;
  } catch {
    return false;
  }
}

/** A thrown value's own message, when it is a non-empty string; never throws. */
export function messageOf(thrown: unknown): string | undefined {
  try {
    if (typeof thrown === 'string') return thrown || undefined;
    const message = (thrown as { message?: unknown } | null | undefined)?.message;
    return typeof message === 'string' && message ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `spotnana-error` detail for anything thrown: an EmbedError's own detail, or
 * `fallback` with the thrown value's message when it has one.
 */
export function errorDetail(thrown: unknown, fallback: SpotnanaErrorDetail): SpotnanaErrorDetail {
  if (isEmbedError(thrown)) return thrown.detail;
  return { ...fallback, message: messageOf(thrown) ?? fallback.message };
}
