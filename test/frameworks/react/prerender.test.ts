// spotnana-embed/react's prerender helpers in a server-rendered single-page app: react-dom/server
// renders the app (travel-app.tsx) in Node, the page hydrates it with hydrateRoot, the app
// prerenders the frame (on start-up with usePrerenderSpotnana, or when the pointer rests on the
// "Travel" link with prerenderSpotnana), and a click on the link (a state change) mounts
// <SpotnanaEmbed> with the same props, which takes the prerender over. Where the browser moves
// an iframe without reloading it (`moveBefore`: Chromium, Firefox) the element takes the very
// frame, loaded and answered; elsewhere (WebKit) it takes the tokens as its prefetch and loads
// its frame once. The fake Spotnana frame reports each document it loads; the token endpoint
// logs each request: "no reload" and "no new fetch" are read from them.
import { expect } from '@open-wc/testing';
import { createElement } from 'react';
import { hydrateRoot, type Root } from 'react-dom/client';
import type { SpotnanaEmbed, SpotnanaLoadDetail, SpotnanaTokenSentDetail } from '../../../src/index.js';
import { command, EMBED_URL, frameOf, reports, responses, tokenLog, uid, until } from '../../element/helpers.js';
import { signOutSpotnana } from '../../../src/react.js';
import { TravelApp, type TravelAppProps } from './travel-app.tsx';

/** Chromium and Firefox move a connected iframe without reloading it; WebKit does not (yet). */
const MOVES = 'moveBefore' in Element.prototype;

let container: HTMLElement;
let root: Root | undefined;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => {
  root?.unmount();
  root = undefined;
  container.remove();
});

/** The app as react-dom/server renders it in Node. */
async function serverRender(props: Omit<TravelAppProps, 'onLoad' | 'onSent'>) {
  const response = await fetch(
    `/__fw/react-ssr?${new URLSearchParams({ props: JSON.stringify({ app: 'travel', ...props }) })}`,
  );
  expect(response.status, await response.clone().text()).to.equal(200);
  return response.text();
}

/** The iframes outside any element: a prerender's hidden frame. */
const hiddenFrames = () => [...document.querySelectorAll('iframe')].filter((frame) => !frame.closest('spotnana-embed'));
const loadCount = async (id: string) => (await reports(id)).filter((r) => r.loaded).length;

/** Server-renders and hydrates the app; what its <SpotnanaEmbed> reports, once mounted. */
async function hydrateApp(prerender: TravelAppProps['prerender']) {
  const id = uid('react-pre');
  const key = uid('token');
  const props = { id, embedUrl: EMBED_URL, endpoint: `/token?key=${key}`, prerender };
  const html = await serverRender(props);
  container.innerHTML = html;
  // Home: no element and no frame in the server's HTML.
  expect(container.querySelector('spotnana-embed, iframe')).to.equal(null);
  const loads: SpotnanaLoadDetail[] = [];
  const sent: SpotnanaTokenSentDetail[] = [];
  const recoverable: unknown[] = [];
  root = hydrateRoot(
    container,
    createElement(TravelApp, {
      ...props,
      onLoad: (e) => void loads.push(e.detail),
      onSent: (e) => void sent.push(e.detail),
    }),
    { onRecoverableError: (error) => void recoverable.push(error) },
  );
  const link = container.querySelector('a')!;
  return { id, key, link, loads, sent, recoverable };
}

/** Waits until the prerender holds the tokens: its hidden frame was answered, or (without moveBefore) the endpoint was asked. */
async function prerendered(id: string, key: string) {
  if (MOVES) await until(async () => (await responses(id)).length === 1, 'the prerendered frame to get its tokens');
  else await until(async () => (await tokenLog(key)).length === 1, 'the prerender to fetch its tokens');
}

/** After the click on "Travel": the element took the prerender over; a later request still makes a round trip. */
async function tookOver({ id, key, loads, sent, recoverable }: Awaited<ReturnType<typeof hydrateApp>>) {
  await until(() => sent, 'onSpotnanaTokenSent');
  await until(() => loads, 'onSpotnanaLoad');
  const el = container.querySelector('spotnana-embed') as SpotnanaEmbed;
  expect(hiddenFrames()).to.deep.equal([]);
  if (MOVES) {
    expect(loads).to.deep.equal([{ url: frameOf(el)!.src, prerendered: true }]);
    expect(sent).to.deep.equal([{ prefetched: true, prerendered: true }]);
  } else {
    await until(async () => (await responses(id)).length === 1, 'the element’s frame to get the tokens');
    expect(loads).to.deep.equal([{ url: frameOf(el)!.src }]);
    expect(sent).to.deep.equal([{ prefetched: true }]);
  }
  // One token request so far: the prerender's, which the element took.
  expect(await tokenLog(key)).to.have.length(1);
  // A later request (a refresh): answered with fresh tokens, in the same frame document.
  command(el, { cmd: 'ask' });
  await until(async () => (await responses(id)).length === 2, 'the second answer');
  expect((await responses(id))[1]!.data.payload.accessToken).to.equal(`at-${key}-2`);
  expect(sent.at(-1)).to.deep.equal({ prefetched: false });
  expect(await loadCount(id), 'documents loaded in the frame').to.equal(1);
  expect(recoverable).to.deep.equal([]);
}

describe('spotnana-embed/react: prerender in a server-rendered app', () => {
  it('usePrerenderSpotnana on start-up: after hydration the frame is prerendered, and the Travel route takes it over', async () => {
    const app = await hydrateApp('start-up');
    await prerendered(app.id, app.key);
    app.link.click();
    await tookOver(app);
  });

  it('prerenderSpotnana when the pointer rests on the Travel link: once, however often it comes back; the Travel route takes it over', async () => {
    const app = await hydrateApp('hover');
    // Nothing before the pointer comes: the hook is off in this app.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await tokenLog(app.key)).to.deep.equal([]);
    expect(await reports(app.id)).to.deep.equal([]);
    const hover = () => app.link.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    hover();
    await prerendered(app.id, app.key);
    // The pointer leaves and comes back: the same prerender, not one that replaces it (which
    // would load the frame and fetch the tokens again).
    hover();
    hover();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await tokenLog(app.key)).to.have.length(1);
    app.link.click();
    await tookOver(app);
  });

  it('signOutSpotnana(): the prerender ends, and the next hover prerenders afresh (for the next user)', async () => {
    const app = await hydrateApp('hover');
    const hover = () => app.link.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    hover();
    await prerendered(app.id, app.key);
    signOutSpotnana();
    expect(hiddenFrames()).to.deep.equal([]);
    hover();
    if (MOVES)
      await until(async () => (await responses(app.id)).length === 2, 'a new prerendered frame to get its tokens');
    else await until(async () => (await tokenLog(app.key)).length === 2, 'a new prerender to fetch its tokens');
    expect(await tokenLog(app.key)).to.have.length(2);
    if (MOVES) expect(await loadCount(app.id)).to.equal(2);
    // This one is taken over as the first would have been.
    app.link.click();
    await until(() => app.sent, 'onSpotnanaTokenSent');
    expect(app.sent[0]).to.deep.equal(MOVES ? { prefetched: true, prerendered: true } : { prefetched: true });
    expect(await tokenLog(app.key)).to.have.length(2);
  });
});
