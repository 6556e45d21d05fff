// The early frame, whole. A page may declare `<iframe slot="frame">` inside the element in its
// HTML, so that Spotnana starts loading at parse time instead of after the element's script
// has arrived, and inline the early listener before it, which keeps what the element may need
// until it is defined: the early frames' token requests (at most 8), their `load` events and,
// optionally, the answer of the token request it starts itself.
//   earlyListenerScript(options?)      -> the listener's text, safe to inline (server-safe)
//   adoptableFrame(host, src)          -> the frame an element adopts, if any
//   takeOverEarlyFrame(frame)          -> whether it had loaded, and the requests it posted
//   claimEarlyAnswer(source, wanted)   -> the early answer for the very same request; else dropped
// The frame's attributes and the token request come from config.ts, as for the element's own
// frame and fetch. No Lit; the DOM only when called.

import { parseUrl, tokenRequestInit, type TokenSource } from './config.js';
import { messageOf } from './error.js';
import { TOKEN_EXCHANGE_REQUEST } from './handshake.js';
import { checkOption, type OptionsInput, type TokenCredentials } from './options.js';

/** The global the early listener writes and the element reads. */
export const EARLY_GLOBAL = 'spotnanaEmbedEarly';
export const TAG_NAME = 'spotnana-embed';
/** An early frame: an iframe in the `frame` slot inside the element (the element adopts only its own children). */
export const EARLY_FRAME = `${TAG_NAME} iframe[slot=frame]`;
/** The listener keeps at most this many requests: a frame asks once on load, a few more times at most. */
export const MAX_QUEUED_REQUESTS = 8;

/** What the early listener keeps (short keys: the script's text is part of every page). */
interface EarlyRecord {
  /** Token requests of early frames, until the element is defined. */
  m: MessageEvent[];
  /** Early frames whose `load` event fired before the element was defined. */
  l: WeakSet<EventTarget>;
  /** The token endpoint the early request went to, as written in the page. */
  u?: string;
  /** The early request's options: the element takes its answer only for the same request. */
  r?: RequestInit;
  /** The early token request's answer, until an element takes it or drops it. */
  t?: Promise<Response>;
}

/** The options the early listener needs, by the element's option names. */
export type EarlyListenerOptions = Pick<OptionsInput, 'tokenEndpoint' | 'tokenCredentials'>;

/**
 * A JS literal of `value` (JSON, with a plain object's keys unquoted) that is safe inside an
 * HTML `<script>`: `<`, `>`, `&`, U+2028 and U+2029 are written as `\uXXXX`, so no
 * `</script`, `<!--` or `<script` can appear in it.
 */
function scriptLiteral(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const members = Object.entries(value).map(([key, member]) => {
      const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : scriptLiteral(key);
      return `${name}:${scriptLiteral(member)}`;
    });
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The early listener's source, to inline in the page before `<spotnana-embed>`. Until the
 * element is defined it keeps the `TOKEN_EXCHANGE_REQUEST` messages posted by early frames
 * (at most 8; no other message, whatever its size or number) and their `load` events. With a
 * `tokenEndpoint` it also starts the token request at parse time, exactly as the element
 * would make it with the same `tokenCredentials`. A string is read as `{ tokenEndpoint }`.
 * Throws a TypeError for an invalid option.
 */
export function earlyListenerScript(options: EarlyListenerOptions | string = {}): string {
  const { tokenEndpoint, tokenCredentials } = typeof options === 'string' ? { tokenEndpoint: options } : options;
  let credentials: TokenCredentials;
  try {
    credentials = checkOption('tokenCredentials', tokenCredentials);
  } catch (thrown) {
    throw new TypeError(messageOf(thrown), { cause: thrown });
  }
  const [selector, tag, request] = [EARLY_FRAME, TAG_NAME, TOKEN_EXCHANGE_REQUEST].map(scriptLiteral);
  // d: the document; c(): whether the element is defined (then nothing more is kept); S: an early frame.
  const listener =
    `let d=document,S=${selector},c=()=>customElements.get(${tag}),q=self.${EARLY_GLOBAL}={m:[],l:new WeakSet};` +
    `addEventListener("message",e=>c()||q.m[${MAX_QUEUED_REQUESTS - 1}]||e.data?.type!=${request}||` +
    `[...d.querySelectorAll(S)].some(i=>i.contentWindow==e.source)&&q.m.push(e));` +
    `d.addEventListener("load",e=>c()||e.target.matches?.(S)&&q.l.add(e.target),1)`;
  const tokenRequest = tokenEndpoint
    ? `;(q.t=fetch(q.u=${scriptLiteral(String(tokenEndpoint))},q.r=${scriptLiteral(tokenRequestInit(credentials))})).catch(()=>0)`
    : '';
  return `(()=>{${listener}${tokenRequest}})()`;
}

/** The early listener's record, when the page has one of the expected shape. */
function earlyRecord(): EarlyRecord | undefined {
  const record = (globalThis as Record<string, unknown>)[EARLY_GLOBAL] as EarlyRecord | undefined;
  if (!record || !Array.isArray(record.m) || !(record.l instanceof WeakSet)) return undefined;
  return record;
}

/** Whether the page ran the early listener: an early frame may then still be on its way (HTML not parsed yet). */
export function hasEarlyListener(): boolean {
  return earlyRecord() !== undefined;
}

/** The early frames among `host`'s children. */
function earlyFrames(host: Element): HTMLIFrameElement[] {
  return [...host.querySelectorAll<HTMLIFrameElement>(':scope > iframe[slot="frame"]')];
}

/** Whether `host` has an early frame among its children (whatever its URL). */
export function hasEarlyFrame(host: Element): boolean {
  return earlyFrames(host).length > 0;
}

/**
 * The early frame that an element building `src` adopts: its `src`, parsed against the
 * document's base URL, is `src` (compared as serialized URLs), and it has neither `srcdoc`
 * (its document would not be Spotnana's) nor `sandbox` (tokens could never be delivered).
 */
export function adoptableFrame(host: Element, src: string): HTMLIFrameElement | undefined {
  return earlyFrames(host).find((frame) => {
    const declared = frame.getAttribute('src');
    if (declared === null || frame.hasAttribute('srcdoc') || frame.hasAttribute('sandbox')) return false;
    return parseUrl(declared, document.baseURI)?.href === src;
  });
}

/** Removes `host`'s early frames, and what the listener kept of them. */
export function removeEarlyFrames(host: Element) {
  for (const frame of earlyFrames(host)) frame.remove();
  releaseQueue();
}

/** Drops the queued requests of frames that are gone (removed, or never adopted). */
function releaseQueue() {
  const record = earlyRecord();
  if (!record) return;
  const windows = [...document.querySelectorAll<HTMLIFrameElement>(EARLY_FRAME)].map((f) => f.contentWindow);
  record.m = record.m.filter((event) => event.source && windows.includes(event.source as Window));
}

/**
 * What an adopted frame did before the element took it over: whether it had loaded (the
 * listener saw its `load`, or, without the listener, the Resource Timing entry that a frame's
 * load leaves), and the token requests it posted (taken once).
 */
export function takeOverEarlyFrame(frame: HTMLIFrameElement): { loaded: boolean; requests: MessageEvent[] } {
  const record = earlyRecord();
  const window = frame.contentWindow;
  const requests = record && window ? record.m.filter((event) => event.source === window) : [];
  if (record) record.m = record.m.filter((event) => !requests.includes(event));
  releaseQueue();
  const timing = performance.getEntriesByName(frame.src) as PerformanceResourceTiming[];
  const loaded = !!record?.l.has(frame) || timing.some((entry) => entry.initiatorType === 'iframe');
  return { loaded, requests };
}

/** Lets an answer go: its body is cancelled, which closes its connection. */
export function discardAnswer(answer: Promise<Response>) {
  answer.then(
    (response) => response.body?.cancel().catch(() => {}),
    () => {},
  );
}

/**
 * The early token answer, for a session that `wants` it (it adopted the early frame and
 * prefetches eagerly) and whose token request is the very one the listener made: the same
 * endpoint URL, the same options (credentials mode included). Decided once per page: any other
 * caller drops it (body cancelled), and the page's record no longer holds it either way.
 */
export function claimEarlyAnswer(source: TokenSource | undefined, wanted: boolean): Promise<Response> | undefined {
  const record = earlyRecord();
  const answer = record?.t;
  if (!record || !answer) return undefined;
  const { u: url, r: init } = record;
  delete record.t;
  delete record.u;
  delete record.r;
  if (wanted && source?.kind === 'token-endpoint' && typeof url === 'string') {
    const requested = parseUrl(url, document.baseURI)?.href;
    if (requested === source.url && JSON.stringify(init) === JSON.stringify(source.init)) return answer;
  }
  discardAnswer(answer);
  return undefined;
}
