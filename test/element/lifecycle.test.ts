// Lifecycle: reloads on configuration changes, removal, reconnection, reload(), signOut(),
// and several elements on one page.
import { expect } from '@open-wc/testing';
import { html } from 'lit';
import { executeServerCommand } from '@web/test-runner-commands';
import type { SpotnanaEmbed } from '../../src/index.js';
import {
  EMBED_URL,
  command,
  embed,
  errors,
  frameOf,
  loads,
  ofType,
  record,
  renderFixture,
  outlastTimers,
  postedBefore,
  responses,
  serverRoundTrip,
  tokenLog,
  uid,
  until,
  useTiming,
  view,
} from './helpers.js';
import { timing } from '../../src/timing.js';

/** The page's `message` listeners, as Chromium counts them (a server command in web-test-runner.config.mjs); `false` elsewhere. */
const listeners = () => executeServerCommand<number | false, undefined>('message-listeners');

describe('removal', () => {
  // A short backoff, so that waiting out a retry's costs little.
  useTiming({ retryBackoffMs: 100 });

  it('mid-fetch: the fetch is aborted, nothing is posted and no error is raised', async () => {
    const { el, id, key, events } = await embed({
      script: 'hang',
      frame: { ask: 'never' },
      attrs: { 'token-fetch': 'on-request' },
    });
    command(el, { cmd: 'ask' });
    await until(async () => (await tokenLog(key)).length, 'the fetch to start');
    el.remove();
    await until(async () => (await tokenLog(key))[0].aborted, 'the server to see the fetch aborted');
    // A retry would have been set off by now (its backoff timer ran), and its request arrived.
    await outlastTimers(timing.retryBackoffMs);
    await serverRoundTrip();
    expect(await responses(id)).to.deep.equal([]);
    expect(errors(events)).to.deep.equal([]);
    expect(await tokenLog(key)).to.have.length(1); // and not retried
  });

  it('removes its message listener (as the browser itself counts them)', async function () {
    const before = await listeners();
    if (before === false) return this.skip(); // only Chromium counts them (DevTools protocol)
    const { el } = await embed({ frame: { ask: 'never' } });
    expect(await listeners()).to.equal(before + 1);
    el.remove();
    expect(await listeners()).to.equal(before);
    document.body.append(el);
    expect(await listeners()).to.equal(before + 1);
    el.remove();
    expect(await listeners()).to.equal(before);
  });

  it('removed by a spotnana-load listener: its silent-frame timer and prefetch end, no error later', async () => {
    // A short silent-frame check (put back after the test, useTiming), waited out below. The
    // element is removed as its frame's load is reported, whatever the machine's speed: the
    // silent-frame clock starts at that load, so it cannot have run out before the removal.
    timing.silentFrameMs = 1000;
    let removed: EventTarget | undefined;
    const removeOnLoad = (e: Event) => {
      removed = e.composedPath()[0];
      (removed as Element).remove();
    };
    document.addEventListener('spotnana-load', removeOnLoad, { once: true });
    try {
      const { el, key, events } = await embed({ script: 'hang', frame: { ask: 'never' }, wait: false });
      await until(() => removed, 'spotnana-load');
      expect(removed).to.equal(el);
      // The prefetch starts as the element connects, a round trip before its frame can load.
      await until(async () => (await tokenLog(key))[0]?.closed, 'the server to see the prefetch aborted');
      // Every timer it had set (the silent-frame check, a retry's backoff) has had its turn.
      await outlastTimers(Math.max(timing.silentFrameMs, timing.retryBackoffMs));
      await serverRoundTrip();
      expect(errors(events)).to.deep.equal([]);
      expect(await tokenLog(key)).to.have.length(1); // one aborted prefetch, no retry
    } finally {
      document.removeEventListener('spotnana-load', removeOnLoad);
    }
  });

  it('re-inserted, it starts afresh with a new frame and new tokens', async () => {
    const { el, id, key, events } = await embed();
    await until(() => responses(id), 'first tokens');
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
    await until(async () => (await responses(id)).length === 2, 'tokens after re-insertion');
    const [, second] = await responses(id);
    expect(second.data.payload.accessToken).to.equal(`at-${key}-2`);
    expect(ofType(events, 'spotnana-token-sent')).to.have.length(2);
  });
});

describe('configuration changes', () => {
  for (const [name, change] of [
    ['path', (el: SpotnanaEmbed) => (el.path += '&x=1')],
    ['org-id', (el: SpotnanaEmbed) => el.setAttribute('org-id', 'org-2')],
    ['env', (el: SpotnanaEmbed) => (el.env = 'production')],
    ['token-endpoint', (el: SpotnanaEmbed) => (el.tokenEndpoint += '&y=1')],
    ['embed-url', (el: SpotnanaEmbed) => (el.embedUrl = `${EMBED_URL}/v2`)],
  ] as const) {
    it(`a change of ${name} drops held tokens and reloads the frame`, async () => {
      const { el, id, key, events } = await embed({ frame: { ask: 'never' } });
      await until(async () => (await tokenLog(key)).length, 'the prefetch');
      const before = frameOf(el);
      change(el);
      await el.updateComplete;
      expect(frameOf(el)).to.not.equal(before);
      // The new frame loads and asks; it never gets the first (dropped) set.
      await loads(id, 2);
      command(el, { cmd: 'ask' });
      await until(() => ofType(events, 'spotnana-token-sent').length, 'tokens for the new frame');
      const all = await responses(id);
      expect(all.map((r) => r.data.payload.accessToken)).to.not.include(`at-${key}-1`);
    });
  }

  it('a change mid-fetch: the old tokens never reach the new frame', async () => {
    const { el, id, key } = await embed({ script: 'slow:1000,ok', frame: { ask: 'never' } });
    await until(async () => (await tokenLog(key)).length, 'the slow prefetch');
    el.setAttribute('org-id', 'other');
    await el.updateComplete;
    await loads(id, 2);
    command(el, { cmd: 'ask' });
    await until(() => responses(id), 'tokens');
    // The old fetch is over (aborted, or answered), and the frame's next round trip is done:
    // old tokens posted after the old answer would have reached the frame before it.
    await until(async () => (await tokenLog(key))[0].closed, 'the old fetch to end');
    command(el, { cmd: 'ask' });
    await until(async () => (await responses(id)).length >= 2, 'the answer to a later request');
    const all = await responses(id);
    expect(all, 'one answer per request').to.have.length(2);
    expect(all.map((r) => r.data.payload.accessToken)).to.not.include(`at-${key}-1`);
    expect(all[0].data.payload.accessToken).to.not.equal(`at-${key}-1`);
    expect(new URL(frameOf(el)!.src).searchParams.get('orgId')).to.equal('other');
  });

  for (const [name, change] of [
    ['frame-title', (el: SpotnanaEmbed) => (el.frameTitle = 'Travel')],
    ['allow', (el: SpotnanaEmbed) => (el.allow = 'fullscreen')],
    ['token-timeout', (el: SpotnanaEmbed) => (el.tokenTimeout = 5000)],
    ['token-fetch', (el: SpotnanaEmbed) => (el.tokenFetch = 'on-request')],
    ['token-credentials', (el: SpotnanaEmbed) => (el.tokenCredentials = 'include')],
    [
      'tokenProvider',
      (el: SpotnanaEmbed) => (el.tokenProvider = async () => ({ accessToken: 'p-at', refreshToken: 'p-rt' })),
    ],
  ] as const) {
    it(`a change of ${name} applies without a reload`, async () => {
      const { el } = await embed({ frame: { ask: 'never' } });
      const before = frameOf(el);
      change(el);
      await el.updateComplete;
      expect(frameOf(el)).to.equal(before);
    });
  }

  it('a new tokenProvider is used from the next fetch', async () => {
    const { el, id, key } = await embed();
    await until(() => responses(id), 'first tokens');
    el.tokenProvider = async () => ({ accessToken: 'p-at', refreshToken: 'p-rt' });
    command(el, { cmd: 'ask' });
    await until(async () => (await responses(id)).length === 2, 'second tokens');
    expect((await responses(id))[1].data.payload.accessToken).to.equal('p-at');
    expect(await tokenLog(key)).to.have.length(1);
  });

  it('frame-title and allow reach the iframe', async () => {
    const { el } = await embed({ attrs: { 'frame-title': 'Company travel', allow: 'clipboard-write; fullscreen' } });
    expect(frameOf(el)!.title).to.equal('Company travel');
    expect(frameOf(el)!.getAttribute('allow')).to.equal('clipboard-write; fullscreen');
    el.frameTitle = 'Travel';
    el.allow = '';
    await el.updateComplete;
    expect(frameOf(el)!.title).to.equal('Travel');
    expect(frameOf(el)!.hasAttribute('allow')).to.equal(false);
  });

  it('properties set after insertion (as frameworks do) are honoured in the first update', async () => {
    const id = uid('frame');
    const el = document.createElement('spotnana-embed');
    const events = record(el);
    document.body.append(el);
    after(() => el.remove());
    el.embedUrl = EMBED_URL;
    el.path = `/?id=${id}`;
    el.tokenProvider = async () => ({ accessToken: 'late-at', refreshToken: 'late-rt' });
    await until(() => responses(id), 'tokens');
    expect(errors(events)).to.deep.equal([]);
  });
});

describe('reload()', () => {
  it('drops tokens and starts the frame afresh', async () => {
    const { el, id, key, events } = await embed();
    await until(() => responses(id), 'first tokens');
    const before = frameOf(el);
    el.reload();
    await el.updateComplete;
    expect(frameOf(el)).to.not.equal(before);
    expect(view(el)).to.equal('loading');
    await until(async () => (await responses(id)).length === 2, 'tokens after reload');
    expect((await responses(id))[1].data.payload.accessToken).to.equal(`at-${key}-2`);
    expect(ofType(events, 'spotnana-token-sent')).to.have.length(2);
  });
});

describe('signOut()', () => {
  it('aborts the fetch without error, removes the frame, shows no view, and only reload() brings it back', async () => {
    const { el, id, key, events } = await embed({ script: 'hang,ok', frame: { ask: 'never' } });
    await until(async () => (await tokenLog(key)).length, 'the prefetch');
    el.signOut();
    await el.updateComplete;
    expect(frameOf(el)).to.equal(null);
    expect(view(el)).to.equal('none');
    // The prefetch never gets an answer: only an abort ends it.
    await until(async () => (await tokenLog(key))[0].closed, 'the server to see the prefetch aborted');
    expect(errors(events)).to.deep.equal([]);
    el.setAttribute('org-id', 'changed');
    // The update is where a frame would be inserted (a session starts in it).
    await el.updateComplete;
    expect(frameOf(el)).to.equal(null);
    el.reload();
    await el.updateComplete;
    expect(frameOf(el)).to.not.equal(null);
    await loads(id, 2);
    command(el, { cmd: 'ask' });
    await until(() => responses(id), 'tokens after reload');
    // An error of the aborted prefetch would have come long before this round trip.
    expect(errors(events)).to.deep.equal([]);
  });
});

describe('several elements on one page', () => {
  it('each answers only its own frame, with its own tokens', async () => {
    const [a, b] = await Promise.all([embed(), embed()]);
    const [ra] = await until(() => responses(a.id), 'a tokens');
    const [rb] = await until(() => responses(b.id), 'b tokens');
    // Every message of both frames has reached both elements.
    await postedBefore(frameOf(a.el)!.contentWindow!, "a's marker");
    await postedBefore(frameOf(b.el)!.contentWindow!, "b's marker");
    expect(ra.data.payload.accessToken).to.equal(`at-${a.key}-1`);
    expect(rb.data.payload.accessToken).to.equal(`at-${b.key}-1`);
    expect(await responses(a.id)).to.have.length(1);
    expect(await responses(b.id)).to.have.length(1);
    expect(ofType(a.events, 'spotnana-token-request')).to.have.length(1);
    expect(ofType(b.events, 'spotnana-token-request')).to.have.length(1);
    // Each frame's next round trip: an answer to the other's first request would have come
    // before it.
    command(a.el, { cmd: 'ask' });
    command(b.el, { cmd: 'ask' });
    await until(async () => (await responses(a.id)).length >= 2, 'a second tokens');
    await until(async () => (await responses(b.id)).length >= 2, 'b second tokens');
    const tokensOf = async (id: string) => (await responses(id)).map((r) => r.data.payload.accessToken);
    expect(await tokensOf(a.id)).to.deep.equal([`at-${a.key}-1`, `at-${a.key}-2`]);
    expect(await tokensOf(b.id)).to.deep.equal([`at-${b.key}-1`, `at-${b.key}-2`]);
    expect(ofType(a.events, 'spotnana-token-request')).to.have.length(2);
    expect(ofType(b.events, 'spotnana-token-request')).to.have.length(2);
  });

  it('inside a template, two elements load side by side', async () => {
    const ids = [uid('frame'), uid('frame')];
    const wrapper = renderFixture(
      ids.map(
        (id) =>
          html`<spotnana-embed
            embed-url=${EMBED_URL}
            path=${`/?id=${id}`}
            token-endpoint=${`/token?key=${id}`}
          ></spotnana-embed>`,
      ),
    );
    const elements = wrapper.querySelectorAll('spotnana-embed');
    expect(elements).to.have.length(2);
    await Promise.all([...elements].map((el) => el.updateComplete));
    for (const id of ids) await until(() => responses(id), `tokens for ${id}`);
  });
});
