// The `Retry-After` header (RFC 9110 §10.2.3), read the same way by the element's token
// client and by the server half's exchange. Input: the header's value (or nothing) and
// the current time. Output: how many milliseconds to wait, or undefined when there is no
// readable value. Callers apply their own cap.

/** One or more digits, nothing else: a delay-seconds, and a well-formed Content-Length. */
export const DIGITS_ONLY = /^\d+$/;
/** An HTTP date always has hh:mm:ss; `Date.parse` alone would read "1.5" or "-1" as dates in 2001. */
const HTTP_DATE_TIME = /\d\d:\d\d:\d\d/;
const MS_PER_SECOND = 1000;

/** Milliseconds to wait before retrying, or undefined when `value` is absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  const trimmed = (value ?? '').trim();
  if (DIGITS_ONLY.test(trimmed)) return Number(trimmed) * MS_PER_SECOND;
  if (!HTTP_DATE_TIME.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Whole seconds to wait (rounded up) as a `Retry-After` to pass on, or undefined when `value` is absent or unreadable. */
export function retryAfterSeconds(value: string | null | undefined, now: number = Date.now()): number | undefined {
  const ms = parseRetryAfter(value, now);
  return ms === undefined ? undefined : Math.ceil(ms / MS_PER_SECOND);
}
