// The handshake, in the SPEC's words: who gets answered, with what, how often.
import { expect } from '@open-wc/testing';
import type { SpotnanaEmbed, Tokens } from '../../src/index.js';
import {
  EMBED_ORIGIN,
  EMBED_URL,
  command,
  embed,
  errors,
  ofType,
  reports,
  responses,
  sleep,
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
    const { id, key, events } = await embed();
    const [response] = await until(() => responses(id), 'the frame to receive tokens');
    expect(response.origin).to.equal(location.origin);
    expect(response.fromParent).to.equal(true);
    expect(response.data).to.deep.equal({
      type: 'TOKEN_EXCHANGE_RESPONSE',
      payload: { accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1` },
    });
    await until(() => ofType(events, 'spotnana-token-sent').length, 'spotnana-token-sent');
    await sleep(200);
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
    await sleep(500);
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
    const { id, key } = await embed({ frame: { ask: 'twice' }, script: 'slow:300' });
    await until(async () => (await responses(id)).length === 2, 'two answers');
    await sleep(300);
    const tokens = (await responses(id)).map((r) => r.data.payload.accessToken).sort();
    expect(tokens).to.deep.equal([`at-${key}-1`, `at-${key}-2`]);
    expect(await tokenLog(key)).to.have.length(2);
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
    await until(async () => (await tokenLog(key)).length, 'the prefetch');
    await sleep(100);
    command(el, { cmd: 'ask' });
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-1`);
  });
});

describe('only its own frame, at the embed origin, is answered', () => {
  it('ignores a second frame of the embed origin that is not its own', async () => {
    const rogueId = uid('rogue');
    const { id, events } = await embed({ frame: { ask: 'never' }, attrs: { 'token-fetch': 'on-request' } });
    const rogue = document.createElement('iframe');
    rogue.src = `${EMBED_URL}/?id=${rogueId}&ask=burst:3`;
    document.body.append(rogue);
    after(() => rogue.remove());
    await until(async () => (await reports(rogueId)).some((r) => r.loaded), 'the rogue frame to load');
    await sleep(500);
    expect(await responses(rogueId)).to.deep.equal([]);
    expect(await responses(id)).to.deep.equal([]);
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
  });

  it('ignores a frame of another origin', async () => {
    const otherId = uid('other');
    const { el, id, events } = await embed({ frame: { ask: 'never' } });
    const other = document.createElement('iframe');
    other.src = `${await thirdOrigin()}/fake-frame/?id=${otherId}&ask=burst:3`;
    document.body.append(other);
    after(() => other.remove());
    await until(async () => (await reports(otherId)).some((r) => r.loaded), 'the other frame to load');
    await sleep(500);
    expect(await responses(otherId)).to.deep.equal([]);
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
    // and the element still works afterwards
    command(el, { cmd: 'ask' });
    await until(() => responses(id), 'own tokens');
  });

  it('ignores the host page itself', async () => {
    const { id, events } = await embed({ frame: { ask: 'never' } });
    window.postMessage(REQUEST, '*');
    window.postMessage(REQUEST, location.origin);
    await sleep(300);
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
    expect(await responses(id)).to.deep.equal([]);
  });

  it('ignores a frame nested inside its own frame that posts to the top window', async () => {
    const nestedId = uid('nested');
    const { el, id, events } = await embed({ frame: { ask: 'never' } });
    command(el, { cmd: 'nest', src: `${EMBED_URL}/?id=${nestedId}&ask=burst:2&target=top` });
    await until(async () => (await reports(nestedId)).some((r) => r.loaded), 'the nested frame to load');
    await sleep(500);
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
    expect(await responses(nestedId)).to.deep.equal([]);
    expect(await responses(id)).to.deep.equal([]);
  });

  it('ignores its own frame once it has navigated to another origin', async () => {
    const awayId = uid('away');
    const { el, events } = await embed({ frame: { ask: 'never' } });
    command(el, { cmd: 'navigate', url: `${await thirdOrigin()}/fake-frame/?id=${awayId}&ask=burst:3` });
    await until(async () => (await reports(awayId)).some((r) => r.loaded), 'the navigated frame to load');
    await sleep(500);
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
    expect(await responses(awayId)).to.deep.equal([]);
  });

  it('never delivers tokens to its frame after it navigated away mid-fetch (pinned target origin)', async () => {
    const awayId = uid('away');
    const { el, id, events } = await embed({
      frame: { ask: 'never' },
      attrs: { 'token-fetch': 'on-request' },
      script: 'slow:1500',
    });
    command(el, { cmd: 'ask' });
    await until(() => ofType(events, 'spotnana-token-request').length, 'the request');
    command(el, { cmd: 'navigate', url: `${await thirdOrigin()}/fake-frame/?id=${awayId}&ask=never` });
    await until(async () => (await reports(awayId)).some((r) => r.loaded), 'the navigated frame to load');
    await sleep(2000);
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

  it('answers none of them, surfaces them as spotnana-message, and still works after', async () => {
    const { el, id, key, events } = await embed({ frame: { ask: 'never' } });
    for (const [, data] of malformed) command(el, { cmd: 'post', data });
    await until(() => ofType(events, 'spotnana-message').length === malformed.length, 'every message to arrive');
    expect(ofType(events, 'spotnana-token-request')).to.have.length(0);
    expect(await responses(id)).to.deep.equal([]);
    command(el, { cmd: 'ask' });
    const [response] = await until(() => responses(id), 'tokens');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-1`);
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
    await sleep(300);
    expect(errors(events)).to.deep.equal([]);
  });
});

describe('the loop guard', () => {
  it('answers 5 requests in a minute, not the 6th or later, and raises request-loop once', async () => {
    const { el, id, key, events } = await embed({ frame: { ask: 'burst:8' } });
    await until(async () => (await responses(id)).length === 5, 'five answers');
    await until(() => errors(events).length, 'the loop error');
    await sleep(500);
    expect(await responses(id)).to.have.length(5);
    expect(await tokenLog(key)).to.have.length(5);
    expect(errors(events)).to.deep.equal([
      { source: 'spotnana', code: 'request-loop', message: errors(events)[0].message },
    ]);
    command(el, { cmd: 'ask' });
    await sleep(300);
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
