// Leaks: 500 mount/unmount cycles, each with a token fetch in flight (slow answers, retries
// waiting on a backoff, attempts waiting on their timeout, some after the frame's load started
// the silent-frame timer), leave
//   - no timer of the element that acts later: once the longest of them (the silent-frame
//     check's 15 s) has run out, no removed element has fired an event or tried its fetch again
//     (every engine);
//   - no `message` listener on the window (DOMDebugger.getEventListeners) and no detached
//     iframe alive after garbage collection (Runtime.queryObjects): Chromium only, skipped
//     elsewhere, as these counts come from the browser itself through the DevTools protocol
//     (server commands of web-test-runner.config.mjs).
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import type { SpotnanaEmbed } from '../../src/index.js';
import { timing } from '../../src/timing.js';
import { EMBED_URL, askControl, sleep, tokenLog, uid, until } from '../element/helpers.js';

const CYCLES = 500;
/** Cycles mounted, fetching and removed at the same time. */
const BATCH = 10;
/** A timer that fires late on a busy machine still shows: the wait runs this much longer. */
const TIMER_SLACK_MS = 1000;
const EVENTS = ['spotnana-load', 'spotnana-token-request', 'spotnana-token-sent', 'spotnana-error', 'spotnana-message'];

const listeners = () => executeServerCommand<number | false, undefined>('message-listeners');
interface IframeCounts {
  alive: number;
  detached: number;
}
const iframes = () => executeServerCommand<IframeCounts | false, undefined>('detached-iframes');

/**
 * Scripts of the fake token endpoint that keep a fetch, or the wait before its retry, in flight
 * at removal. The waits are long (a 10 s Retry-After, a 10 s token-timeout), so that nothing
 * retries before the removal even on a busy machine, and short enough that a timer left running
 * would retry within the test's wait.
 */
const SCRIPTS = ['slow:3000', 'ra:10:503', 'hang'];
const TOKEN_TIMEOUT_MS = 10_000;

interface Cycle {
  /** The token endpoint's key: one per cycle, so that a second attempt shows. */
  key: string;
  removedAt: number;
  /** What the element fired, as its own listeners saw it (a removed element's events reach no document). */
  events: string[];
  eventsAtRemoval: number;
}

async function cycle(i: number, prefix: string): Promise<Cycle> {
  const key = `${prefix}${i}`;
  const script = SCRIPTS[i % SCRIPTS.length];
  const el = document.createElement('spotnana-embed') as SpotnanaEmbed;
  el.setAttribute('embed-url', EMBED_URL);
  el.setAttribute('path', `/?id=${key}&ask=${i % 2 ? 'load' : 'never'}`);
  el.setAttribute('token-endpoint', `/token?key=${key}&s=${script}`);
  el.setAttribute('token-timeout', String(TOKEN_TIMEOUT_MS));
  const events: string[] = [];
  for (const type of EVENTS) el.addEventListener(type, () => events.push(type));
  document.body.append(el);
  // The eager fetch starts in the first update: from here on it is in flight.
  await el.updateComplete;
  if (i % 25 === 0) {
    // Some frames load first: the silent-frame timer is then running too.
    const frame = el.shadowRoot!.querySelector('iframe')!;
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  } else if (script.endsWith('503')) {
    // Removed only once the endpoint has its request: its 503 is then on the way, or already
    // in and the wait before the retry is what is pending.
    await until(async () => (await tokenLog(key)).length, 'the endpoint to see the fetch');
  }
  el.remove();
  return { key, removedAt: Date.now(), events, eventsAtRemoval: events.length };
}

describe(`leaks: ${CYCLES} mount/unmount cycles with fetches in flight`, () => {
  const prefix = `${uid('leak')}-`;
  const cycles: Cycle[] = [];
  let listenersBefore: number | false;
  let iframesBefore: IframeCounts | false;

  before(async function () {
    this.timeout(180000);
    listenersBefore = await listeners();
    iframesBefore = await iframes();
    for (let i = 0; i < CYCLES; i += BATCH) {
      // BATCH at a time: every one mounted, fetching, and removed.
      cycles.push(...(await Promise.all(Array.from({ length: BATCH }, (_, j) => cycle(i + j, prefix)))));
    }
  });

  it('no timer of a removed element acts: no event and no further attempt once the longest has run out', async function () {
    this.timeout(timing.silentFrameMs + 60000);
    const lastRemoval = Math.max(...cycles.map((c) => c.removedAt));
    // The silent-frame check's 15 s are the longest; a retry would come within 10 s.
    await sleep(lastRemoval + timing.silentFrameMs + TIMER_SLACK_MS - Date.now());
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
