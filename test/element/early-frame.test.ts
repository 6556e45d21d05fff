// The early frame: a page declares `<iframe slot="frame">` in its HTML (and, optionally, the
// early listener before it), so that the frame starts loading before the element's script
// has arrived. Each test builds such a page in a same-origin child document (srcdoc: its own
// window, its own custom element registry), lets the fake Spotnana frame load and ask, and
// only then defines the element there, by importing it as the page's own script would.
import { expect } from '@open-wc/testing';
import { frameSrc } from '../../src/config.js';
import { earlyListenerScript, type EarlyListenerOptions } from '../../src/early-listener.js';
import { EMBED_ORIGIN, EMBED_URL, loads, reports, responses, thirdOrigin, tokenLog, uid, until } from './helpers.js';

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
  /** The fake frame's `ask` mode (default: on load). */
  ask?: string;
  /** More frames on the page, outside the element (they may ask too). */
  others?: string[];
}

const EVENT_TYPES = [
  'spotnana-load',
  'spotnana-token-request',
  'spotnana-token-sent',
  'spotnana-error',
  'spotnana-message',
];

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
  const endpoint = options.endpointOrigin ? `${options.endpointOrigin}/token?key=${key}&cors=1` : `/token?key=${key}`;
  const built = frameSrc({ embedUrl: EMBED_URL, path }, location.href)!;
  const src = options.src ?? built;
  const listener = options.listener === false ? '' : `<script>${earlyScript(options.earlyToken, endpoint)}</script>`;
  const credentials = options.tokenCredentials ? ` token-credentials="${options.tokenCredentials}"` : '';
  // The base makes relative URLs resolve as on the test page in every engine (WebKit
  // resolves a srcdoc document's module imports against about:srcdoc otherwise).
  const html = `<!doctype html><meta charset="utf-8"><base href="${location.href}">
<script>
  window.__events = [];
  for (const type of ${JSON.stringify(EVENT_TYPES)}) document.addEventListener(type, (e) => window.__events.push({ type, detail: e.detail }));
</script>
${listener}
<spotnana-embed embed-url="${EMBED_URL}" path="${path.replace(/&/g, '&amp;')}" token-endpoint="${endpoint.replace(/&/g, '&amp;')}"${credentials}>
  <iframe slot="frame" src="${src.replace(/&/g, '&amp;')}" title="Spotnana" referrerpolicy="strict-origin-when-cross-origin"></iframe>
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

  it('ignores queued requests from another frame of the embed origin and from another origin', async () => {
    const sameOriginId = uid('early-sibling');
    const thirdId = uid('early-third');
    const page = await earlyPage({
      ask: 'never',
      others: [`${EMBED_URL}/?id=${sameOriginId}`, `${await thirdOrigin()}/fake-frame/?id=${thirdId}`],
    });
    await loads(sameOriginId, 1);
    await loads(thirdId, 1);
    await until(() => (page.win.spotnanaEmbedEarly?.m.length ?? 0) >= 2, 'both requests to be queued');
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
    const cookie = `sid=${uid('early-cookie')}`;
    before(() => {
      document.cookie = `${cookie}; path=/`;
    });
    after(() => {
      document.cookie = `sid=; path=/; max-age=0`;
    });

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
