// spotnana-embed/react's `SpotnanaEmbed` component, server-rendered and hydrated, and
// client-only. react-dom/server renders the page (booking.tsx) in Node; the test puts that
// HTML in the page, where the registered element upgrades at once (as it does on a page whose
// script ran before hydration), and hydrates it with hydrateRoot. React 19 itself drops a
// custom element's properties and listeners on hydration: a component that relied on React
// for them passes the client-only test and fails the hydration one.
import { expect } from '@open-wc/testing';
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, hydrateRoot, type Root } from 'react-dom/client';
import type {
  SpotnanaEmbed,
  SpotnanaTokenSentDetail,
  TokenProvider,
  TokenProviderContext,
} from '../../../src/index.js';
import {
  EMBED_ORIGIN,
  EMBED_URL,
  errors,
  record,
  reports,
  responses,
  tokenLog,
  uid,
  until,
  view,
} from '../../element/helpers.js';
import { listeners } from '../support/helpers.ts';
import { Booking, type BookingProps } from './booking.tsx';

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

/** The page as react-dom/server renders it in Node, with these props (`provider` stands for any provider). */
async function serverRender(
  props: Omit<BookingProps, 'provider' | 'onLoad' | 'onSent' | 'onError'> & { provider?: boolean },
) {
  const response = await fetch(`/__fw/react-ssr?${new URLSearchParams({ props: JSON.stringify(props) })}`);
  return response.text();
}

/** A page with a provider and a token endpoint, and what reaches the page from it. */
function booking() {
  const id = uid('react-ssr');
  const key = uid('token');
  const calls: TokenProviderContext[] = [];
  const provider: TokenProvider = async (ctx) => {
    calls.push(ctx);
    return { accessToken: `at-provider-${id}`, refreshToken: `rt-provider-${id}`, expiresIn: 3600 };
  };
  const sent: SpotnanaTokenSentDetail[] = [];
  const props: BookingProps = {
    id,
    embedUrl: EMBED_URL,
    endpoint: `/token?key=${key}`,
    org: 'acme',
    provider,
    onSent: (e) => sent.push(e.detail),
  };
  return { id, key, calls, sent, props };
}

const element = () => container.querySelector('spotnana-embed') as SpotnanaEmbed;

describe('spotnana-embed/react: SpotnanaEmbed', () => {
  it('renders on the server with the attributes HTML can carry; after hydrateRoot, the frame gets the provider tokens and onSpotnanaTokenSent runs', async () => {
    const { id, key, calls, sent, props } = booking();
    const html = await serverRender({ id, embedUrl: EMBED_URL, endpoint: props.endpoint, org: 'acme', provider: true });
    const server = new DOMParser().parseFromString(html, 'text/html').querySelector('spotnana-embed')!;
    expect(Object.fromEntries([...server.attributes].map((a) => [a.name, a.value]))).to.deep.equal({
      class: 'travel',
      'embed-url': EMBED_URL,
      path: `/?id=${id}`,
      'org-id': 'acme',
      'frame-title': 'Acme travel',
      'token-timeout': '20000',
      // No token-endpoint: the provider replaces it, and the element, upgraded before
      // hydration, would fetch it.
    });

    container.innerHTML = html;
    const upgraded = element();
    // Recorded from the upgrade on: the element's first update comes after this (a microtask).
    const events = record(upgraded);
    expect(upgraded).to.be.instanceOf(customElements.get('spotnana-embed')!);
    const recoverable: unknown[] = [];
    root = hydrateRoot(container, createElement(Booking, props), {
      onRecoverableError: (error) => void recoverable.push(error),
    });

    const [response] = await until(() => responses(id), 'the frame to get the provider tokens');
    expect(response!.data.payload).to.deep.equal({
      accessToken: `at-provider-${id}`,
      refreshToken: `rt-provider-${id}`,
    });
    expect(calls).to.have.length(1);
    expect(calls[0]!.embedOrigin).to.equal(EMBED_ORIGIN);
    await until(() => sent, 'onSpotnanaTokenSent');
    expect(sent).to.have.length(1);
    expect(await tokenLog(key)).to.deep.equal([]);
    // Hydrated, not re-rendered on the client: the same element, and React recovered from nothing.
    expect(element()).to.equal(upgraded);
    expect(recoverable).to.deep.equal([]);
    // Upgraded before hydration set its provider, it showed no error at any time.
    expect(errors(events)).to.deep.equal([]);
    expect(view(element())).to.equal('none');
  });

  it('with earlyFrame, the server HTML holds the iframe at the URL the element builds; the element adopts it, it loads once, and gets the tokens', async () => {
    const id = uid('react-ssr');
    const key = uid('token');
    const endpoint = `/token?key=${key}`;
    const html = await serverRender({ id, embedUrl: EMBED_URL, endpoint, org: 'acme', earlyFrame: true });
    const expected = new URL(`${EMBED_URL}/?id=${id}`);
    expected.searchParams.set('idp', 'token-exchange-auth');
    expected.searchParams.set('orgId', 'acme');
    const server = new DOMParser()
      .parseFromString(html, 'text/html')
      .querySelector('spotnana-embed > iframe[slot=frame]');
    expect(server?.getAttribute('src')).to.equal(expected.href);
    expect(server?.getAttribute('title')).to.equal('Acme travel');
    expect(server?.getAttribute('referrerpolicy')).to.equal('strict-origin-when-cross-origin');

    container.innerHTML = html;
    const early = container.querySelector('iframe');
    const events = record(element());
    const sent: boolean[] = [];
    const recoverable: unknown[] = [];
    root = hydrateRoot(
      container,
      createElement(Booking, {
        id,
        embedUrl: EMBED_URL,
        endpoint,
        org: 'acme',
        earlyFrame: true,
        onSent: (e) => sent.push(e.detail.prefetched),
      }),
      { onRecoverableError: (error) => void recoverable.push(error) },
    );
    const [response] = await until(() => responses(id), 'the frame to get the tokens');
    expect(response!.data.payload).to.deep.equal({ accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1` });
    await until(() => sent, 'onSpotnanaTokenSent');
    // Adopted: the page's own iframe is the frame, the element made none, and it loaded once.
    expect(container.querySelectorAll('iframe')).to.have.length(1);
    expect(container.querySelector('iframe')).to.equal(early);
    expect(element().shadowRoot!.querySelector('iframe')).to.equal(null);
    // Drawn as the element's own frame: a block filling the element's box, no border.
    const frameBox = early!.getBoundingClientRect();
    const box = element().getBoundingClientRect();
    expect([frameBox.x, frameBox.y, frameBox.width, frameBox.height]).to.deep.equal([
      box.x,
      box.y,
      box.width,
      box.height,
    ]);
    expect(getComputedStyle(early!).borderTopWidth).to.equal('0px');
    expect((await reports(id)).filter((r) => r.loaded)).to.have.length(1);
    expect(recoverable).to.deep.equal([]);
    expect(errors(events)).to.deep.equal([]);
  });

  it('does the same when rendered client-only with createRoot', async () => {
    const { id, key, calls, sent, props } = booking();
    root = createRoot(container);
    flushSync(() => root!.render(createElement(Booking, props)));
    expect(element().tokenProvider).to.equal(props.provider);
    expect(element().hasAttribute('token-endpoint')).to.equal(false);
    const [response] = await until(() => responses(id), 'the frame to get the provider tokens');
    expect(response!.data.payload.accessToken).to.equal(`at-provider-${id}`);
    expect(calls).to.have.length(1);
    await until(() => sent, 'onSpotnanaTokenSent');
    expect(sent).to.deep.equal([{ prefetched: true }]);
    expect(await tokenLog(key)).to.deep.equal([]);
  });

  it('hydrates a page with a token endpoint: the endpoint is fetched, and onSpotnanaLoad and onSpotnanaError reach their handlers', async () => {
    const id = uid('react-ssr');
    const key = uid('token');
    const endpoint = `/token?key=${key}&s=403`;
    const html = await serverRender({ id, embedUrl: EMBED_URL, endpoint });
    expect(html).to.include(`token-endpoint="/token?key=${key}&amp;s=403"`);
    const loads: string[] = [];
    const failures: string[] = [];
    container.innerHTML = html;
    root = hydrateRoot(
      container,
      createElement(Booking, {
        id,
        embedUrl: EMBED_URL,
        endpoint,
        onLoad: (e) => loads.push(e.detail.url),
        onError: (e) => failures.push(e.detail.code),
      }),
    );
    await until(() => tokenLog(key), 'the token endpoint');
    await until(() => failures, 'onSpotnanaError');
    // One failure for the prefetch, and one more when the frame asks after it failed (a
    // request that waited on it gets no answer): which comes first depends on the engine.
    expect(failures[0]).to.equal('http-error');
    expect(failures.filter((code) => code !== 'http-error')).to.deep.equal([]);
    // The frame's `load` may come before hydration (the element was upgraded first): a
    // reload after hydration is seen by onSpotnanaLoad.
    element().reload();
    await until(() => loads, 'onSpotnanaLoad');
    expect(new URL(loads[0]!).searchParams.get('id')).to.equal(id);
  });

  it('its ref is the element; a new handler on a re-render is the one called; unmounting removes the listeners', async () => {
    const before = await listeners();
    const id = uid('react');
    const key = uid('token');
    const ref = { current: null as SpotnanaEmbed | null };
    const first: boolean[] = [];
    const second: boolean[] = [];
    root = createRoot(container);
    const props = { id, embedUrl: EMBED_URL, endpoint: `/token?key=${key}&s=hang`, embedRef: ref };
    flushSync(() => root!.render(createElement(Booking, { ...props, onSent: () => first.push(true) })));
    expect(ref.current).to.equal(element());
    flushSync(() =>
      root!.render(createElement(Booking, { ...props, onSent: (e) => second.push(e.detail.prefetched) })),
    );
    element().dispatchEvent(new CustomEvent('spotnana-token-sent', { detail: { prefetched: false } }));
    expect(first).to.deep.equal([]);
    expect(second).to.deep.equal([false]);
    await until(() => tokenLog(key), 'the token fetch');
    const el = element();
    root.unmount();
    root = undefined;
    expect(ref.current).to.equal(null);
    el.dispatchEvent(new CustomEvent('spotnana-token-sent', { detail: { prefetched: false } }));
    expect(second).to.deep.equal([false]);
    expect(await listeners()).to.equal(before);
  });
});
