// React 19 mounts <spotnana-embed> from JSX (react-app.tsx): attributes as attributes, a
// tokenProvider as a property, events through `on<event-name>` props, and unmounting
// cleans up. React and ReactDOM are the real packages, pre-bundled by esbuild for the
// browser (test/frameworks/support/frameworks-plugin.mjs). The frame is the fake Spotnana
// on another origin; the token endpoint is real HTTP.
import { expect } from '@open-wc/testing';
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import type {
  SpotnanaEmbed,
  SpotnanaErrorDetail,
  SpotnanaTokenSentDetail,
  TokenProviderContext,
} from '../../src/index.js';
import { command, EMBED_ORIGIN, frameOf, loads, reports, responses, tokenLog, uid, until } from '../element/helpers.js';
import { Travel, type TravelProps } from './react-app.tsx';
import { listeners } from './support/helpers.ts';

let container: HTMLElement;
let root: Root;
const render = (props: TravelProps) => flushSync(() => root.render(createElement(Travel, props)));
const element = () => container.querySelector('spotnana-embed') as SpotnanaEmbed;

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  root.unmount();
  container.remove();
});

describe('React 19', () => {
  it('renders the registered element; attributes reach the frame URL and the token endpoint; the frame gets the tokens', async () => {
    const id = uid('react');
    const key = uid('token');
    const sent: SpotnanaTokenSentDetail[] = [];
    render({ id, endpoint: `/token?key=${key}&s=ok`, org: 'acme', onSent: (e) => sent.push(e.detail) });
    const el = element();
    expect(el).to.be.instanceOf(customElements.get('spotnana-embed')!);
    expect(el.getAttribute('token-endpoint')).to.equal(`/token?key=${key}&s=ok`);
    const [response] = await until(() => responses(id), 'the frame to get tokens');
    expect(response!.data.payload).to.deep.equal({ accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1` });
    const loaded = (await reports(id)).find((r) => r.loaded)!;
    expect(new URL(loaded.href!).searchParams.get('orgId')).to.equal('acme');
    expect(el.shadowRoot!.querySelector('iframe')!.title).to.equal('Acme travel');
    // The `onspotnana-token-sent` prop became a listener of that event.
    await until(() => sent, 'onspotnana-token-sent');
    expect(sent).to.deep.equal([{ prefetched: true }]);
  });

  it('passes tokenProvider as a property (a function cannot be an attribute), and the frame gets its tokens', async () => {
    const id = uid('react');
    const calls: TokenProviderContext[] = [];
    const provider = async (ctx: TokenProviderContext) => {
      calls.push(ctx);
      return { accessToken: `at-provider-${id}`, refreshToken: 'rt-provider' };
    };
    render({ id, provider });
    expect(element().tokenProvider).to.equal(provider);
    expect(element().hasAttribute('tokenprovider')).to.equal(false);
    const [response] = await until(() => responses(id), 'the frame to get the provider tokens');
    expect(response!.data.payload.accessToken).to.equal(`at-provider-${id}`);
    expect(calls).to.have.length(1);
    expect(calls[0]!.signal).to.be.instanceOf(AbortSignal);
    expect(calls[0]!.env).to.equal('sandbox');
    expect(calls[0]!.embedOrigin).to.equal(EMBED_ORIGIN);
  });

  it('runs the `onspotnana-error` handler with the error detail', async () => {
    const id = uid('react');
    const key = uid('token');
    const errors: SpotnanaErrorDetail[] = [];
    render({ id, endpoint: `/token?key=${key}&s=401`, onError: (e) => errors.push(e.detail) });
    await until(() => errors, 'onspotnana-error');
    expect(errors[0]).to.include({ source: 'token-endpoint', code: 'http-error', status: 401 });
    expect(await responses(id)).to.deep.equal([]);
  });

  it('a re-render with a new token endpoint reloads the frame; a new provider function on each render does not', async () => {
    const id = uid('react');
    const key1 = uid('token');
    const key2 = uid('token');
    render({ id, endpoint: `/token?key=${key1}` });
    await until(() => responses(id), 'the first tokens');
    render({ id, endpoint: `/token?key=${key2}` });
    await loads(id, 2);
    const second = await until(async () => (await responses(id)).slice(1), 'tokens after the change');
    expect(second[0]!.data.payload.accessToken).to.equal(`at-${key2}-1`);

    // React apps often pass a new function per render: no reload for that.
    const inline = () => ({ accessToken: 'at-x', refreshToken: 'rt-x' });
    const frame = frameOf(element());
    render({ id, endpoint: `/token?key=${key2}`, provider: async () => inline() });
    render({ id, endpoint: `/token?key=${key2}`, provider: async () => inline() });
    // A reload replaces the iframe in the element's update; the frame's next round trip (with
    // the last provider) comes after the load report a new document would make.
    await element().updateComplete;
    expect(frameOf(element()), 'the same iframe').to.equal(frame);
    command(element(), { cmd: 'ask' });
    const third = await until(async () => (await responses(id)).slice(2), 'the answer to a later request');
    expect(third[0]!.data.payload.accessToken).to.equal('at-x');
    expect((await reports(id)).filter((r) => r.loaded)).to.have.length(2);
  });

  it('unmounting removes the element: its message listener goes and its fetch in flight is aborted', async () => {
    const before = await listeners();
    const id = uid('react');
    const key = uid('token');
    render({ id, endpoint: `/token?key=${key}&s=hang` });
    await until(() => tokenLog(key), 'the token fetch');
    if (before !== undefined) expect(await listeners()).to.equal(before + 1);
    root.unmount();
    expect(container.querySelector('spotnana-embed')).to.equal(null);
    expect(await listeners()).to.equal(before);
    await until(async () => (await tokenLog(key))[0]!.aborted, 'the fetch to be aborted');
    root = createRoot(container); // for afterEach
  });
});
