// The early frame's helper: a page may declare `<iframe slot="frame">` in its HTML so that the
// frame starts loading at parse time, before the element's script has arrived. The early
// listener, an inline classic script placed before the element, keeps what happens in
// between: the window's `message` events until the element is defined, the `load` events of
// frames (captured on the document), and optionally the token endpoint's answer.
//   earlyListenerScript(options?)  -> the script's text (for the page's HTML and its CSP hash)
//   takeEarly...()                 -> what the element's session reads back, once
// No Lit, no DOM access at module load.

import { tokenRequestInit } from './config.js';
import { messageOf } from './error.js';
import { checkOption, type OptionsInput, type TokenCredentials } from './options.js';

/** The global the early listener writes and the element reads. */
export const EARLY_GLOBAL = 'spotnanaEmbedEarly';

/** What the early listener keeps (short keys: the script must stay under 400 bytes). */
export interface EarlyRecord {
  /** `message` events that arrived before the element was defined. */
  m: MessageEvent[];
  /** Elements whose `load` event fired (iframes among them). */
  l: WeakSet<EventTarget>;
  /** The token endpoint the early request went to, as written in the page. */
  u?: string;
  /** The early request's options (`RequestInit`): the element takes its answer only for the same request. */
  r?: RequestInit;
  /** The early token request's answer. */
  t?: Promise<Response>;
}

/** The options the early listener needs, by the element's option names. */
export type EarlyListenerOptions = Pick<OptionsInput, 'tokenEndpoint' | 'tokenCredentials'>;

/** A JS literal of `value` (JSON, with a plain object's keys unquoted) that is safe inside an HTML `<script>`: no `</script`, `<!--` or `<script` can appear in it. */
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
 * The early listener's source, to inline in the page before `<spotnana-embed>`. With a
 * `tokenEndpoint` it also starts the token request at parse time, exactly as the element
 * would make it with the same `tokenCredentials` (the element takes that answer as its eager
 * prefetch). A string is read as `{ tokenEndpoint }`. Throws a TypeError for an invalid option.
 */
export function earlyListenerScript(options: EarlyListenerOptions | string = {}): string {
  const { tokenEndpoint, tokenCredentials } = typeof options === 'string' ? { tokenEndpoint: options } : options;
  let credentials: TokenCredentials;
  try {
    credentials = checkOption('tokenCredentials', tokenCredentials);
  } catch (thrown) {
    throw new TypeError(messageOf(thrown), { cause: thrown });
  }
  const tokenRequest = tokenEndpoint
    ? `;q.u=${scriptLiteral(String(tokenEndpoint))};q.r=${scriptLiteral(tokenRequestInit(credentials))};q.t=fetch(q.u,q.r);q.t.catch(()=>0)`
    : '';
  return (
    `(()=>{const q=window.${EARLY_GLOBAL}={m:[],l:new WeakSet};` +
    `addEventListener('message',e=>customElements.get('spotnana-embed')||q.m.push(e));` +
    `document.addEventListener('load',e=>q.l.add(e.target),true)${tokenRequest}})()`
  );
}

/** The early listener's record, when the page has one of the expected shape. */
export function earlyRecord(): EarlyRecord | undefined {
  const record = (globalThis as Record<string, unknown>)[EARLY_GLOBAL] as EarlyRecord | undefined;
  if (!record || !Array.isArray(record.m) || !(record.l instanceof WeakSet)) return undefined;
  return record;
}

/** Takes (once) the queued message events whose source is `frame`. */
export function takeEarlyMessages(record: EarlyRecord, frame: Window): MessageEvent[] {
  const taken = record.m.filter((event) => event instanceof MessageEvent && event.source === frame);
  record.m = record.m.filter((event) => !taken.includes(event));
  return taken;
}

/**
 * Takes (once) the early token answer, when the early listener made `source`'s own request:
 * the same endpoint URL and the same options (credentials mode included).
 */
export function takeEarlyTokenResponse(
  record: EarlyRecord,
  source: { url: string; init: RequestInit },
  baseURI: string,
): Promise<Response> | undefined {
  const { t: response, u: url, r: init } = record;
  if (!response || typeof url !== 'string') return undefined;
  let requested: string | undefined;
  try {
    requested = new URL(url, baseURI).href;
  } catch {
    return undefined;
  }
  if (requested !== source.url || JSON.stringify(init) !== JSON.stringify(source.init)) return undefined;
  delete record.t;
  return response;
}
