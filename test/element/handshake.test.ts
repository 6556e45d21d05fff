// The handshake, in the SPEC's words: who gets answered, with what, how often.
import { expect } from '@open-wc/testing';
import type { SpotnanaEmbed, Tokens } from '../../src/index.js';
import {
  EMBED_ORIGIN,
  EMBED_URL,
  command,
  control,
  embed,
  errors,
  frameOf,
  ofType,
  postedBefore,
  receivedBefore,
  record,
  reports,
  responses,
  thirdOrigin,
  tokenLog,
  uid,
  until,
  view,
} from './helpers.js';

const REQUEST = { type: 'TOKEN_EXCHANGE_REQUEST', from: 'spotnana-embed' };

// Nothing the element does may throw into the page.
const pageErrors: unknown[] = [];
addEventListener('error', (e) => pageErrors.push(e.error ?? e.message));
addEventListener('unhandledrejection', (e) => pageErrors.push(e.reason));
afterEach(() => expect(pageErrors.splice(0)).to.deep.equal([]));

describe('the happy path', () => {
  it('posts the endpoint tokens to its own frame once, after spotnana-token-request', async () => {
    const { el, id, key, events } = await embed();
    const [response] = await until(() => responses(id), 'the frame to receive tokens');
    expect(response.origin).to.equal(location.origin);
    expect(response.fromParent).to.equal(true);
    expect(response.data).to.deep.equal({
      type: 'TOKEN_EXCHANGE_RESPONSE',
      payload: { accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1` },
    });
    await until(() => ofType(events, 'spotnana-token-sent').length, 'spotnana-token-sent');
    // Whatever else the element posts to the frame after its answer, the frame reports first.
    await receivedBefore(frameOf(el)!.contentWindow!, id);
    expect(await responses(id)).to.have.length(1);
    const order = events.map((e) => e.type).filter((t) => t.includes('token'));
    expect(order).to.deep.equal(['spotnana-token-request', 'spotnana-token-sent']);
    expect(errors(events)).to.deep.equal([]);
  });

  it('calls the token endpoint with POST, no body, Accept: application/json', async () => {
    const { id, key } = await embed();
    await until(() => responses(id), 'tokens');
    const [call] = await tokenLog(key);
    expect(call).to.include({ method: 'POST', accept: 'application/json', bodyLength: 0, contentType: null });
  });

  it("accepts Spotnana's own snake_case answer", async () => {
    const { id, key } = await embed({ script: 'snake' });
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload).to.deep.equal({ accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1` });
  });

  it('uses tokenProvider instead of the endpoint, with signal, env and embedOrigin', async () => {
    const calls: { env: string; embedOrigin: string; signal: AbortSignal }[] = [];
    const provider = async (ctx: { env: string; embedOrigin: string; signal: AbortSignal }): Promise<Tokens> => {
      calls.push(ctx);
      return { accessToken: 'provided-at', refreshToken: 'provided-rt' };
    };
    const { id, key } = await embed({ props: { tokenProvider: provider }, attrs: { env: 'production' } });
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload).to.deep.equal({ accessToken: 'provided-at', refreshToken: 'provided-rt' });
    expect(calls).to.have.length(1);
    expect(calls[0].env).to.equal('production');
    expect(calls[0].embedOrigin).to.equal(EMBED_ORIGIN);
    expect(calls[0].signal).to.be.instanceOf(AbortSignal);
    expect(await tokenLog(key)).to.have.length(0);
  });

  it('a tokenProvider works without token-endpoint', async () => {
    const el = document.createElement('spotnana-embed');
    const id = uid('frame');
    el.embedUrl = EMBED_URL;
    el.path = `/?id=${id}`;
    el.tokenProvider = async () => ({ accessToken: 'p-at', refreshToken: 'p-rt' });
    document.body.append(el);
    after(() => el.remove());
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload.accessToken).to.equal('p-at');
  });
});

describe('token-fetch', () => {
  it('eager (default) fetches before the frame asks', async () => {
    const { el, id, key, events } = await embed({ frame: { ask: 'never' } });
    await until(async () => (await tokenLog(key)).length, 'the prefetch');
    expect(await responses(id)).to.have.length(0); // never handed over unasked
    command(el, { cmd: 'ask' });
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-1`);
    await until(() => ofType(events, 'spotnana-token-sent').length, 'token-sent');
    expect(ofType(events, 'spotnana-token-sent')[0].detail).to.deep.equal({ prefetched: true });
    expect(await tokenLog(key)).to.have.length(1);
  });

  it('on-request fetches only when the frame asks', async () => {
    const { el, id, key, events } = await embed({ frame: { ask: 'never' }, attrs: { 'token-fetch': 'on-request' } });
    // An eager prefetch starts as the frame is inserted, before the frame is requested: it
    // would have reached the server before the frame's page and its report that it loaded.
    expect(await tokenLog(key)).to.have.length(0);
    command(el, { cmd: 'ask' });
    await until(() => responses(id), 'tokens');
    expect(await tokenLog(key)).to.have.length(1);
    expect(ofType(events, 'spotnana-token-sent')[0].detail).to.deep.equal({ prefetched: false });
  });

  it('a request during the prefetch waits for it rather than fetching twice', async () => {
    const { id, key } = await embed({ script: 'slow:700' });
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-1`);
    expect(await tokenLog(key)).to.have.length(1);
  });

  it('hands a token set over at most once: a second request gets a fetch of its own', async () => {
    const { el, id, key, events } = await embed();
    await until(() => responses(id), 'tokens');
    command(el, { cmd: 'ask' });
    await until(async () => (await responses(id)).length === 2, 'second tokens');
    const [first, second] = await responses(id);
    expect(first.data.payload.accessToken).to.equal(`at-${key}-1`);
    expect(second.data.payload.accessToken).to.equal(`at-${key}-2`);
    expect(ofType(events, 'spotnana-token-sent').map((e) => e.detail.prefetched)).to.deep.equal([true, false]);
  });

  it('two requests at once: the first takes the prefetch, the second fetches, each answered once', async () => {
    const { el, id, key, events } = await embed({ frame: { ask: 'twice' }, script: 'slow:300' });
    await until(async () => (await responses(id)).length === 2, 'two answers');
    await until(() => ofType(events, 'spotnana-token-sent').length === 2, 'two spotnana-token-sent');
    await receivedBefore(frameOf(el)!.contentWindow!, id);
    const tokens = (await responses(id)).map((r) => r.data.payload.accessToken).sort();
    expect(tokens).to.deep.equal([`at-${key}-1`, `at-${key}-2`]);
    expect(await tokenLog(key)).to.have.length(2);
    // The frame's next round trip: a third answer to the first two requests would come before it.
    command(el, { cmd: 'ask' });
    await until(async () => (await responses(id)).length >= 3, 'the answer to a third request');
    expect((await responses(id)).map((r) => r.data.payload.accessToken).slice(2)).to.deep.equal([`at-${key}-3`]);
    expect(await tokenLog(key)).to.have.length(3);
  });

  it('a prefetched set with less than 60 s of life left is not used', async () => {
    const { el, id, key, events } = await embed({ frame: { ask: 'never' }, script: 'okx:30,ok' });
    await until(async () => (await tokenLog(key)).length, 'the prefetch');
    command(el, { cmd: 'ask' });
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-2`);
    expect(ofType(events, 'spotnana-token-sent')[0].detail.prefetched).to.equal(false);
  });

  it('a prefetched set without expiresIn is used while under 60 s old', async () => {
    const { el, id, key } = await embed({ frame: { ask: 'never' }, script: 'okne' });
    // The set is held (its answer has left the server) when the frame asks.
    await until(async () => (await tokenLog(key))[0]?.closed, 'the prefetch');
    command(el, { cmd: 'ask' });
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-1`);
  });
});

describe('only its own frame, at the embed origin, is answered', () => {
  // Each test: the messages that must be ignored, then a marker that the same window posts
  // after them (once it is in, the element has had each of them), then its own frame's round
  // trip (an answer to the ignored messages would have come before it).

  /** Its own frame asks and is answered: `n` answers in all (the first of them with the prefetch). */
  async function roundTrip(el: SpotnanaEmbed, id: string, n = 1) {
    command(el, { cmd: 'ask' });
    await until(async () => (await responses(id)).length >= n, 'its own frame to be answered');
  }

  it('ignores a second frame of the embed origin that is not its own', async () => {
    const rogueId = uid('rogue');
    const { el, id, key, events } = await embed({
      frame: { ask: 'never' },
      attrs: { 'token-fetch': 'on-request' },
    });
    const rogue = document.createElement('iframe');
    rogue.src = `${EMBED_URL}/?id=${rogueId}&ask=burst:3`;
    document.body.append(rogue);
    after(() => rogue.remove());
    await until(async () => (await reports(rogueId)).some((r) => r.loaded), 'the rogue frame to load');
    await postedBefore(rogue.contentWindow!, "the rogue frame's marker");
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
    expect(await tokenLog(key), 'no fetch for the rogue frame').to.have.length(0);
    expect(await responses(rogueId)).to.deep.equal([]);
    expect(await responses(id)).to.deep.equal([]);
    await roundTrip(el, id);
    expect(await responses(rogueId)).to.deep.equal([]);
    expect(await responses(id)).to.have.length(1);
    expect(await tokenLog(key)).to.have.length(1);
    expect(ofType(events, 'spotnana-token-request')).to.have.length(1);
  });

  it('ignores a frame of another origin', async () => {
    const otherId = uid('other');
    const { el, id, events } = await embed({ frame: { ask: 'never' } });
    const other = document.createElement('iframe');
    other.src = `${await thirdOrigin()}/fake-frame/?id=${otherId}&ask=burst:3`;
    document.body.append(other);
    after(() => other.remove());
    await until(async () => (await reports(otherId)).some((r) => r.loaded), 'the other frame to load');
    await postedBefore(other.contentWindow!, "the other frame's marker");
    expect(await responses(otherId)).to.deep.equal([]);
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
    // and the element still works afterwards
    await roundTrip(el, id);
    expect(await responses(otherId)).to.deep.equal([]);
    expect(ofType(events, 'spotnana-token-request')).to.have.length(1);
  });

  it('ignores the host page itself', async () => {
    const { el, id, events } = await embed({ frame: { ask: 'never' } });
    window.postMessage(REQUEST, '*');
    window.postMessage(REQUEST, location.origin);
    await postedBefore(window, "the page's own marker");
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
    expect(await responses(id)).to.deep.equal([]);
    await roundTrip(el, id);
    expect(ofType(events, 'spotnana-token-request')).to.have.length(1);
    expect(await responses(id), 'one answer, to its own frame').to.have.length(1);
  });

  it('ignores a frame nested inside its own frame that posts to the top window', async () => {
    const nestedId = uid('nested');
    const { el, id, events } = await embed({ frame: { ask: 'never' } });
    command(el, { cmd: 'nest', src: `${EMBED_URL}/?id=${nestedId}&ask=burst:2&target=top` });
    await until(async () => (await reports(nestedId)).some((r) => r.loaded), 'the nested frame to load');
    // The nested frame posts its marker to the top window too.
    await postedBefore(frameOf(el)!.contentWindow!.frames[0]!, "the nested frame's marker");
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
    expect(await responses(nestedId)).to.deep.equal([]);
    expect(await responses(id)).to.deep.equal([]);
    await roundTrip(el, id);
    expect(await responses(nestedId)).to.deep.equal([]);
    expect(await responses(id)).to.have.length(1);
    expect(ofType(events, 'spotnana-token-request')).to.have.length(1);
  });

  it('ignores its own frame once it has navigated to another origin', async () => {
    const awayId = uid('away');
    const { el, events } = await embed({ frame: { ask: 'never' } });
    command(el, { cmd: 'navigate', url: `${await thirdOrigin()}/fake-frame/?id=${awayId}&ask=burst:3` });
    await until(async () => (await reports(awayId)).some((r) => r.loaded), 'the navigated frame to load');
    await postedBefore(frameOf(el)!.contentWindow!, "the navigated frame's marker");
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
    expect(await responses(awayId)).to.deep.equal([]);
  });

  it('never delivers tokens to its frame after it navigated away mid-fetch (pinned target origin)', async () => {
    const awayId = uid('away');
    // The fetch is answered only once the test releases it, after the frame has navigated.
    const { el, id, key, events } = await embed({
      frame: { ask: 'never' },
      attrs: { 'token-fetch': 'on-request' },
      script: 'gate',
    });
    command(el, { cmd: 'ask' });
    await until(() => ofType(events, 'spotnana-token-request').length, 'the request');
    await until(() => tokenLog(key), 'the fetch');
    command(el, { cmd: 'navigate', url: `${await thirdOrigin()}/fake-frame/?id=${awayId}&ask=never` });
    await until(async () => (await reports(awayId)).some((r) => r.loaded), 'the navigated frame to load');
    await control(`/__release?key=${encodeURIComponent(key)}`);
    // The element posted its answer (pinned to the embed origin) and fired spotnana-token-sent
    // right after; the navigated frame reports what it got before the marker that follows.
    await until(() => ofType(events, 'spotnana-token-sent').length, 'the answer to be posted');
    await receivedBefore(frameOf(el)!.contentWindow!, awayId);
    expect(await responses(awayId)).to.deep.equal([]);
    expect(await responses(id)).to.deep.equal([]);
  });
});

describe('malformed messages from its own frame', () => {
  const malformed: [string, unknown][] = [
    ['null', null],
    ['a string', 'TOKEN_EXCHANGE_REQUEST'],
    ['a JSON string', JSON.stringify(REQUEST)],
    ['an array holding a request', [REQUEST]],
    ['an array with a type property', Object.assign([], { type: 'TOKEN_EXCHANGE_REQUEST' })],
    ['a number', 42],
    ['a wrong type', { type: 'TOKEN_EXCHANGE_REQUESTS', from: 'spotnana-embed' }],
    ['a type that is not a string', { type: ['TOKEN_EXCHANGE_REQUEST'] }],
    ['a type inherited through __proto__', JSON.parse('{"__proto__":{"type":"TOKEN_EXCHANGE_REQUEST"}}')],
    ['a nested request', { data: REQUEST }],
    ['a Date', new Date()],
    ['a Map', new Map([['type', 'TOKEN_EXCHANGE_REQUEST']])],
    ['a huge payload', { type: 'X', blob: 'x'.repeat(2 * 1024 * 1024) }],
  ];

  // One element for the cases below (its frame never asks): each posts its message, then a
  // marker (once the marker is in, so is the message), and looks at what came of it alone.
  const shared = {} as { el: SpotnanaEmbed; id: string; events: ReturnType<typeof record> };
  before(async () => {
    shared.id = uid('frame');
    shared.el = document.createElement('spotnana-embed');
    shared.el.embedUrl = EMBED_URL;
    shared.el.path = `/?id=${shared.id}&ask=never`;
    shared.el.tokenEndpoint = `/token?key=${uid('token')}`;
    shared.events = record(shared.el);
    document.body.append(shared.el);
    await until(async () => (await reports(shared.id)).some((r) => r.loaded), 'the frame to load');
  });
  after(() => shared.el.remove());

  for (const [what, data] of malformed) {
    it(`${what}: not answered, surfaced as spotnana-message`, async () => {
      const { el, id, events } = shared;
      const [messages, requests] = ['spotnana-message', 'spotnana-token-request'].map((t) => ofType(events, t).length);
      command(el, { cmd: 'post', data });
      await postedBefore(frameOf(el)!.contentWindow!, 'the marker after the message');
      expect(ofType(events, 'spotnana-message').length - messages, 'its spotnana-message, then the marker’s').to.equal(
        2,
      );
      expect(ofType(events, 'spotnana-token-request')).to.have.length(requests);
      expect(await responses(id)).to.deep.equal([]);
    });
  }

  it('answers none of them, surfaces them as spotnana-message, and still works after', async () => {
    const { el, id, key, events } = await embed({ frame: { ask: 'never' } });
    for (const [, data] of malformed) command(el, { cmd: 'post', data });
    await until(() => ofType(events, 'spotnana-message').length === malformed.length, 'every message to arrive');
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
    expect(await responses(id)).to.deep.equal([]);
    command(el, { cmd: 'ask' });
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-1`);
    // One answer, to the one request.
    expect(await responses(id)).to.have.length(1);
  });

  it('a request whose from is missing or different is still a request (origin and source decide)', async () => {
    const { el, id } = await embed({ frame: { ask: 'never' } });
    command(el, { cmd: 'post', data: { type: 'TOKEN_EXCHANGE_REQUEST' } });
    await until(() => responses(id), 'tokens');
  });

  it('spotnana-message carries other messages of its frame, bubbling and composed', async () => {
    const { el, events } = await embed({ frame: { ask: 'never' } });
    command(el, { cmd: 'post', data: { type: 'NAVIGATED', path: '/trips' } });
    const [message] = await until(() => ofType(events, 'spotnana-message'), 'spotnana-message');
    expect(message.detail).to.deep.equal({ data: { type: 'NAVIGATED', path: '/trips' } });
    expect(message).to.include({ bubbles: true, composed: true });
  });
});

describe('TOKEN_EXCHANGE_ERROR from the frame', () => {
  it('raises spotnana-error with source spotnana and its code and message, and shows the error view', async () => {
    const { el, id, events } = await embed({ frame: { reject: '1' } });
    await until(() => responses(id), 'tokens');
    const [error] = await until(() => errors(events), 'spotnana-error');
    expect(error).to.deep.equal({ source: 'spotnana', code: 'INVALID_TOKEN', message: 'Token is not valid' });
    expect(ofType(events, 'spotnana-message')).to.have.length(0);
    await el.updateComplete;
    expect(view(el)).to.equal('error');
  });

  it('is ignored from any other origin', async () => {
    const { events } = await embed({ frame: { ask: 'never' } });
    window.postMessage(
      {
        from: 'spotnana-embed',
        type: 'TOKEN_EXCHANGE_ERROR',
        payload: { errorCode: 'INVALID_TOKEN', errorMessage: 'x' },
      },
      '*',
    );
    await postedBefore(window, "the page's own marker");
    expect(errors(events)).to.deep.equal([]);
  });
});

describe('the loop guard', () => {
  it('answers 5 requests in a minute, not the 6th or later, and raises request-loop once', async () => {
    const { el, id, key, events } = await embed({ frame: { ask: 'burst:8' } });
    await until(async () => (await responses(id)).length === 5, 'five answers');
    await until(() => errors(events).length, 'the loop error');
    // All 8 requests have reached the element, and it has sent all it was going to: the
    // frame reports an answer posted before the marker before the marker itself.
    await postedBefore(frameOf(el)!.contentWindow!, 'the marker after the burst');
    await until(() => ofType(events, 'spotnana-token-sent').length === 5, 'five spotnana-token-sent');
    expect(ofType(events, 'spotnana-token-request'), 'requests let through').to.have.length(5);
    await receivedBefore(frameOf(el)!.contentWindow!, id);
    expect(await responses(id)).to.have.length(5);
    expect(await tokenLog(key)).to.have.length(5);
    expect(errors(events)).to.deep.equal([
      { source: 'spotnana', code: 'request-loop', message: errors(events)[0].message },
    ]);
    command(el, { cmd: 'ask' });
    await postedBefore(frameOf(el)!.contentWindow!, 'the marker after the later request');
    expect(ofType(events, 'spotnana-token-request'), 'requests let through').to.have.length(5);
    await receivedBefore(frameOf(el)!.contentWindow!, id);
    expect(await responses(id)).to.have.length(5);
    expect(errors(events)).to.have.length(1);
  });

  it('reload() resets it', async () => {
    const { el, key, events } = await embed({ frame: { ask: 'burst:6' } });
    await until(() => errors(events).length, 'the loop error');
    // The five answered requests are all delivered before the frame is replaced.
    await until(() => ofType(events, 'spotnana-token-sent').length === 5, 'five answers');
    el.path = el.path.replace(/ask=[^&]*/, 'ask=load');
    await until(() => ofType(events, 'spotnana-token-sent').length === 6, 'an answer after the config change');
    expect(await tokenLog(key)).to.have.length(6);
    (el as SpotnanaEmbed).reload();
    await until(() => ofType(events, 'spotnana-token-sent').length === 7, 'an answer after reload()');
  });
});
