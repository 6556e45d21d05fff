// The early frame: a page declares `<iframe slot="frame">` in its HTML (and, optionally, the
// early listener before it), so that the frame starts loading before the element's script
// has arrived. Each test builds such a page in a same-origin child document (srcdoc: its own
// window, its own custom element registry), lets the fake Spotnana frame load and ask, and
// only then defines the element there, by importing it as the page's own script would.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { frameSrc } from '../../src/config.js';
import { earlyListenerScript, type EarlyListenerOptions } from '../../src/early.js';
import {
  control,
  EMBED_ORIGIN,
  EMBED_URL,
  EVENT_TYPES,
  loads,
  pageCookie,
  reports,
  responses,
  thirdOrigin,
  tokenLog,
  uid,
  until,
} from './helpers.js';

interface PageOptions {
  /** The early frame's `src`; default: the exact URL the element builds. */
  src?: string;
  /** Put the early listener before the element (default true). */
  listener?: boolean;
  /** Let the early listener start the token request too (with these options besides the endpoint). */
  earlyToken?: boolean | Omit<EarlyListenerOptions, 'tokenEndpoint'>;
  /** The token endpoint's origin (default the page's). */
  endpointOrigin?: string;
  /** The element's token-credentials attribute. */
  tokenCredentials?: string;
  /** More attributes of the element (e.g. token-fetch). */
  elementAttributes?: string;
  /** The token endpoint's script (`s=`: trickle:MS, gate, ...). */
  tokenScript?: string;
  /** The endpoint the early listener is given, when not the element's (a function: from the element's). */
  earlyEndpoint?: string | ((endpoint: string) => string);
  /** The early frame's attributes besides slot and src (default: the README's title and referrerpolicy). */
  frameAttributes?: string;
  /** Markup in the page's head (e.g. a referrer policy). */
  head?: string;
  /** The fake frame's `ask` mode (default: on load). */
  ask?: string;
  /** More frames on the page, outside the element (they may ask too). */
  others?: string[];
}

/** The early listener: with the token request when asked (`true`: the endpoint alone, given as a string). */
function earlyScript(earlyToken: PageOptions['earlyToken'], tokenEndpoint: string) {
  if (!earlyToken) return earlyListenerScript();
  return earlyListenerScript(earlyToken === true ? tokenEndpoint : { ...earlyToken, tokenEndpoint });
}

/** A page with the early frame, in a child document; the element is not defined there yet. */
async function earlyPage(options: PageOptions = {}) {
  const id = uid('early');
  const key = uid('token');
  const path = `/?id=${id}&ask=${options.ask ?? 'load'}`;
  const script = options.tokenScript ? `&s=${options.tokenScript}` : '';
  const endpoint = options.endpointOrigin
    ? `${options.endpointOrigin}/token?key=${key}&cors=1${script}`
    : `/token?key=${key}${script}`;
  const built = frameSrc({ embedUrl: EMBED_URL, path }, location.href)!;
  const src = options.src ?? built;
  const given = options.earlyEndpoint;
  const earlyEndpoint = typeof given === 'function' ? given(endpoint) : (given ?? endpoint);
  const listener =
    options.listener === false ? '' : `<script>${earlyScript(options.earlyToken, earlyEndpoint)}</script>`;
  const credentials = options.tokenCredentials ? ` token-credentials="${options.tokenCredentials}"` : '';
  const frameAttributes =
    options.frameAttributes ?? 'title="Spotnana" referrerpolicy="strict-origin-when-cross-origin"';
  // The base makes relative URLs resolve as on the test page in every engine (WebKit
  // resolves a srcdoc document's module imports against about:srcdoc otherwise).
  const html = `<!doctype html><meta charset="utf-8"><base href="${location.href}">${options.head ?? ''}
<script>
  window.__events = [];
  for (const type of ${JSON.stringify(EVENT_TYPES)}) document.addEventListener(type, (e) => window.__events.push({ type, detail: e.detail }));
</script>
${listener}
<spotnana-embed embed-url="${EMBED_URL}" path="${path.replace(/&/g, '&amp;')}" token-endpoint="${endpoint.replace(/&/g, '&amp;')}"${credentials} ${options.elementAttributes ?? ''}>
  <iframe slot="frame" src="${src.replace(/&/g, '&amp;')}" ${frameAttributes}></iframe>
</spotnana-embed>
${(options.others ?? []).map((other) => `<iframe class="other" src="${other.replace(/&/g, '&amp;')}"></iframe>`).join('\n')}`;
  const host = document.createElement('iframe');
  host.style.cssText = 'width:800px;height:400px';
  host.srcdoc = html;
  // Listening before the insertion: an engine may load a srcdoc document at once.
  const loaded = new Promise((resolve) => host.addEventListener('load', resolve, { once: true }));
  document.body.append(host);
  after(() => host.remove());
  await loaded;
  const win = host.contentWindow! as Window & { __events: { type: string; detail: any }[]; spotnanaEmbedEarly?: any };
  const doc = host.contentDocument!;
  const el = doc.querySelector('spotnana-embed')!;
  const early = el.querySelector('iframe')!;

  return {
    id,
    key,
    built,
    win,
    doc,
    el: el as HTMLElement & { reload(): void; signOut(): void; path: string; updateComplete: Promise<boolean> },
    early,
    events: (type: string) => win.__events.filter((e) => e.type === type),
    /** Defines <spotnana-embed> in the child page, as its own module script would. */
    async define() {
      const script = doc.createElement('script');
      script.type = 'module';
      script.textContent = `import('${new URL('/src/index.ts', location.href)}').then(() => { window.__defined = true; });`;
      doc.body.append(script);
      await until(() => (win as any).__defined, 'the element to be defined');
      await (el as any).updateComplete;
    },
  };
}

const shadowFrame = (el: Element) => el.shadowRoot!.querySelector('iframe');

describe('early frame: adoption', () => {
  it('adopts the frame whose src is the exact URL it builds: loaded once, shown through the frame slot', async () => {
    const page = await earlyPage({ ask: 'never' });
    expect(page.built).to.equal(`${EMBED_URL}/?id=${page.id}&ask=never&idp=token-exchange-auth`);
    await loads(page.id, 1);
    (page.early as any).__mark = 'declared';
    await page.define();

    expect(shadowFrame(page.el)).to.equal(null);
    expect(page.el.shadowRoot!.querySelector('slot[name="frame"]')).to.not.equal(null);
    const adopted = page.el.querySelector('iframe[slot="frame"]') as any;
    expect(adopted?.__mark).to.equal('declared');
    expect(adopted.assignedSlot?.name).to.equal('frame');

    page.early.contentWindow!.postMessage({ cmd: 'ask' }, EMBED_ORIGIN);
    await until(() => responses(page.id), 'the tokens');
    expect((await reports(page.id)).filter((r) => r.loaded)).to.have.length(1);
    expect(page.events('spotnana-token-sent')).to.have.length(1);
    expect(page.events('spotnana-error')).to.deep.equal([]);
  });

  it('replaces a frame whose src is another URL with a frame of its own', async () => {
    const otherId = uid('early-other');
    const page = await earlyPage({ src: `${EMBED_URL}/?id=${otherId}&ask=never&idp=token-exchange-auth` });
    await loads(otherId, 1);
    await page.define();

    expect(page.el.querySelector('iframe')).to.equal(null);
    expect(shadowFrame(page.el)?.src).to.equal(page.built);
    await until(() => responses(page.id), 'tokens for its own frame');
    expect(await responses(otherId)).to.deep.equal([]);
  });

  it('answers once a request queued before it was defined, and fires spotnana-load for the frame that had loaded', async () => {
    const page = await earlyPage();
    await until(() => page.win.spotnanaEmbedEarly?.m.length, 'the early request to be queued');
    await page.define();

    const [answer] = await until(() => responses(page.id), 'the answer');
    expect(answer.origin).to.equal(location.origin);
    expect(page.events('spotnana-load')).to.have.length(1);
    expect(page.events('spotnana-token-request')).to.have.length(1);
    await until(() => page.events('spotnana-token-sent').length, 'spotnana-token-sent');
    expect(await responses(page.id)).to.have.length(1);
    expect(await tokenLog(page.key)).to.have.length(1);
  });

  it('does not keep, nor answer, the requests of another frame of the embed origin or of another origin', async () => {
    const sameOriginId = uid('early-sibling');
    const thirdId = uid('early-third');
    const others = [
      `${EMBED_URL}/?id=${sameOriginId}&ask=never`,
      `${await thirdOrigin()}/fake-frame/?id=${thirdId}&ask=never`,
    ];
    const page = await earlyPage({ ask: 'never', others });
    await loads(sameOriginId, 1);
    await loads(thirdId, 1);
    // Each asks, then posts a marker: once both markers are in, both requests have reached the page.
    const markers = others.map(() => uid('asked'));
    const delivered = new Promise<void>((resolve) => {
      const seen = new Set();
      page.win.addEventListener('message', (e) => {
        if (markers.includes(e.data?.__marker)) seen.add(e.data.__marker);
        if (seen.size === markers.length) resolve();
      });
    });
    page.doc.querySelectorAll<HTMLIFrameElement>('iframe.other').forEach((frame, i) => {
      const origin = new URL(others[i]!).origin;
      frame.contentWindow!.postMessage({ cmd: 'ask' }, origin);
      frame.contentWindow!.postMessage({ cmd: 'post', data: { __marker: markers[i] } }, origin);
    });
    await delivered;
    expect(page.win.spotnanaEmbedEarly.m, 'nothing kept').to.have.length(0);
    await page.define();

    page.early.contentWindow!.postMessage({ cmd: 'ask' }, EMBED_ORIGIN);
    await until(() => responses(page.id), 'the adopted frame to be answered');
    expect(await responses(sameOriginId)).to.deep.equal([]);
    expect(await responses(thirdId)).to.deep.equal([]);
    expect(page.events('spotnana-token-request')).to.have.length(1);
  });

  it('takes the early listener token request as its eager prefetch: one request in all', async () => {
    const page = await earlyPage({ earlyToken: true });
    await until(() => page.win.spotnanaEmbedEarly?.m.length, 'the early request to be queued');
    await page.define();
    await until(() => page.events('spotnana-token-sent').length, 'spotnana-token-sent');
    expect(page.events('spotnana-token-sent')[0].detail).to.deep.equal({ prefetched: true });
    expect(await tokenLog(page.key)).to.have.length(1);
  });

  // The page's cookie stands for the user's session: `localhost` cookies go to every port of
  // localhost, so the third origin's port is a cross-origin, same-site endpoint.
  describe('the early token request is the element own request, credentials mode included', () => {
    const cookie = pageCookie();

    /** The early request, made before the element is defined. */
    const earlyRequest = async (page: { key: string }) =>
      (await until(() => tokenLog(page.key), 'the early request'))[0];

    it('token-credentials="omit": the early request sends no cookie, and the element takes its answer', async () => {
      const page = await earlyPage({ earlyToken: { tokenCredentials: 'omit' }, tokenCredentials: 'omit' });
      expect((await earlyRequest(page)).cookie ?? '').to.not.include(cookie);
      await page.define();
      await until(() => page.events('spotnana-token-sent').length, 'spotnana-token-sent');
      expect(page.events('spotnana-token-sent')[0].detail).to.deep.equal({ prefetched: true });
      expect(await tokenLog(page.key)).to.have.length(1);
      expect(page.events('spotnana-error')).to.deep.equal([]);
    });

    it('token-credentials="include" on a cross-origin endpoint: the early request sends the cookie, and the element takes its answer', async () => {
      const endpointOrigin = (await thirdOrigin()).replace('127.0.0.1', 'localhost');
      const page = await earlyPage({
        earlyToken: { tokenCredentials: 'include' },
        tokenCredentials: 'include',
        endpointOrigin,
      });
      expect((await earlyRequest(page)).cookie ?? '').to.include(cookie);
      await page.define();
      await until(() => page.events('spotnana-token-sent').length, 'spotnana-token-sent');
      expect(page.events('spotnana-token-sent')[0].detail).to.deep.equal({ prefetched: true });
      const log = await tokenLog(page.key);
      expect(log).to.have.length(1);
      expect(page.events('spotnana-error')).to.deep.equal([]);
    });

    it('an early request made with another credentials mode than the element is not taken: the element makes its own', async () => {
      const page = await earlyPage({ earlyToken: true, tokenCredentials: 'omit' });
      expect((await earlyRequest(page)).cookie ?? '').to.include(cookie);
      await page.define();
      await until(() => page.events('spotnana-token-sent').length, 'spotnana-token-sent');
      const log = await tokenLog(page.key);
      expect(log, 'the early request and the element own').to.have.length(2);
      expect(log[1].cookie ?? '').to.not.include(cookie);
      expect(page.events('spotnana-token-sent')[0].detail).to.deep.equal({ prefetched: true });
      // The answer the frame got is the element's own (attempt 2 of the endpoint), not the early one.
      const [answer] = await until(() => responses(page.id), 'the answer');
      expect(answer.data.payload.accessToken).to.match(/-2$/);
    });
  });

  it('without the early listener, an adopted frame that asks after the definition is answered', async () => {
    const page = await earlyPage({ listener: false, ask: 'never' });
    await loads(page.id, 1);
    await page.define();
    expect(page.el.querySelector('iframe[slot="frame"]')).to.equal(page.early);
    page.early.contentWindow!.postMessage({ cmd: 'ask' }, EMBED_ORIGIN);
    await until(() => responses(page.id), 'the answer');
    expect((await reports(page.id)).filter((r) => r.loaded)).to.have.length(1);
  });
});

describe('early frame: later sessions use a frame of the element own', () => {
  it('reload() replaces the adopted frame with its own, which is answered', async () => {
    const page = await earlyPage();
    await page.define();
    await until(() => responses(page.id), 'the first answer');
    page.el.reload();
    await page.el.updateComplete;
    expect(page.el.querySelector('iframe')).to.equal(null);
    expect(shadowFrame(page.el)?.src).to.equal(page.built);
    await loads(page.id, 2);
    await until(async () => (await responses(page.id)).length >= 2, 'the answer to the reloaded frame');
  });

  it('signOut() removes the adopted frame and shows nothing', async () => {
    const page = await earlyPage();
    await page.define();
    await until(() => responses(page.id), 'the answer');
    page.el.signOut();
    await page.el.updateComplete;
    expect(page.el.querySelector('iframe')).to.equal(null);
    expect(shadowFrame(page.el)).to.equal(null);
    expect(page.el.shadowRoot!.querySelector('[role]')).to.equal(null);
  });

  it('a configuration change after adoption loads a frame of its own at the new URL', async () => {
    const page = await earlyPage();
    await page.define();
    await until(() => responses(page.id), 'the answer');
    const nextId = uid('early-next');
    page.el.path = `/?id=${nextId}`;
    await page.el.updateComplete;
    expect(page.el.querySelector('iframe')).to.equal(null);
    expect(shadowFrame(page.el)?.src).to.equal(`${EMBED_URL}/?id=${nextId}&idp=token-exchange-auth`);
    await until(() => responses(nextId), 'the answer to the new frame');
  });
});

describe('early frame: the early listener is safe to inline and keeps only what the element needs', () => {
  for (const [name, hostile] of [
    ['</script><script>', '/token?x=</script><script>window.__injected=1</script>'],
    ['<!--<script', '/token?x=<!--<script>'],
  ]) {
    it(`an endpoint holding ${name}, inlined in the page, runs no script and swallows nothing`, async () => {
      const page = await earlyPage({ earlyToken: true, earlyEndpoint: hostile, ask: 'never' });
      expect((page.win as any).__injected).to.equal(undefined);
      expect(page.early, 'the markup after the script').to.not.equal(null);
      expect(page.win.spotnanaEmbedEarly?.u).to.equal(hostile);
    });
  }

  // A listener that kept either half of the flood would keep 24 MiB, three times the bound; the
  // heap of a page that keeps nothing moves by about 1 MiB. (Cross-process messages cost
  // Chromium about 5 MB/s on a busy machine: 200 MiB took 40 s.)
  const FLOOD = 48;
  const KEPT_BOUND = 8 * 1024 * 1024;

  it('keeps no message of a sibling frame, however many or large, and none that is not a token request', async () => {
    const siblingId = uid('early-flood');
    const sibling = `${await thirdOrigin()}/fake-frame/?id=${siblingId}&ask=never`;
    const page = await earlyPage({ ask: 'never', others: [sibling] });
    await loads(siblingId, 1);
    const heapBefore = await executeServerCommand<number | false, undefined>('js-heap');
    const other = page.doc.querySelector<HTMLIFrameElement>('iframe.other')!.contentWindow!;
    const marker = uid('flood-end');
    const delivered = new Promise<void>((resolve) =>
      page.win.addEventListener('message', (e) => e.data?.__marker === marker && resolve()),
    );
    const MiB = 'x'.repeat(1024 * 1024);
    const siblingOrigin = new URL(sibling).origin;
    // FLOOD messages of 1 MiB, half of them shaped as token requests, then a marker: the
    // sibling builds them and posts each to the page, in order.
    other.postMessage({ cmd: 'flood', count: FLOOD, bytes: MiB.length, marker }, siblingOrigin);
    // The early frame's own messages that are not token requests are not kept either.
    page.early.contentWindow!.postMessage({ cmd: 'post', data: { type: 'HELLO', pad: MiB } }, EMBED_ORIGIN);
    page.early.contentWindow!.postMessage({ cmd: 'post', data: { __marker: `${marker}-own` } }, EMBED_ORIGIN);
    await delivered;
    await new Promise<void>((resolve) =>
      page.win.addEventListener('message', (e) => e.data?.__marker === `${marker}-own` && resolve()),
    );
    expect(page.win.spotnanaEmbedEarly.m).to.have.length(0);
    const heapAfter = await executeServerCommand<number | false, undefined>('js-heap');
    if (heapBefore !== false && heapAfter !== false) {
      expect(heapAfter - heapBefore, 'bytes kept after the flood').to.be.below(KEPT_BOUND);
    }
  });

  it("keeps at most 8 of the early frame's token requests, and nothing once the element is defined", async () => {
    const page = await earlyPage({ ask: 'never' });
    await loads(page.id, 1);
    for (let i = 0; i < 10; i++) page.early.contentWindow!.postMessage({ cmd: 'ask' }, EMBED_ORIGIN);
    await until(() => page.win.spotnanaEmbedEarly.m.length >= 8, '8 requests to be kept');
    // The frame's own round trip after the ten asks: all ten have reached the page by now.
    const marker = uid('asks-end');
    const delivered = new Promise<void>((resolve) =>
      page.win.addEventListener('message', (e) => e.data?.__marker === marker && resolve()),
    );
    page.early.contentWindow!.postMessage({ cmd: 'post', data: { __marker: marker } }, EMBED_ORIGIN);
    await delivered;
    expect(page.win.spotnanaEmbedEarly.m).to.have.length(8);
  });
});

describe('early frame: the early answer is taken by the very same request, or dropped', () => {
  /** The early request, still streaming its answer (a byte every 300 ms). */
  const TRICKLE = 'trickle:300';
  const dropped = async (page: Awaited<ReturnType<typeof earlyPage>>) => {
    // The early request is the endpoint's first: the listener made it at parse time, before
    // the element existed (the element's own request, when it makes one, comes after).
    await until(async () => (await tokenLog(page.key))[0]?.aborted, "the early request's connection to close");
    const record = page.win.spotnanaEmbedEarly ?? {};
    expect(record.t, 'the answer is no longer reachable').to.equal(undefined);
    const held = Object.values(record).filter(
      (v) => v instanceof (page.win as any).Promise || v instanceof (page.win as any).Response,
    );
    expect(held).to.deep.equal([]);
  };

  it('token-fetch="on-request": dropped at once', async () => {
    const page = await earlyPage({
      earlyToken: true,
      tokenScript: TRICKLE,
      elementAttributes: 'token-fetch="on-request"',
      ask: 'never',
    });
    await page.define();
    await dropped(page);
  });

  it('a tokenProvider: dropped at once, and the provider answers', async () => {
    const page = await earlyPage({ earlyToken: true, tokenScript: TRICKLE });
    (page.el as any).tokenProvider = async () => ({ accessToken: 'provider-at', refreshToken: 'provider-rt' });
    await page.define();
    await dropped(page);
    const [answer] = await until(() => responses(page.id), 'the provider tokens');
    expect(answer.data.payload.accessToken).to.equal('provider-at');
  });

  it('an endpoint spelt differently: dropped, and the element fetches its own', async () => {
    const page = await earlyPage({
      earlyToken: true,
      tokenScript: TRICKLE,
      earlyEndpoint: (endpoint) => `${endpoint}&spelt=differently`,
    });
    await page.define();
    await dropped(page);
  });

  it('no adoption (another frame URL): dropped', async () => {
    const page = await earlyPage({
      earlyToken: true,
      tokenScript: TRICKLE,
      src: `${EMBED_URL}/?id=${uid('other')}&idp=token-exchange-auth`,
    });
    await page.define();
    await dropped(page);
  });

  for (const end of ['signOut', 'reload', 'remove'] as const) {
    it(`${end}() while the taken answer is still arriving: its connection is closed`, async () => {
      const page = await earlyPage({ earlyToken: true, tokenScript: TRICKLE, ask: 'never' });
      await page.define();
      await until(() => tokenLog(page.key), 'the early request');
      expect(page.win.spotnanaEmbedEarly.t, 'taken by the session').to.equal(undefined);
      if (end === 'remove') page.el.remove();
      else page.el[end]();
      await dropped(page);
    });
  }
});

describe('early frame: adoption, whatever the page', () => {
  it("sets its own title, referrer policy and allow on an adopted frame (a page's unsafe-url included)", async () => {
    const page = await earlyPage({
      ask: 'never',
      head: '<meta name="referrer" content="unsafe-url">',
      frameAttributes: 'title="Page title" referrerpolicy="unsafe-url" allow="camera"',
      elementAttributes: 'frame-title="Travel" allow="clipboard-write"',
    });
    await page.define();
    expect(page.el.querySelector('iframe[slot="frame"]'), 'adopted').to.equal(page.early);
    expect(page.early.getAttribute('referrerpolicy')).to.equal('strict-origin-when-cross-origin');
    expect(page.early.getAttribute('title')).to.equal('Travel');
    expect(page.early.getAttribute('allow')).to.equal('clipboard-write');
  });

  for (const [name, attribute] of [
    ['srcdoc', 'srcdoc="<p>not Spotnana</p>"'],
    ['sandbox', 'sandbox="allow-scripts"'],
  ]) {
    it(`does not adopt an early frame with ${name}: it loads its own, which gets the tokens`, async () => {
      const page = await earlyPage({ frameAttributes: `title="Spotnana" ${attribute}` });
      await page.define();
      expect(page.el.querySelector('iframe')).to.equal(null);
      expect(shadowFrame(page.el)?.src).to.equal(page.built);
      await until(() => responses(page.id), 'tokens for its own frame');
    });
  }

  it('without the early listener, fires spotnana-load for an adopted frame that had already loaded', async () => {
    // earlyPage waits for the page's load, which waits for its frames' load.
    const page = await earlyPage({ listener: false, ask: 'never' });
    await page.define();
    expect(page.el.querySelector('iframe[slot="frame"]'), 'adopted').to.equal(page.early);
    expect(page.events('spotnana-load').map((e) => e.detail)).to.deep.equal([{ url: page.built }]);
  });

  it('draws the adopted frame as its own: a block filling the element box, no border', async () => {
    const page = await earlyPage({ ask: 'never', frameAttributes: 'title="Spotnana"' });
    await page.define();
    const frame = page.early.getBoundingClientRect();
    const box = page.el.getBoundingClientRect();
    expect([frame.x, frame.y, frame.width, frame.height]).to.deep.equal([box.x, box.y, box.width, box.height]);
    expect(box.height).to.equal(600);
    expect(page.win.getComputedStyle(page.early).borderTopWidth).to.equal('0px');
  });

  it('an element defined before the parser reaches its early frame (its module arrived early, HTML streamed in parts) adopts it: one frame request, one token request', async () => {
    const id = uid('early-streamed');
    const key = uid('token');
    const gate = uid('stream');
    const path = `/?id=${id}`;
    const endpoint = `/token?key=${key}`;
    const built = frameSrc({ embedUrl: EMBED_URL, path }, location.href)!;
    const parts = [
      // The element's module arrives while the page is still parsed, as an `async` module script
      // would (WebKit ran an `async` one only once the whole page had arrived, so: an import).
      `<!doctype html><meta charset="utf-8"><script>${earlyListenerScript(endpoint)}</script>` +
        `<script>import('/src/index.ts')</script><p>The page, streamed.</p>`,
      `<spotnana-embed embed-url="${EMBED_URL}" path="${path}" token-endpoint="${endpoint}">`,
      `<iframe slot="frame" src="${built.replace(/&/g, '&amp;')}" title="Spotnana"></iframe></spotnana-embed><p>The end.</p>`,
    ];
    const host = document.createElement('iframe');
    host.style.cssText = 'width:800px;height:700px';
    host.src = `/__early/streamed?key=${gate}&parts=${encodeURIComponent(JSON.stringify(parts))}`;
    document.body.append(host);
    after(() => host.remove());
    const win = () => host.contentWindow as any;
    // The element is defined while the page is still arriving: only then does its tag come.
    await until(() => win()?.customElements?.get('spotnana-embed'), 'the element to be defined');
    await control(`/__release?key=${gate}-1`);
    const el = await until(() => host.contentDocument?.querySelector('spotnana-embed') as any, 'the element');
    await el.updateComplete;
    // Connected and updated with no early frame yet: now the rest of the page.
    await control(`/__release?key=${gate}-2`);
    await until(() => responses(id), 'the answer');
    await until(async () => (await tokenLog(key)).length, 'the token request');
    expect(el.querySelector('iframe[slot="frame"]'), 'adopted').to.not.equal(null);
    expect(el.shadowRoot.querySelector('iframe')).to.equal(null);
    expect(
      (await reports(id)).filter((r) => r.request),
      'frame requests',
    ).to.have.length(1);
    expect(await tokenLog(key), 'token requests').to.have.length(1);
  });
});
