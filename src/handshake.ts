// Which postMessage events the element may act on, and how often. No Lit, no DOM access
// beyond the MessageEvent itself: every check here is a pure function of its inputs.
//   event + pinned embed origin + the element's own frame window -> what to do, or nothing
//   request times -> the loop guard's verdict

import type { SpotnanaErrorDetail, SpotnanaMessageDetail } from './events.js';

export const TOKEN_EXCHANGE_REQUEST = 'TOKEN_EXCHANGE_REQUEST';
export const TOKEN_EXCHANGE_RESPONSE = 'TOKEN_EXCHANGE_RESPONSE';
export const TOKEN_EXCHANGE_ERROR = 'TOKEN_EXCHANGE_ERROR';

/** The loop guard answers at most this many requests in any LOOP_WINDOW_MS. */
export const LOOP_LIMIT = 5;
export const LOOP_WINDOW_MS = 60_000;

/** A string own property of an object that is not an array (structured clone keeps an array's own properties). */
function ownString(value: any, key: string): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key))
    return undefined;
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

/**
 * Reads a message event: a token request, the frame's error, or any other message. Anything
 * not sent by `frame` from `embedOrigin` is `undefined`: both checks are needed, since the
 * origin alone also matches other frames of the embed app and the source alone matches the
 * frame after it navigated elsewhere
 * (https://developer.mozilla.org/docs/Web/API/Window/postMessage#security_concerns).
 * Never throws, whatever getters or prototypes the data carries.
 */
export function classifyMessage(
  event: MessageEvent,
  embedOrigin: string,
  frame: Window | null | undefined,
): typeof TOKEN_EXCHANGE_REQUEST | SpotnanaErrorDetail | SpotnanaMessageDetail | undefined {
  try {
    if (!frame || event.source !== frame || event.origin !== embedOrigin) return;
    const data = event.data;
    const type = ownString(data, 'type');
    if (type === TOKEN_EXCHANGE_REQUEST) return type;
    if (type !== TOKEN_EXCHANGE_ERROR) return { data };
    const { payload } = data;
    return {
      source: 'spotnana',
      code: ownString(payload, 'errorCode') || type,
      message: ownString(payload, 'errorMessage') || 'Spotnana rejected the tokens.',
    };
  } catch {}
}

/**
 * At most `limit` requests in any `windowMs` (a sliding window): the guard answers whether
 * to answer a request. The next one trips it, calling `onTrip` once, and it stays tripped:
 * a frame stuck in a refresh loop must not hammer the host's backend or Spotnana's
 * rate-limited token API. A new guard comes with every reload.
 */
export function createLoopGuard(
  onTrip: () => void,
  limit = LOOP_LIMIT,
  windowMs = LOOP_WINDOW_MS,
): (now: number) => boolean {
  let times: number[] = [];
  let tripped = false;
  return (now) => {
    if (tripped) return false;
    times = times.filter((time) => now - time < windowMs);
    times.push(now);
    if (times.length <= limit) return true;
    tripped = true;
    onTrip();
    return false;
  };
}
