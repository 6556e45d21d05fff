// Which postMessage events the element may act on, and how often. No Lit, no DOM access
// beyond the MessageEvent itself: every check here is a pure function of its inputs.
//   event + pinned embed origin + the element's own frame window -> FrameMessage | undefined
//   request times -> the loop guard's verdict

export const TOKEN_EXCHANGE_REQUEST = 'TOKEN_EXCHANGE_REQUEST';
export const TOKEN_EXCHANGE_RESPONSE = 'TOKEN_EXCHANGE_RESPONSE';
export const TOKEN_EXCHANGE_ERROR = 'TOKEN_EXCHANGE_ERROR';

export type FrameMessage =
  | { kind: 'request' }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'other'; data: unknown };

const ownString = (o: unknown, key: string): string | undefined => {
  const v = isPlainObject(o) && Object.hasOwn(o, key) ? o[key] : undefined;
  return typeof v == 'string' ? v : undefined;
};

/** A plain object (not an array, a Date, a Map...), as postMessage's structured clone makes them. */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  Object.prototype.toString.call(v) == '[object Object]';

/**
 * Classifies a message event. Anything not sent by `frame` from `embedOrigin` is
 * `undefined`: both checks are needed, since the origin alone also matches other frames
 * of the embed app and the source alone matches the frame after it navigated elsewhere
 * (https://developer.mozilla.org/docs/Web/API/Window/postMessage#security_concerns).
 * Never throws, whatever getters or prototypes the data carries.
 */
export function classifyMessage(event: MessageEvent, embedOrigin: string, frame: Window | null | undefined): FrameMessage | undefined {
  try {
    if (!frame || event.source !== frame || event.origin !== embedOrigin) return;
    const data: unknown = event.data;
    const type = ownString(data, 'type');
    if (type == TOKEN_EXCHANGE_REQUEST) return { kind: 'request' };
    if (type == TOKEN_EXCHANGE_ERROR) {
      const payload = (data as Record<string, unknown>).payload;
      return {
        kind: 'error',
        code: ownString(payload, 'errorCode') || TOKEN_EXCHANGE_ERROR,
        message: ownString(payload, 'errorMessage') || 'Spotnana rejected the tokens.',
      };
    }
    return { kind: 'other', data };
  } catch {
    return;
  }
}

/** The loop guard's verdict on one request: answer it, trip (raise the error once), or stay silent. */
export type LoopVerdict = 'ok' | 'trip' | 'blocked';

/**
 * At most `limit` requests in any `windowMs` (a sliding window); the next one trips the
 * guard and it stays tripped: a frame stuck in a refresh loop must not hammer the host's
 * backend or Spotnana's rate-limited token API. A new guard comes with every reload.
 */
export function createLoopGuard(limit = 5, windowMs = 60_000): (now: number) => LoopVerdict {
  let times: number[] = [];
  let tripped = false;
  return (now) => {
    if (tripped) return 'blocked';
    times = times.filter((t) => now - t < windowMs);
    if (times.length >= limit) {
      tripped = true;
      return 'trip';
    }
    times.push(now);
    return 'ok';
  };
}
