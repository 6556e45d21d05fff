// The silent-frame diagnostic: no valid request within `SpotnanaEmbed.timing.silentFrameMs`
// (15 s by default) of the frame's first load raises `no-request`. The tests shorten it to
// SILENT, so that none waits 15 s of real time. Where a test must know that the element's own
// timer has had its turn, it sets a timer of the same delay after it (`outlastTimers`): the
// browser runs timers of equal delay in the order they were set.
import { expect } from '@open-wc/testing';
import { SpotnanaEmbed } from '../../src/index.js';
import { timing } from '../../src/timing.js';
import {
  EMBED_URL,
  command,
  embed,
  errors,
  loads,
  ofType,
  outlastTimers,
  responses,
  until,
  useTiming,
  view,
} from './helpers.js';

/** The silent-frame delay in these tests, in ms. */
const SILENT = 1000;
/** Date.now() of two events may differ from the timer's own clock by a few ms. */
const CLOCK_SLACK = 50;

// When each element fired its spotnana-load and spotnana-error events, by the page's clock,
// recorded from before the element exists (its first load may come before embed() returns).
const times = new Map<EventTarget, Map<string, number[]>>();
const stamp = (e: Event) => {
  const el = e.composedPath()[0]!;
  const byType = times.get(el) ?? times.set(el, new Map()).get(el)!;
  byType.set(e.type, [...(byType.get(e.type) ?? []), Date.now()]);
};
for (const type of ['spotnana-load', 'spotnana-error']) document.addEventListener(type, stamp);
/** When `el` fired its `n`th (from 0) event of `type`, if it did. */
const at = (type: string, el: HTMLElement, n = 0) => times.get(el)?.get(type)?.[n];

describe('SpotnanaEmbed.timing', () => {
  it('defaults to a silent-frame delay of 15000 ms and a retry backoff of 500 ms', () => {
    expect(SpotnanaEmbed.timing).to.deep.equal({ silentFrameMs: 15000, retryBackoffMs: 500 });
    // The object the session and the token client read.
    expect(SpotnanaEmbed.timing).to.equal(timing);
  });
});

describe('a frame that never asks', () => {
  useTiming({ silentFrameMs: SILENT });

  it('raises no-request once, silentFrameMs after its first load, naming the likely cause; an asking frame raises nothing', async () => {
    const [silent, asking] = await Promise.all([embed({ frame: { ask: 'never' } }), embed()]);
    const [error] = await until(() => errors(silent.events), 'no-request');
    expect(at('spotnana-error', silent.el)! - at('spotnana-load', silent.el)!).to.be.at.least(SILENT - CLOCK_SLACK);
    expect(error.source).to.equal('spotnana');
    expect(error.code).to.equal('no-request');
    expect(error.message).to.contain('allow-list');
    await silent.el.updateComplete;
    expect(view(silent.el)).to.equal('error');

    // Once: a timer the element set again (as it raised the error, or for the asking frame's
    // load) has run by the time one set now with the same delay runs.
    await until(() => at('spotnana-load', asking.el), "the asking frame's load event");
    await until(() => ofType(asking.events, 'spotnana-token-sent'), "the asking frame's tokens");
    await outlastTimers(SILENT);
    expect(errors(silent.events)).to.have.length(1);
    expect(errors(asking.events)).to.deep.equal([]);
  });

  it('states the configured delay, in seconds, in its message', async () => {
    timing.silentFrameMs = 1200; // put back after the test (useTiming)
    const { events } = await embed({ frame: { ask: 'never' } });
    const [error] = await until(() => errors(events), 'no-request');
    expect(error.code).to.equal('no-request');
    expect(error.message).to.contain('No token request 1.2 s after the frame loaded');
  });

  it('a navigation inside the frame does not restart the count', async () => {
    const { el, id, events } = await embed({ frame: { ask: 'never' } });
    await until(() => at('spotnana-load', el), "the frame's first load event");
    // Two timers of the same delay as the element's, set as the navigation's load event is
    // fired: `before` while it is dispatched (before anything the element does after it),
    // `after` in a later task (after anything the element does for that load).
    const control: { before?: number; after?: number } = {};
    let armed = false;
    const onLoad = (e: Event) => {
      if (e.composedPath()[0] !== el || armed) return;
      armed = true;
      setTimeout(() => (control.before = errors(events).length), SILENT);
      setTimeout(() => setTimeout(() => (control.after = errors(events).length), SILENT));
    };
    document.addEventListener('spotnana-load', onLoad);
    try {
      command(el, { cmd: 'navigate', url: `${EMBED_URL}/other?id=${id}-nav&ask=never` });
      await loads(`${id}-nav`, 1);
      const [error] = await until(() => errors(events), 'no-request after the navigation');
      expect(error.code).to.equal('no-request');
      expect(at('spotnana-error', el)! - at('spotnana-load', el)!, 'counted from the first load').to.be.at.least(
        SILENT - CLOCK_SLACK,
      );
      await until(() => control.after !== undefined, 'the timers set at the navigation');
    } finally {
      document.removeEventListener('spotnana-load', onLoad);
    }
    // A count restarted by the navigation's load would end after `before`, and raise again
    // before `after`.
    expect(control.before, 'errors when a count started at the navigation would end').to.equal(1);
    expect(control.after, 'errors once a count restarted by the navigation has ended').to.equal(1);
    expect(ofType(events, 'spotnana-load')).to.have.length(2);
    expect(ofType(events, 'spotnana-load')[0].detail.url).to.equal(el.shadowRoot!.querySelector('iframe')!.src);
  });

  it('a late request is answered and clears the error view', async () => {
    const { el, id, events } = await embed({ frame: { ask: 'never' } });
    await until(() => errors(events), 'no-request');
    await el.updateComplete;
    expect(view(el)).to.equal('error');
    command(el, { cmd: 'ask' });
    const [response] = await until(() => responses(id), 'a late answer');
    expect(response.data.type).to.equal('TOKEN_EXCHANGE_RESPONSE');
    // Fired as the answer was posted: after it, no error of the late request is still to come.
    await until(() => ofType(events, 'spotnana-token-sent'), 'spotnana-token-sent');
    await el.updateComplete;
    expect(view(el)).to.equal('none');
    expect(errors(events)).to.have.length(1);
    expect(ofType(events, 'spotnana-load')).to.have.length(1);
  });
});
