// Leaks: 500 mount/unmount cycles, each with a token fetch in flight (slow answers, retries
// waiting on a backoff, attempts waiting on their timeout, some after the frame's load started
// the silent-frame timer), leave
//   - no timer of the element that acts later: once the longest of each cycle's timers has run
//     out, no removed element has fired an event or tried its fetch again (every engine). The
//     element's own waits are shortened for this (SpotnanaEmbed.timing), the endpoint's and the
//     token-timeout are set per cycle, so that this takes seconds rather than 15;
//   - no `message` listener on the window (DOMDebugger.getEventListeners) and no detached
//     iframe alive after garbage collection (Runtime.queryObjects): Chromium only, skipped
//     elsewhere, as these counts come from the browser itself through the DevTools protocol
//     (server commands of web-test-runner.config.mjs).
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { SpotnanaEmbed } from '../../src/index.js';
import { EMBED_URL, askControl, sleep, uid, until } from '../element/helpers.js';
import { keepEmbedSiteAlive, useTiming } from './support.js';

const CYCLES = 500;
/** Cycles mounted, fetching and removed at the same time. */
const BATCH = 10;
/** A timer that fires late on a busy machine still shows: the wait runs this much longer. */
const TIMER_SLACK_MS = 1000;
const EVENTS = ['spotnana-load', 'spotnana-token-request', 'spotnana-token-sent', 'spotnana-error', 'spotnana-message'];

/** SpotnanaEmbed.timing while the cycles run: the silent-frame check and the backoff, short. */
const TIMING = { silentFrameMs: 1000, retryBackoffMs: 50 };
/** How long the `slow` endpoint takes to answer. */
const SLOW_MS = 1000;

const listeners = () => executeServerCommand<number | false, undefined>('message-listeners');
interface IframeCounts {
  alive: number;
  detached: number;
}
const iframes = () => executeServerCommand<IframeCounts | false, undefined>('detached-iframes');

/**
 * The cycles removed once their frame has loaded (so that the silent-frame timer runs too): one
 * in five of the first hundred.
 */
const loadsFirst = (i: number) => i < 100 && i % 5 === 0;

/**
 * Nothing may retry before its removal, even on a busy machine. A cycle removed in the task
 * that started its fetch needs only a short token-timeout; one removed once its frame has
 * loaded, or once its 503 has come back (a poll, which a busy machine may hold up for seconds),
 * gets long waits, as before. Those come in the first 330 cycles, so that their waits run out
 * while the last 170 run. (104 cycles wait for their 503: the last check counts on 100.)
 */
const SHORT_TIMEOUT_MS = 2000;
const LONG_WAIT_MS = 10_000;
const LAST_503_CYCLE = 330;

/**
 * What keeps a fetch, or the wait before its retry, in flight at removal (the token endpoint's
 * script and the token-timeout), and how long after the removal a timer left running would
 * act at the latest.
 */
function plan(i: number): { script: string; tokenTimeout: number; actsWithin: number } {
  // In turn: an answer SLOW_MS after the fetch started (before or after the removal); a 503 whose
  // Retry-After the retry waits for; an attempt that hangs until its timeout.
  let script = 'hang';
  if (i % 3 === 0) script = `slow:${SLOW_MS}`;
  if (i % 3 === 1 && i < LAST_503_CYCLE) script = `ra:${LONG_WAIT_MS / 1000}:503`;
  const waitsFor503 = script.endsWith('503');
  const tokenTimeout = loadsFirst(i) || waitsFor503 ? LONG_WAIT_MS : SHORT_TIMEOUT_MS;
  // A timed-out attempt is retried after the backoff; a frame that loaded before the removal
  // has started the silent-frame timer.
  const waits = [SLOW_MS, tokenTimeout + TIMING.retryBackoffMs, TIMING.silentFrameMs];
  if (waitsFor503) waits.push(LONG_WAIT_MS);
  return { script, tokenTimeout, actsWithin: Math.max(...waits) };
}

interface Cycle {
  /** The token endpoint's key: one per cycle, so that a second attempt shows. */
  key: string;
  removedAt: number;
  /** By then every timer the cycle could have left running has acted. */
  quietBy: number;
  /** What the element fired, as its own listeners saw it (a removed element's events reach no document). */
  events: string[];
  eventsAtRemoval: number;
}

async function cycle(i: number, prefix: string): Promise<Cycle> {
  const key = `${prefix}${i}`;
  const { script, tokenTimeout, actsWithin } = plan(i);
  const endpoint = `/token?key=${key}&s=${script}`;
  const el = document.createElement('spotnana-embed') as SpotnanaEmbed;
  el.setAttribute('embed-url', EMBED_URL);
  el.setAttribute('path', `/?id=${key}&ask=${i % 2 ? 'load' : 'never'}`);
  el.setAttribute('token-endpoint', endpoint);
  el.setAttribute('token-timeout', String(tokenTimeout));
  const events: string[] = [];
  for (const type of EVENTS) el.addEventListener(type, () => events.push(type));
  document.body.append(el);
  // The eager fetch starts in the first update: from here on it is in flight.
  await el.updateComplete;
  if (loadsFirst(i)) {
    // Removed as its frame loads, in the same task: the silent-frame timer is then running too.
    const frame = el.shadowRoot!.querySelector('iframe')!;
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  } else if (script.endsWith('503')) {
    // Removed once its 503 is in (the page's resource timing lists a fetch once its answer is
    // complete): the wait before the retry is then what is pending, or about to be.
    const url = new URL(endpoint, location.href).href;
    await until(() => performance.getEntriesByName(url).length, 'the 503 to come back');
  }
  el.remove();
  const removedAt = Date.now();
  return { key, removedAt, quietBy: removedAt + actsWithin, events, eventsAtRemoval: events.length };
}

describe(`leaks: ${CYCLES} mount/unmount cycles with fetches in flight`, () => {
  useTiming(TIMING);
  // The cycles' frames come and go by the hundred (counted before and after with this one).
  keepEmbedSiteAlive();
  const prefix = `${uid('leak')}-`;
  const cycles: Cycle[] = [];
  let listenersBefore: number | false;
  let iframesBefore: IframeCounts | false;

  before(async function () {
    this.timeout(180000);
    // Every cycle's fetch is looked up by its URL: room for all of them, and the page's other fetches.
    performance.setResourceTimingBufferSize(CYCLES * 10);
    listenersBefore = await listeners();
    iframesBefore = await iframes();
    for (let i = 0; i < CYCLES; i += BATCH) {
      // BATCH at a time: every one mounted, fetching, and removed.
      cycles.push(...(await Promise.all(Array.from({ length: BATCH }, (_, j) => cycle(i + j, prefix)))));
    }
  });

  it('no timer of a removed element acts: no event and no further attempt once the longest has run out', async function () {
    const quietBy = Math.max(...cycles.map((c) => c.quietBy)) + TIMER_SLACK_MS;
    this.timeout(quietBy - Date.now() + 60000);
    // No event can mark a timer that must never fire: only letting the longest of them run
    // out shows that none did (the cycles' timers ran out while the later ones ran, mostly).
    await sleep(quietBy - Date.now());
    const late = cycles.filter((c) => c.events.length > c.eventsAtRemoval);
    expect(
      late.map((c) => `${c.key}: ${c.events.slice(c.eventsAtRemoval).join(', ')}`),
      'events after removal',
    ).to.deep.equal([]);
    const attempts = await askControl<Record<string, number>>(`/__token-attempts?prefix=${encodeURIComponent(prefix)}`);
    const retried = Object.entries(attempts).filter(([, n]) => n > 1);
    expect(retried, 'fetches tried again after removal').to.deep.equal([]);
    // The fetches really were in flight: the endpoint saw at least those of the 503 cycles,
    // which waited for it (the others may be aborted before their request leaves the browser).
    expect(Object.keys(attempts).length, 'fetches that reached the endpoint').to.be.at.least(CYCLES / 5);
  });

  it('leave no message listener and no detached iframe (Chromium: DevTools protocol)', async function () {
    if (listenersBefore === false || iframesBefore === false) return this.skip(); // only Chromium answers
    const { alive } = iframesBefore;
    expect(await listeners(), 'message listeners on the window').to.equal(listenersBefore);
    // Aborted fetches settle asynchronously, and with them what their callbacks held: the
    // count is asked again until it comes right. A leak never does, and the test's time-out
    // names what it was waiting for.
    await until(async () => {
      const counts = (await iframes()) as IframeCounts;
      return counts.detached === 0 && counts.alive === alive;
    }, 'no detached iframe alive after GC, and as many iframes alive as before');
  });

  it('the probes can fail: a removed iframe that is still referenced, and a listener, are seen', async function () {
    const probe = await iframes();
    if (probe === false) return this.skip(); // only Chromium answers (DevTools protocol)
    const base0 = probe.detached;
    const kept = document.createElement('iframe');
    document.body.append(kept);
    kept.remove();
    expect(((await iframes()) as IframeCounts).detached).to.equal(base0 + 1);
    const listener = () => {};
    addEventListener('message', listener);
    const base = await listeners();
    removeEventListener('message', listener);
    expect(await listeners()).to.equal((base as number) - 1);
    // keep `kept` alive until after the count
    expect(kept.isConnected).to.equal(false);
  });
});
