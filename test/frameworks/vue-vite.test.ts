// Vue 3 as a Vite app builds it: a single-file component (vue-vite/Travel.vue) compiled by
// Vite 8 with @vitejs/plugin-vue, whose template compiler is told `isCustomElement`
// (vue-vite/vite.config.ts). The handshake runs, `@spotnana-token-sent` reaches the
// component, and Vue warns about nothing (without `isCustomElement` it warns that it cannot
// resolve the component).
import { expect } from '@open-wc/testing';
import type { TokenProvider } from '../../src/index.js';
import { EMBED_URL, responses, tokenLog, uid, until } from '../element/helpers.js';
import type { MountOptions } from './vue-vite/main.ts';
import { buildFirst } from './support/helpers.ts';

type Mount = (container: Element, options: MountOptions) => () => void;

let unmount: (() => void) | undefined;
let container: HTMLElement;
afterEach(() => {
  unmount?.();
  container?.remove();
});

async function mountTravel(options: Omit<MountOptions, 'onSent' | 'onWarn' | 'embedUrl'>) {
  // The module Vite built (test/frameworks/support/frameworks-plugin.mjs).
  const { mount } = (await import(/* @vite-ignore */ '/__fw/vue-vite-app.js' as string)) as { mount: Mount };
  const sent: boolean[] = [];
  const warnings: string[] = [];
  container = document.createElement('div');
  document.body.append(container);
  unmount = mount(container, {
    ...options,
    embedUrl: EMBED_URL,
    onSent: (prefetched) => sent.push(prefetched),
    onWarn: (message) => warnings.push(message),
  });
  return { sent, warnings, element: container.querySelector('spotnana-embed')! };
}

buildFirst('/__fw/vue-vite-app.js');

describe('Vue 3 single-file component built by Vite', () => {
  it('the token endpoint: the frame gets the tokens, @spotnana-token-sent runs, and Vue warns about nothing', async () => {
    const id = uid('vue-vite');
    const key = uid('token');
    const { sent, warnings, element } = await mountTravel({ path: `/?id=${id}`, endpoint: `/token?key=${key}` });
    expect(element).to.be.instanceOf(customElements.get('spotnana-embed')!);
    const [response] = await until(() => responses(id), 'the frame to get tokens');
    expect(response!.data.payload).to.deep.equal({ accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1` });
    await until(() => sent, '@spotnana-token-sent');
    expect(sent).to.deep.equal([true]);
    expect(warnings).to.deep.equal([]);
  });

  it('`.tokenProvider` sets the provider; the endpoint is not fetched', async () => {
    const id = uid('vue-vite');
    const key = uid('token');
    const provider: TokenProvider = async () => ({ accessToken: `at-vite-${id}`, refreshToken: 'rt-vite' });
    const { sent, warnings } = await mountTravel({ path: `/?id=${id}`, provider });
    const [response] = await until(() => responses(id), 'the frame to get the provider tokens');
    expect(response!.data.payload.accessToken).to.equal(`at-vite-${id}`);
    await until(() => sent, '@spotnana-token-sent');
    expect(await tokenLog(key)).to.deep.equal([]);
    expect(warnings).to.deep.equal([]);
  });
});
