// Leaks (Chromium only, skipped elsewhere: the counts come from the browser itself through the
// DevTools protocol, server commands of web-test-runner.config.mjs): 500 mount/unmount cycles, each
// with a token fetch in flight (slow answers, retries waiting on a backoff, attempts waiting
// on their timeout, some after the frame's load started the silent-frame timer) leave
//   - no `message` listener on the window (DOMDebugger.getEventListeners),
//   - no detached iframe alive after garbage collection (Runtime.queryObjects),
//   - no pending timer set by the element's code (a setTimeout wrapper of this test page).
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import type { SpotnanaEmbed } from '../../src/index.js';
import { EMBED_URL, sleep, tokenLog, uid, until } from '../element/helpers.js';

const CYCLES = 500;

// The page's own setTimeout wrapper: which timers are pending, and who set them.
const pending = new Map<unknown, string>();
const realSetTimeout = window.setTimeout.bind(window);
const realClearTimeout = window.clearTimeout.bind(window);
window.setTimeout = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
  const stack = new Error().stack ?? '';
  const id: number = realSetTimeout(
    (...a: unknown[]) => {
      pending.delete(id);
      if (typeof handler === 'function') handler(...a);
    },
    ms,
    ...args,
  );
  pending.set(id, stack);
  return id;
}) as typeof window.setTimeout;
window.clearTimeout = ((id?: ReturnType<typeof setTimeout>) => {
  pending.delete(id);
  realClearTimeout(id);
}) as typeof window.clearTimeout;

/** Pending timers whose creation went through the element's sources. */
const elementTimers = () => [...pending.values()].filter((stack) => /\/src\/[\w-]+\.ts/.test(stack));

const listeners = () => executeServerCommand<number | false, undefined>('message-listeners');
interface IframeCounts {
  alive: number;
  detached: number;
}
const iframes = () => executeServerCommand<IframeCounts | false, undefined>('detached-iframes');

// Scripts of the fake token endpoint that keep a fetch (or its retry) in flight at removal.
const SCRIPTS = ['slow:3000', '503', 'hang'];

async function cycle(i: number, key: string) {
  const el = document.createElement('spotnana-embed') as SpotnanaEmbed;
  el.setAttribute('embed-url', EMBED_URL);
  el.setAttribute('path', `/?id=${key}-${i}&ask=${i % 2 ? 'load' : 'never'}`);
  el.setAttribute('token-endpoint', `/token?key=${key}-${i % SCRIPTS.length}&s=${SCRIPTS[i % SCRIPTS.length]}`);
  el.setAttribute('token-timeout', '2000');
  document.body.append(el);
  // The eager fetch starts in the first update: from here on it is in flight.
  await el.updateComplete;
  if (i % 25 === 0) {
    // Some frames load first: the silent-frame timer is then running too.
    const frame = el.shadowRoot!.querySelector('iframe')!;
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  } else if (i % 3 === 1) {
    // Let a 503 answer arrive, so that the retry's backoff timer is what is pending.
    await sleep(30);
  }
  el.remove();
}

describe(`leaks: ${CYCLES} mount/unmount cycles with fetches in flight`, () => {
  it('leave no message listener, no detached iframe and no pending timer of the element', async function () {
    this.timeout(180000);
    const key = uid('leak');
    await sleep(100);
    const listenersBefore = await listeners();
    const before = await iframes();
    if (before === false) return this.skip(); // only Chromium answers (DevTools protocol)

    for (let i = 0; i < CYCLES; i += 10) {
      // 10 at a time: every one mounted, fetching, and removed.
      await Promise.all(Array.from({ length: 10 }, (_, j) => cycle(i + j, key)));
    }
    // The fetches really were in flight: the endpoint saw them.
    // Many got as far as the endpoint before their removal (the rest were aborted before
    // their request left the browser); those the endpoint saw, it saw aborted or answered.
    const seen = (await Promise.all(SCRIPTS.map((_, n) => tokenLog(`${key}-${n}`)))).flat();
    expect(seen.length, 'fetches that reached the endpoint').to.be.at.least(CYCLES / 5);

    expect(await listeners(), 'message listeners on the window').to.equal(listenersBefore);
    await until(async () => elementTimers().length === 0, 'no pending timer of the element', 5000).catch(() => {});
    expect(elementTimers(), 'pending timers set by the element').to.deep.equal([]);
    // Aborted fetches settle asynchronously; give the renderer a moment before counting.
    await sleep(500);
    const afterCycles = (await iframes()) as IframeCounts;
    expect(afterCycles.detached, 'detached iframes alive after GC').to.equal(0);
    expect(afterCycles.alive, 'iframes alive after GC').to.equal(before.alive);
  });

  it('the probes can fail: a removed iframe that is still referenced, and a pending timer, are seen', async function () {
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
    const id = setTimeout(() => {}, 60000);
    expect(pending.has(id)).to.equal(true);
    clearTimeout(id);
    expect(pending.has(id)).to.equal(false);
    // keep `kept` alive until after the count
    expect(kept.isConnected).to.equal(false);
  });
});
