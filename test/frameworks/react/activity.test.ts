// Keeping a booking in progress while the user is on another tab of the app: React 19's
// <Activity mode="hidden"> hides what it wraps but keeps its DOM, so <SpotnanaEmbed> stays
// connected, its frame keeps its document (the booking), and its requests are answered while
// hidden and after. The fake Spotnana frame reports each document it loads.
import { expect } from '@open-wc/testing';
import { Activity, createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import type { SpotnanaEmbed, SpotnanaTokenSentDetail } from '../../../src/index.js';
import { SpotnanaEmbed as SpotnanaEmbedComponent } from '../../../src/react.js';
import { command, EMBED_URL, frameOf, ofType, record, reports, responses, uid, until } from '../../element/helpers.js';

let container: HTMLElement;
let root: Root;
beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  root.unmount();
  container.remove();
});

const loadCount = async (id: string) => (await reports(id)).filter((r) => r.loaded).length;

describe('React 19: <Activity> around <SpotnanaEmbed>', () => {
  it('hidden, then visible again: the same frame document (one load), and a later request still makes its round trip', async () => {
    const id = uid('react-activity');
    const key = uid('token');
    const sent: SpotnanaTokenSentDetail[] = [];
    const embed = createElement(SpotnanaEmbedComponent, {
      embedUrl: EMBED_URL,
      path: `/?id=${id}`,
      tokenEndpoint: `/token?key=${key}`,
      onSpotnanaTokenSent: (e) => void sent.push(e.detail),
    });
    const render = (mode: 'visible' | 'hidden') =>
      flushSync(() => root.render(createElement(Activity, { mode, children: embed })));
    render('visible');
    const el = container.querySelector('spotnana-embed') as SpotnanaEmbed;
    // The element's own events, whoever listens through the props.
    const events = record(el);
    await until(async () => (await responses(id)).length === 1, 'the frame to get its tokens');
    await until(() => sent, 'onSpotnanaTokenSent');
    const frame = frameOf(el)!;

    render('hidden');
    // Hidden, not removed: the element is still in the page, and so is its frame, which the
    // element still answers; React has disconnected the component's effects, so the event
    // props are not called meanwhile.
    expect(el.isConnected).to.equal(true);
    expect(el.checkVisibility()).to.equal(false);
    command(el, { cmd: 'ask' });
    await until(async () => (await responses(id)).length === 2, 'the answer to a request while hidden');
    // The event was fired (and any listener called) as the answer was posted.
    await until(() => ofType(events, 'spotnana-token-sent').length === 2, 'spotnana-token-sent while hidden');
    expect(sent).to.have.length(1);

    render('visible');
    expect(container.querySelector('spotnana-embed')).to.equal(el);
    expect(el.checkVisibility()).to.equal(true);
    expect(frameOf(el)).to.equal(frame);
    command(el, { cmd: 'ask' });
    await until(async () => (await responses(id)).length === 3, 'the answer to a later request');
    expect((await responses(id))[2]!.data.payload.accessToken).to.equal(`at-${key}-3`);
    // The event props are in effect again.
    await until(() => sent.length === 2, 'onSpotnanaTokenSent for the later request');
    expect(await loadCount(id), 'documents loaded in the frame').to.equal(1);
  });
});
