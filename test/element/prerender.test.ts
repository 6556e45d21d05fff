// Prerender: `SpotnanaEmbed.prerender(options)` signs a frame in before any element exists, and
// an element with the same frame URL and token source takes it over. Where the browser can
// move an iframe without reloading it (`moveBefore`: Chromium, Firefox), the element takes the
// very frame, already answered; elsewhere (WebKit) the prerender holds only the tokens, which
// the element takes as its eager prefetch. Every frame and endpoint is real (the fake Spotnana
// frame and the scripted token endpoint over HTTP); "no reload" and "no new fetch" are read
// from the frame's own load reports and the endpoint's log after a later round trip.
import { expect, fixture } from '@open-wc/testing';
import { SpotnanaEmbed } from '../../src/index.js';
import type { Tokens } from '../../src/token-client.js';
import {
  command,
  EMBED_ORIGIN,
  EMBED_URL,
  errors,
  frameOf,
  ofType,
  record,
  reports,
  responses,
  serverRoundTrip,
  tokenLog,
  uid,
  until,
  view,
} from './helpers.js';

/** Chromium and Firefox move a connected iframe without reloading it; WebKit does not (yet). */
const MOVES = 'moveBefore' in Element.prototype;

interface Setup {
  id: string;
  key: string;
  /** The prerender's options, by property name. */
  options: Record<string, unknown>;
}

/** Prerender options for a fresh fake frame `id` and endpoint `key`. */
function setup(extra: Record<string, unknown> = {}): Setup {
  const id = uid('pre');
  const key = uid('token');
  return {
    id,
    key,
    options: { embedUrl: EMBED_URL, path: `/?id=${id}&ask=load`, tokenEndpoint: `/token?key=${key}&s=ok`, ...extra },
  };
}

const handles: { cancel(): void }[] = [];
afterEach(() => handles.splice(0).forEach((handle) => handle.cancel()));

function prerender(options: Record<string, unknown>) {
  const handle = (SpotnanaEmbed as any).prerender(options) as { cancel(): void };
  handles.push(handle);
  return handle;
}

/** The iframes outside any element: the prerenders' hidden frames. */
const hiddenFrames = () => [...document.querySelectorAll('iframe')].filter((frame) => !frame.closest('spotnana-embed'));

/** The preconnect a prerender opens where it cannot hold a frame. */
const PRECONNECT = `link[rel=preconnect][href="${EMBED_ORIGIN}"]`;

/** How many times frame `id` loaded a document. */
const loadCount = async (id: string) => (await reports(id)).filter((r) => r.loaded).length;

/** An element with these options (by property name), recorded, in the page. */
async function element(options: Record<string, unknown>) {
  const el = document.createElement('spotnana-embed') as SpotnanaEmbed;
  Object.assign(el, options);
  const events = record(el);
  await fixture(el);
  return { el, events };
}

/** Waits until the element has sent tokens to its frame and fired `spotnana-load` (which may come after). */
async function signedIn(events: ReturnType<typeof record>, what: string) {
  await until(() => ofType(events, 'spotnana-token-sent').length, `${what}: the tokens to be sent`);
  await until(() => ofType(events, 'spotnana-load').length, `${what}: spotnana-load`);
}

/** Waits until the prerendered frame `id` holds its tokens (or, without moveBefore, the endpoint answered). */
async function prerendered({ id, key }: Setup) {
  if (MOVES) await until(async () => (await responses(id)).length === 1, 'the prerendered frame to get its tokens');
  else await until(async () => (await tokenLog(key)).length === 1, 'the prerender to fetch its tokens');
}

describe('prerender(): the options, checked as the element checks them', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ tokenTimeout: 0 }, /tokenTimeout/],
    [{ env: 'staging' }, /env/],
    [{ path: '//evil.example' }, /path/],
    [{ embedUrl: 'http://evil.example' }, /embedUrl/],
    [{ tokenCredentials: 'always' }, /tokenCredentials/],
    [{ keep: 0 }, /keep/],
    [{ keep: 3601 }, /keep/],
    [{ keep: 1.5 }, /keep/],
    [{ tokenFetch: 'never' }, /tokenFetch/],
    [{ frameLoading: 'lazy' }, /frameLoading is not an option/],
    [{ tokenEndpoint: '', tokenProvider: undefined }, /tokenEndpoint/],
  ];

  for (const [extra, name] of cases) {
    it(`an invalid value throws a TypeError naming the option, and nothing starts: ${JSON.stringify(extra)}`, async () => {
      const invalid = setup();
      expect(() => prerender({ ...invalid.options, ...extra }), JSON.stringify(extra)).to.throw(TypeError, name);
      expect(hiddenFrames()).to.deep.equal([]);
      // Its fetch would have been sent as prerender() ran: before this round trip.
      await serverRoundTrip();
      expect(await tokenLog(invalid.key)).to.deep.equal([]);
      expect(await reports(invalid.id)).to.deep.equal([]);
    });
  }

  it('after every invalid value, a valid prerender runs its round trip; the invalid ones never fetched', async () => {
    const invalid = setup();
    for (const [extra, name] of cases) {
      expect(() => prerender({ ...invalid.options, ...extra }), JSON.stringify(extra)).to.throw(TypeError, name);
    }
    expect(hiddenFrames()).to.deep.equal([]);
    // A good prerender after them runs its round trip; the bad ones never fetched.
    const good = setup();
    prerender(good.options);
    await prerendered(good);
    expect(await tokenLog(invalid.key)).to.deep.equal([]);
    expect(await reports(invalid.id)).to.deep.equal([]);
  });
});

describe('prerender(): a session with no element', () => {
  it('its frame is hidden, inert and takes no room; it is answered by the handshake', async function () {
    if (!MOVES) this.skip();
    const s = setup();
    const height = document.documentElement.scrollHeight;
    prerender(s.options);
    await prerendered(s);
    const [frame] = hiddenFrames();
    expect(frame, 'the hidden frame').to.not.equal(undefined);
    expect(frame!.closest('[inert]'), 'an inert holder').to.not.equal(null);
    expect(frame!.checkVisibility({ visibilityProperty: true }), 'visible').to.equal(false);
    expect(document.documentElement.scrollHeight).to.equal(height);
    const [response] = await responses(s.id);
    expect(response!.origin).to.equal(location.origin);
    expect(response!.data.payload).to.deep.equal({ accessToken: `at-${s.key}-1`, refreshToken: `rt-${s.key}-1` });
  });

  it('answers only its own frame: another frame at the embed origin that asks gets nothing', async function () {
    if (!MOVES) this.skip();
    const s = setup();
    const otherId = uid('other');
    const other = document.createElement('iframe');
    other.src = `${EMBED_URL}/?id=${otherId}&ask=load`;
    document.body.append(other);
    try {
      await until(async () => (await reports(otherId)).some((r) => r.loaded), 'the other frame to load');
      prerender(s.options);
      await prerendered(s);
      // The other frame asks again after the prerender's round trip: still nothing.
      other.contentWindow!.postMessage({ cmd: 'ask' }, EMBED_ORIGIN);
      const [frame] = hiddenFrames().filter((f) => f !== other);
      frame!.contentWindow!.postMessage({ cmd: 'ask' }, EMBED_ORIGIN);
      await until(async () => (await responses(s.id)).length === 2, 'the prerendered frame’s second answer');
      expect(await responses(otherId)).to.deep.equal([]);
    } finally {
      other.remove();
    }
  });
});

describe('prerender() where an iframe cannot be moved (WebKit)', () => {
  it('holds no frame: a preconnect to the embed origin, and the tokens', async function () {
    if (MOVES) this.skip();
    const s = setup();
    prerender(s.options);
    await prerendered(s);
    expect(hiddenFrames()).to.deep.equal([]);
    expect(document.querySelector<HTMLLinkElement>(PRECONNECT)?.href).to.equal(`${EMBED_ORIGIN}/`);
    expect(await reports(s.id)).to.deep.equal([]);
  });
});

describe('takeover: an element with the same frame URL and token source', () => {
  it('takes the signed-in frame (moveBefore: not reloaded, no new fetch) or, without it, the tokens', async () => {
    const s = setup();
    prerender(s.options);
    await prerendered(s);
    const before = hiddenFrames()[0]?.contentWindow;
    const { el, events } = await element(s.options);
    await signedIn(events, 'the tokens to be sent');
    expect(hiddenFrames()).to.deep.equal([]);
    if (MOVES) {
      expect(frameOf(el)?.contentWindow).to.equal(before);
      expect(ofType(events, 'spotnana-load').map((e) => e.detail)).to.deep.equal([
        { url: frameOf(el)!.src, prerendered: true },
      ]);
      expect(ofType(events, 'spotnana-token-sent').map((e) => e.detail)).to.deep.equal([
        { prefetched: true, prerendered: true },
      ]);
    } else {
      await until(async () => (await responses(s.id)).length === 1, 'the element’s frame to get the tokens');
      expect(ofType(events, 'spotnana-token-sent').map((e) => e.detail)).to.deep.equal([{ prefetched: true }]);
    }
    expect(view(el)).to.equal('none');
    // The frame fills the element's box (it was sized for the holder before).
    const box = el.getBoundingClientRect();
    const frameBox = frameOf(el)!.getBoundingClientRect();
    expect([frameBox.width, frameBox.height]).to.deep.equal([box.width, box.height]);
    // A later request, as a refresh: one more token fetch, and still one frame document.
    command(el, { cmd: 'ask' });
    await until(async () => (await responses(s.id)).length === 2, 'the second answer');
    expect(await loadCount(s.id), 'documents loaded in frame ' + s.id).to.equal(1);
    expect((await tokenLog(s.key)).length).to.equal(2);
    expect(ofType(events, 'spotnana-token-sent').at(-1)!.detail).to.deep.equal({ prefetched: false });
    expect(errors(events)).to.deep.equal([]);
  });

  it('an element with a tokenProvider takes it over, and its provider answers the later requests', async () => {
    const s = setup();
    prerender(s.options);
    await prerendered(s);
    let calls = 0;
    const tokenProvider = async (): Promise<Tokens> => {
      calls += 1;
      return { accessToken: `provided-${calls}`, refreshToken: `provided-r-${calls}` };
    };
    const { el, events } = await element({ ...s.options, tokenEndpoint: '', tokenProvider });
    await signedIn(events, 'the tokens to be sent');
    command(el, { cmd: 'ask' });
    await until(async () => (await responses(s.id)).length === 2, 'the second answer');
    // Counted only now: the frame reports in order, so its load report is in before the answers'.
    expect(await loadCount(s.id)).to.equal(1);
    expect((await responses(s.id))[1]!.data.payload.accessToken).to.equal(`provided-${calls}`);
    expect((await tokenLog(s.key)).length).to.equal(1);
    if (MOVES)
      expect(ofType(events, 'spotnana-token-sent')[0]!.detail).to.deep.equal({ prefetched: true, prerendered: true });
  });

  it('is taken over once: a second element loads a frame of its own', async () => {
    const s = setup();
    prerender(s.options);
    await prerendered(s);
    const first = await element(s.options);
    await signedIn(first.events, 'the first element’s tokens');
    const second = await element(s.options);
    await signedIn(second.events, 'the second element’s tokens');
    expect(frameOf(second.el)).to.not.equal(frameOf(first.el));
    // The frames report their loads by fetch, which may come after the round trip.
    await until(async () => (await loadCount(s.id)) === 2, 'the second frame’s load report');
    expect(ofType(second.events, 'spotnana-load')[0]!.detail).to.deep.equal({ url: frameOf(second.el)!.src });
  });
});

describe('no takeover: another frame URL or another endpoint', () => {
  for (const [name, change] of [
    ['another org', { orgId: 'another-org' }],
    ['another path', { path: '/trips' }],
    ['another endpoint', { tokenEndpoint: '/token?key=elsewhere&s=ok' }],
    ['another credentials mode', { tokenCredentials: 'omit' }],
  ] as const) {
    it(`${name}: the element loads its own frame and fetches its own tokens; the prerender stays until cancel()`, async () => {
      const s = setup();
      const handle = prerender(s.options);
      await prerendered(s);
      const changed: Record<string, unknown> = { ...s.options, ...change };
      if (name === 'another path') changed.path = `/trips?id=${s.id}&ask=load`;
      if (name === 'another endpoint') changed.tokenEndpoint = `/token?key=${s.key}-other&s=ok`;
      const { el, events } = await element(changed);
      await signedIn(events, 'the element');
      expect(ofType(events, 'spotnana-token-sent')[0]!.detail).to.deep.equal({ prefetched: true });
      expect(ofType(events, 'spotnana-load')[0]!.detail).to.deep.equal({ url: frameOf(el)!.src });
      if (MOVES) expect(hiddenFrames()).to.have.length(1);
      const expectedFetches = name === 'another endpoint' ? 1 : 2;
      expect((await tokenLog(s.key)).length).to.equal(expectedFetches);
      handle.cancel();
      expect(hiddenFrames()).to.deep.equal([]);
    });
  }
});

describe('the end of a prerender that is not taken over', () => {
  it('keep: it ends after `keep` seconds (frame gone), and a later element starts afresh', async () => {
    const s = setup({ keep: 1 });
    prerender(s.options);
    // Its frame (with moveBefore) or its preconnect (without) leaves when it ends.
    const ended = () => hiddenFrames().length === 0 && !document.querySelector(PRECONNECT);
    // `keep` counts from the call: it signs in long before its end, as a rule; on a loaded
    // machine it may end first (and then its fetch may never have reached the server).
    const held = async () => (MOVES ? (await responses(s.id)).length === 1 : (await tokenLog(s.key)).length === 1);
    const signedInFirst =
      (await until(async () => (await held()) || ended(), 'the prerender to sign in or end')) && (await held());
    await until(ended, 'the prerender to end');
    // After the end: a new element fetches and loads anew.
    const { events } = await element({ ...s.options, keep: undefined });
    await signedIn(events, 'the element’s tokens');
    const log = await tokenLog(s.key);
    expect(log.length).to.be.oneOf(signedInFirst ? [2] : [1, 2]);
    // Its frame gets the tokens of the last fetch, its own.
    const own = `at-${s.key}-${log.length}`;
    await until(
      async () => (await responses(s.id)).some((r) => r.data.payload.accessToken === own),
      'the element’s frame to get the last fetch’s tokens',
    );
    expect(ofType(events, 'spotnana-load')[0]!.detail.prerendered).to.equal(undefined);
  });

  it('cancel(): the frame leaves, its fetch is aborted, and cancel() again does nothing', async () => {
    const s = setup();
    const handle = prerender({ ...s.options, tokenEndpoint: `/token?key=${s.key}&s=hang` });
    await until(async () => (await tokenLog(s.key)).length === 1, 'the prerender’s token request');
    handle.cancel();
    handle.cancel();
    expect(hiddenFrames()).to.deep.equal([]);
    await until(async () => (await tokenLog(s.key))[0]!.aborted, 'the token request to be aborted');
  });

  it('a later prerender with the same frame URL replaces the earlier one', async () => {
    const s = setup();
    prerender(s.options);
    await prerendered(s);
    const key2 = uid('token');
    prerender({ ...s.options, tokenEndpoint: `/token?key=${key2}&s=ok` });
    if (MOVES) {
      await until(async () => (await responses(s.id)).length === 2, 'the replacing frame’s tokens');
      expect(hiddenFrames()).to.have.length(1);
    } else {
      await until(async () => (await tokenLog(key2)).length === 1, 'the replacing prerender’s fetch');
    }
    const { events } = await element({ ...s.options, tokenEndpoint: `/token?key=${key2}&s=ok` });
    await signedIn(events, 'the element’s tokens');
    expect(hiddenFrames()).to.deep.equal([]);
    expect((await tokenLog(key2)).length).to.equal(1);
    expect((await tokenLog(s.key)).length).to.equal(1);
  });

  it('signOutAll(): every element signs out and every prerender ends', async () => {
    const a = setup();
    const b = setup();
    const { el } = await element(a.options);
    await until(async () => (await responses(a.id)).length === 1, 'the element’s tokens');
    prerender(b.options);
    await prerendered(b);
    (SpotnanaEmbed as any).signOutAll();
    await el.updateComplete;
    expect(frameOf(el)).to.equal(null);
    expect(hiddenFrames()).to.deep.equal([]);
    // Nothing of the prerender is left to take over.
    const { events } = await element(b.options);
    await signedIn(events, 'a new element’s tokens');
    expect(ofType(events, 'spotnana-load')[0]!.detail.prerendered).to.equal(undefined);
    expect((await tokenLog(b.key)).length).to.equal(2);
  });
});
