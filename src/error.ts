import type { SpotnanaErrorDetail } from './events.js';

/** Carries a `spotnana-error` detail from where it happened (config, token client) to the element. */
export class EmbedError extends Error {
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
