// The early frame's helper: a page may declare `<iframe slot="frame">` in its HTML so that the
// frame starts loading at parse time, before the element's script has arrived. The early
// listener, an inline classic script placed before the element, keeps what happens in
// between: the window's `message` events until the element is defined, the `load` events of
// frames (captured on the document), and optionally the token endpoint's answer.
//   earlyListenerScript(endpoint?) -> the script's text (for the page's HTML and its CSP hash)
//   takeEarly...()                 -> what the element's session reads back, once
// No Lit, no DOM access at module load.

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
  /** The early token request's answer. */
  t?: Promise<Response>;
}

/**
 * The early listener's source, to inline in the page before `<spotnana-embed>`. With a
 * `tokenEndpoint` it also starts the token request at parse time (the element takes that
 * answer as its eager prefetch), with the options the element itself would use by default.
 */
export function earlyListenerScript(tokenEndpoint?: string): string {
  const tokenRequest = tokenEndpoint
    ? `;q.u=${JSON.stringify(tokenEndpoint)};q.t=fetch(q.u,{method:'POST',headers:{Accept:'application/json'},cache:'no-store',redirect:'manual'});q.t.catch(()=>0)`
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

/** Takes (once) the early token answer, when it went to `endpoint` (an absolute URL). */
export function takeEarlyTokenResponse(
  record: EarlyRecord,
  endpoint: string,
  baseURI: string,
): Promise<Response> | undefined {
  const { t: response, u: url } = record;
  if (!response || typeof url !== 'string') return undefined;
  let requested: string | undefined;
  try {
    requested = new URL(url, baseURI).href;
  } catch {
    return undefined;
  }
  if (requested !== endpoint) return undefined;
  delete record.t;
  return response;
}
