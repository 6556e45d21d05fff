// Keeping a booking in progress while the user is on another tab of a Vue app. The fake
// Spotnana frame reports each document it loads.
// - Hiding the tab with `v-show` keeps <spotnana-embed> in the page: its frame keeps its
//   document (one load), and a later request still makes its round trip.
// - <KeepAlive> keeps the component but moves its DOM out of the document while it is
//   inactive: the frame leaves the page, and back in it loads afresh (the booking is lost).
//   This is why the frameworks guide says to hide the tab, not to keep it alive.
import { expect } from '@open-wc/testing';
import { createApp, nextTick, ref, type App } from 'vue';
import type { SpotnanaEmbed } from '../../src/index.js';
import { command, EMBED_URL, frameOf, receivedBefore, reports, responses, uid, until } from '../element/helpers.js';

let app: App | undefined;
let container: HTMLElement | undefined;
afterEach(() => {
  app?.unmount();
  container?.remove();
});

const loadCount = async (id: string) => (await reports(id)).filter((r) => r.loaded).length;

const embed = `<spotnana-embed :embed-url="embedUrl" :path="'/?id=' + id" :token-endpoint="endpoint"></spotnana-embed>`;

/** An app with a Home and a Travel tab, Travel shown first; `template` renders the tabs. */
function mount(template: string, components: Record<string, object> = {}) {
  const id = uid('vue-tabs');
  const key = uid('token');
  const tab = ref<'home' | 'travel'>('travel');
  const data = { id, embedUrl: EMBED_URL, endpoint: `/token?key=${key}` };
  app = createApp({ template, components, setup: () => ({ tab, ...data }) });
  app.provide('travel', data);
  app.config.compilerOptions.isCustomElement = (tag) => tag === 'spotnana-embed';
  container = document.body.appendChild(document.createElement('div'));
  app.mount(container);
  const show = async (which: 'home' | 'travel') => {
    tab.value = which;
    await nextTick();
  };
  return { id, key, show };
}

const element = () => document.querySelector('spotnana-embed') as SpotnanaEmbed | null;

describe('Vue 3: a tab with <spotnana-embed>, while the user is on another tab', () => {
  it('v-show: hidden and shown again, the frame keeps its document (one load) and answers a later request', async () => {
    const { id, key, show } = mount(`
      <section v-show="tab === 'travel'">${embed}</section>
      <section v-if="tab === 'home'"><h1>Home</h1></section>`);
    await until(async () => (await responses(id)).length === 1, 'the frame to get its tokens');
    const el = element()!;
    const frame = frameOf(el);
    await show('home');
    expect(el.isConnected).to.equal(true);
    expect(el.checkVisibility()).to.equal(false);
    // While hidden, the frame's document is still there: it gets and reports a message.
    await receivedBefore(frameOf(el)!.contentWindow!, id, 'the hidden frame to report a marker');
    await show('travel');
    expect(element()).to.equal(el);
    expect(frameOf(el)).to.equal(frame);
    command(el, { cmd: 'ask' });
    await until(async () => (await responses(id)).length === 2, 'the answer to a later request');
    expect((await responses(id))[1]!.data.payload.accessToken).to.equal(`at-${key}-2`);
    expect(await loadCount(id), 'documents loaded in the frame').to.equal(1);
  });

  it('<KeepAlive>: the inactive tab leaves the document, and back in it the frame loads again', async () => {
    const Travel = {
      inject: ['travel'],
      template: `<spotnana-embed :embed-url="travel.embedUrl" :path="'/?id=' + travel.id" :token-endpoint="travel.endpoint"></spotnana-embed>`,
    };
    const Home = { template: '<h1>Home</h1>' };
    const { id, show } = mount(`<KeepAlive><component :is="tab === 'travel' ? 'Travel' : 'Home'" /></KeepAlive>`, {
      Travel,
      Home,
    });
    await until(async () => (await responses(id)).length === 1, 'the frame to get its tokens');
    const el = element()!;
    await show('home');
    // Kept alive, but out of the document: the frame with it.
    expect(el.isConnected).to.equal(false);
    await show('travel');
    expect(element()).to.equal(el);
    await until(async () => (await loadCount(id)) === 2, 'the frame to load again');
    await until(async () => (await responses(id)).length === 2, 'the new frame document to get tokens');
    expect(await loadCount(id)).to.equal(2);
  });
});
