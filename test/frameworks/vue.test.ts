// Vue 3 mounts <spotnana-embed> from a template compiled in the browser (vue.esm-browser.js):
// `isCustomElement` leaves the tag to the browser, `:token-endpoint` and `org-id` bind as
// Vue decides (a property when the element has one), `.tokenProvider` forces a property,
// `@spotnana-*` listen to the element's events, and `v-if` removal cleans up.
import { expect } from '@open-wc/testing';
import { createApp, nextTick, ref, type App } from 'vue';
import type {
  SpotnanaEmbed,
  SpotnanaErrorDetail,
  SpotnanaErrorEvent,
  SpotnanaTokenSentEvent,
  TokenProvider,
  TokenProviderContext,
} from '../../src/index.js';
import { EMBED_ORIGIN, EMBED_URL, loads, reports, responses, tokenLog, uid, until } from '../element/helpers.js';
import { listeners } from './support/helpers.ts';

const template = `
  <spotnana-embed
    v-if="shown"
    :embed-url="embedUrl"
    :path="'/?id=' + id"
    :token-endpoint="endpoint"
    :org-id="org"
    .tokenProvider="provider"
    frame-title="Acme travel"
    @spotnana-error="onError"
    @spotnana-token-sent="onSent"
  ></spotnana-embed>`;

let app: App | undefined;
let container: HTMLElement;
afterEach(() => {
  app?.unmount();
  container?.remove();
});

function mount(initial: { endpoint?: string; provider?: TokenProvider; org?: string }) {
  const id = uid('vue');
  const state = {
    shown: ref(true),
    endpoint: ref(initial.endpoint),
    provider: ref(initial.provider),
    org: ref(initial.org ?? ''),
    errors: [] as SpotnanaErrorDetail[],
    sent: [] as boolean[],
  };
  const warnings: string[] = [];
  app = createApp({
    template,
    setup: () => ({
      ...state,
      id,
      embedUrl: EMBED_URL,
      onError: (e: SpotnanaErrorEvent) => state.errors.push(e.detail),
      onSent: (e: SpotnanaTokenSentEvent) => state.sent.push(e.detail.prefetched),
    }),
  });
  app.config.compilerOptions.isCustomElement = (tag) => tag === 'spotnana-embed';
  app.config.warnHandler = (message) => void warnings.push(message);
  container = document.createElement('div');
  document.body.append(container);
  app.mount(container);
  const element = () => container.querySelector('spotnana-embed') as SpotnanaEmbed | null;
  return { id, state, warnings, element };
}

describe('Vue 3', () => {
  it('binds :token-endpoint and :org-id, and @spotnana-token-sent runs with the detail; the frame gets the tokens', async () => {
    const key = uid('token');
    const { id, state, warnings, element } = mount({ endpoint: `/token?key=${key}`, org: 'acme' });
    expect(element()).to.be.instanceOf(customElements.get('spotnana-embed')!);
    expect(element()!.tokenEndpoint).to.equal(`/token?key=${key}`);
    const [response] = await until(() => responses(id), 'the frame to get tokens');
    expect(response!.data.payload).to.deep.equal({ accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1` });
    const loaded = (await reports(id)).find((r) => r.loaded)!;
    expect(new URL(loaded.href!).searchParams.get('orgId')).to.equal('acme');
    await until(() => state.sent, '@spotnana-token-sent');
    expect(state.sent).to.deep.equal([true]);
    // isCustomElement: Vue did not try to resolve <spotnana-embed> as a Vue component.
    expect(warnings).to.deep.equal([]);
  });

  it('.tokenProvider sets the property; the provider is called and the frame gets its tokens', async () => {
    const calls: TokenProviderContext[] = [];
    const provider: TokenProvider = async (ctx) => {
      calls.push(ctx);
      return { accessToken: 'at-vue-provider', refreshToken: 'rt-vue-provider' };
    };
    const { id, element } = mount({ provider });
    expect(element()!.tokenProvider).to.equal(provider);
    const [response] = await until(() => responses(id), 'the frame to get the provider tokens');
    expect(response!.data.payload.accessToken).to.equal('at-vue-provider');
    expect(calls).to.have.length(1);
    expect(calls[0]!.signal).to.be.instanceOf(AbortSignal);
    expect(calls[0]!.embedOrigin).to.equal(EMBED_ORIGIN);
  });

  it('@spotnana-error runs with the error detail', async () => {
    const key = uid('token');
    const { state } = mount({ endpoint: `/token?key=${key}&s=403` });
    await until(() => state.errors, '@spotnana-error');
    expect(state.errors[0]).to.include({ source: 'token-endpoint', code: 'http-error', status: 403 });
  });

  it('changing the bound token endpoint reloads the frame with the new endpoint', async () => {
    const key1 = uid('token');
    const key2 = uid('token');
    const { id, state } = mount({ endpoint: `/token?key=${key1}` });
    await until(() => responses(id), 'the first tokens');
    state.endpoint.value = `/token?key=${key2}`;
    await loads(id, 2);
    const second = await until(async () => (await responses(id)).slice(1), 'tokens after the change');
    expect(second[0]!.data.payload.accessToken).to.equal(`at-${key2}-1`);
  });

  it('v-if removal removes the element, its message listener and its fetch in flight', async () => {
    const before = await listeners();
    const key = uid('token');
    const { state, element } = mount({ endpoint: `/token?key=${key}&s=hang` });
    await until(() => tokenLog(key), 'the token fetch');
    if (before !== undefined) expect(await listeners()).to.equal(before + 1);
    state.shown.value = false;
    await nextTick();
    expect(element()).to.equal(null);
    expect(await listeners()).to.equal(before);
    await until(async () => (await tokenLog(key))[0]!.aborted, 'the fetch to be aborted');
  });
});
