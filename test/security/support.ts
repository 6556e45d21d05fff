// Shared by the security tests: the element's waits set per suite (SpotnanaEmbed.timing), and
// waits on events rather than polls. `until` (test/element/helpers.ts) polls, 25 ms at first
// and then less and less often; these tests wait on the element's events several times per
// case, and a listener answers at once.
import { SpotnanaEmbed, type Timing } from '../../src/index.js';
import { command, EMBED_ORIGIN, EVENT_TYPES, type Recorded, uid } from '../element/helpers.js';

/**
 * Sets fields of SpotnanaEmbed.timing for the enclosing `describe` (from its first hook on, so
 * for every element its tests create) and restores the previous values after it.
 */
export function useTiming(values: Partial<Timing>) {
  let saved: Timing | undefined;
  before(() => {
    saved = { ...SpotnanaEmbed.timing };
    Object.assign(SpotnanaEmbed.timing, values);
  });
  after(() => {
    if (saved) Object.assign(SpotnanaEmbed.timing, saved);
  });
}

/**
 * Keeps a frame of the embed's site (127.0.0.1: the embed origin, and the third origin on
 * another port) in the page for the enclosing `describe`: a plain page, with no script, that
 * posts nothing. A browser that isolates sites runs cross-site frames in a process of their
 * own, and may end it with the site's last frame; tests that make and drop frames of that site
 * one after another then wait for a new process for nearly every frame they load (a few
 * hundred ms each on a busy machine, the most of such a test's time).
 */
export function keepEmbedSiteAlive() {
  let frame: HTMLIFrameElement | undefined;
  before(async () => {
    frame = document.createElement('iframe');
    frame.src = `${EMBED_ORIGIN}/plain`;
    frame.title = 'keeps the embed site alive';
    frame.hidden = true;
    const loaded = new Promise((resolve) => frame!.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
  });
  after(() => frame?.remove());
}

// What the running test waits for, so that a test that runs out of time names it (as
// helpers.ts does for `until`), and how to stop listening once the test is over.
const waiting = new Set<{ what: string }>();
const cleanups = new Set<() => void>();
afterEach(function () {
  const err = this.currentTest?.err;
  if (this.currentTest?.state === 'failed' && err && waiting.size) {
    err.message = `while waiting for ${[...waiting].map((w) => w.what).join(', ')}: ${err.message}`;
  }
  for (const cleanup of [...cleanups]) cleanup();
  waiting.clear();
});

/**
 * Resolves once `arm` calls its `resolve` (it may at once); `arm` returns how to stop
 * listening. No deadline of its own: the test's time-out bounds the wait, and names `what`.
 */
export function eventually<T>(what: string, arm: (resolve: (value: T) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve) => {
    const entry = { what };
    const armed: { disarm?: () => void; done?: boolean } = {};
    const stop = () => {
      armed.done = true;
      armed.disarm?.();
      waiting.delete(entry);
      cleanups.delete(stop);
    };
    waiting.add(entry);
    cleanups.add(stop);
    armed.disarm = arm((value) => {
      if (armed.done) return;
      stop();
      resolve(value);
    });
    // Resolved at once, inside arm(): what it armed is undone only now.
    if (armed.done) armed.disarm();
  });
}

const found = (value: unknown) => (Array.isArray(value) ? value.length > 0 : !!value);

/**
 * `check(events)` once it is truthy (not an empty array): checked now, and after every
 * spotnana-* event on the document, which `record()` (helpers.ts) has recorded by then (its
 * listeners were added first).
 */
export function whenRecorded<T>(events: Recorded[], what: string, check: (events: Recorded[]) => T): Promise<T> {
  return eventually<T>(what, (resolve) => {
    const listener = () => {
      const value = check(events);
      if (found(value)) resolve(value);
    };
    for (const type of EVENT_TYPES) document.addEventListener(type, listener);
    listener();
    return () => {
      for (const type of EVENT_TYPES) document.removeEventListener(type, listener);
    };
  });
}

/** Once the `count`-th recorded event of `type` (1-based) has come: at once for 0. */
export const nth = (events: Recorded[], type: string, count: number, what = `${type} #${count}`) =>
  whenRecorded(events, what, (all) => count <= 0 || all.filter((e) => e.type === type)[count - 1]);

/**
 * A positive marker that the element has handled every message its frame sent so far: the
 * frame (the fake, at the embed origin, loaded) is told to post a message that means nothing
 * to the protocol, and the element's `spotnana-message` for it comes back. Messages from one
 * window to another arrive in order: whatever the frame posted before (its request, say) has
 * been dispatched to the element by then, and what the element does on it synchronously, done.
 */
export async function roundTrip(el: SpotnanaEmbed, events: Recorded[]): Promise<void> {
  const marker = uid('round-trip');
  command(el, { cmd: 'post', data: { type: 'ROUND_TRIP', marker } });
  await whenRecorded(events, `the frame's round trip ${marker}`, (all) =>
    all.some((e) => e.type === 'spotnana-message' && e.detail?.data?.marker === marker),
  );
}
