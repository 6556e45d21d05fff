// Prerender, for single-page apps: a session started before any element exists, so that the
// route that shows Spotnana gets a frame that is already signed in.
//   prerender(options)    -> { cancel() }: a session with no element (options by property name)
//   takePrerender(config) -> the prerendered session for an element with this configuration, once
//   endPrerenders()       -> ends every prerendered session (signOutAll)
// Where the browser can move a connected iframe without reloading it (`moveBefore`), the
// session holds its frame in a hidden, inert holder and answers it by every rule of the
// handshake; the element takes the session, frame and all. Elsewhere it holds only a
// preconnect and the tokens, which the element takes as its eager prefetch.
// The tokens stay in the session's memory: no global, no attribute.

import { resolveConfig, type EmbedConfig, type TokenSource } from './config.js';
import { messageOf } from './error.js';
import { ATTRIBUTE_OPTIONS, integer, ROWS, type OptionsInput } from './options.js';
import { EmbedSession, holdTokens, type HeldTokens, type SessionReport } from './session.js';
import { fetchTokens } from './token-client.js';

/** The options `prerender()` takes: the element's, by property name, and how long to wait for an element. */
export type PrerenderOptions = Pick<
  OptionsInput,
  | 'env'
  | 'orgId'
  | 'path'
  | 'embedUrl'
  | 'tokenEndpoint'
  | 'tokenProvider'
  | 'tokenCredentials'
  | 'tokenTimeout'
  | 'tokenFetch'
  | 'frameTitle'
  | 'allow'
> & {
  /** Seconds the session waits for an element before it ends: an integer from 1 to 3600; default 600. */
  keep?: number;
};

export interface PrerenderHandle {
  /** Ends the session unless an element has taken it over: frame removed, fetches aborted, tokens dropped. */
  cancel(): void;
}

/**
 * What an element takes over: the session itself, frame and all (`release()` removes the
 * emptied holder once the element has moved the frame), or the tokens it fetched.
 */
export type Prerendered =
  | { session: EmbedSession; loaded: boolean; answered: boolean; release(): void }
  | { tokens: Promise<HeldTokens | undefined> };

/** One kind of prerender: it ends, or is taken (once). */
interface Held {
  end(): void;
  take(): Prerendered;
}

const DEFAULT_KEEP_S = 600;
const MAX_KEEP_S = 3600;
const MS_PER_S = 1000;
// Styles set through the CSSOM, which a Content Security Policy without 'unsafe-inline' allows.
/** The holder: rendered, so that the app boots as it would on screen, but out of the page's layout and unseen. */
const HOLDER_STYLE = 'position:fixed;top:0;left:0;width:100%;visibility:hidden';
/** The frame while hidden: the element's default box, so that the app lays out as it will be seen. */
const HIDDEN_FRAME_STYLE = 'width:100%;height:600px;border:0';

interface Running extends Held {
  config: EmbedConfig;
}

/** The running prerenders, by frame URL: a later prerender of the same URL replaces the earlier one. */
const running = new Map<string, Running>();

/** A parent node with `moveBefore` (Chromium 133+, Firefox 144+), which moves a connected node without reloading an iframe. */
export type MovingParent = ParentNode & { moveBefore(node: Node, child: Node | null): void };

export const canMoveFrames = () => 'moveBefore' in Element.prototype;

const checkKeep = integer(1, MAX_KEEP_S);

/** The configuration and `keep` in ms; throws a TypeError that names the first invalid option by its property name. */
function checkOptions({ keep = DEFAULT_KEEP_S, ...options }: PrerenderOptions): {
  config: EmbedConfig;
  keepMs: number;
} {
  const unknown = Object.keys(options).find((name) => !Object.hasOwn(ROWS, name));
  try {
    if (unknown !== undefined) throw Error(`${unknown} is not an option of prerender().`);
    const keepMs = checkKeep(keep, 'keep') * MS_PER_S;
    // A prerender fetches its tokens at once, unless told to wait for the frame's request.
    const config = resolveConfig({ tokenFetch: 'eager', ...options }, document.baseURI);
    if (!config.source) throw Error('tokenEndpoint or tokenProvider must be set.');
    return { config, keepMs };
  } catch (thrown) {
    // The element's messages name the attribute: here, the property.
    const message = messageOf(thrown) ?? '';
    const [first] = message.split(' ');
    const property = ATTRIBUTE_OPTIONS.find(([, attribute]) => attribute === first)?.[0];
    throw new TypeError(`SpotnanaEmbed.prerender(): ${property ? message.replace(first!, property) : message}`, {
      cause: thrown,
    });
  }
}

/** Starts a prerendered session; throws a TypeError naming an invalid option, and then starts nothing. */
export function prerender(options: PrerenderOptions): PrerenderHandle {
  const { config, keepMs } = checkOptions(options);
  running.get(config.src)?.end();
  const leave = () => {
    clearTimeout(timer);
    if (running.get(config.src) === entry) running.delete(config.src);
  };
  const entry: Running = {
    config,
    end() {
      leave();
      held.end();
    },
    take() {
      leave();
      return held.take();
    },
  };
  const held = canMoveFrames() ? frameSession(config, entry.end) : tokensOnly(config);
  running.set(config.src, entry);
  const timer = setTimeout(entry.end, keepMs);
  return { cancel: () => running.get(config.src) === entry && entry.end() };
}

/**
 * A session whose frame waits in a holder that takes no room in the page's layout and cannot
 * be seen, focused or clicked. A failure ends it (`fail`): there is no element to tell, and the
 * element that comes later starts afresh and reports its own.
 */
function frameSession(config: EmbedConfig, fail: () => void): Held {
  const state = { loaded: false, answered: false };
  const holder = document.createElement('div');
  // Inert: out of the accessibility tree, and no focus or click reaches it.
  holder.inert = true;
  holder.style.cssText = HOLDER_STYLE;
  const report: SessionReport = {
    load: () => (state.loaded = true),
    request: () => {},
    sent: () => (state.answered = true),
    error: fail,
    frameBlocked: fail,
    message: () => {},
  };
  const session = new EmbedSession({ config, report });
  session.frame.style.cssText = HIDDEN_FRAME_STYLE;
  holder.append(session.frame);
  (document.body ?? document.documentElement).append(holder);
  session.start();
  return {
    end() {
      session.stop();
      holder.remove();
    },
    take: () => {
      // The element's styles size it from now on.
      session.frame.removeAttribute('style');
      return { session, ...state, release: () => holder.remove() };
    },
  };
}

/** Where a frame cannot be moved: a preconnect to the embed origin, and the tokens. */
function tokensOnly(config: EmbedConfig): Held {
  const controller = new AbortController();
  const link = document.createElement('link');
  link.rel = 'preconnect';
  link.href = config.embedOrigin;
  document.head.append(link);
  const { source, timeout, env, embedOrigin } = config;
  const request = { source: source as TokenSource, timeout, env, embedOrigin, signal: controller.signal };
  const tokens = fetchTokens(request).then(holdTokens, () => undefined);
  return {
    end() {
      controller.abort();
      link.remove();
    },
    take() {
      link.remove();
      return { tokens };
    },
  };
}

/** Whether an element with `config` may take over a prerender of `prerendered`: the same frame URL and token source. */
function sameSession(prerendered: EmbedConfig, config: EmbedConfig): boolean {
  const [mine, theirs] = [config.source, prerendered.source];
  if (config.src !== prerendered.src || !mine || !theirs) return false;
  // A provider of the element's replaces the prerender's source.
  if (mine.kind === 'token-provider') return true;
  return (
    theirs.kind === 'token-endpoint' && mine.url === theirs.url && mine.init.credentials === theirs.init.credentials
  );
}

/** The prerendered session for an element starting with `config`, taken (once), if there is one. */
export function takePrerender(config: EmbedConfig): Prerendered | undefined {
  const entry = running.get(config.src);
  if (!entry || !sameSession(entry.config, config)) return undefined;
  return entry.take();
}

/** Ends every prerendered session. */
export function endPrerenders() {
  for (const entry of [...running.values()]) entry.end();
}
