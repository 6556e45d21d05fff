// Angular compiled ahead of time, as the Angular CLI and ngc build apps: angular-aot/ is
// compiled by ngc with strict templates and bundled with the Angular linker, with no
// @angular/compiler in the page (test/frameworks/support/frameworks-plugin.mjs). Zoneless,
// CUSTOM_ELEMENTS_SCHEMA, signal inputs bound to the element's properties, `[tokenProvider]`
// included, and `(spotnana-token-sent)`.
import { expect } from '@open-wc/testing';
import type { ApplicationRef } from '@angular/core';
import type { SpotnanaEmbed, TokenProvider } from '../../src/index.js';
import { EMBED_URL, responses, tokenLog, uid, until } from '../element/helpers.js';
import type { AppComponent, Initial } from './angular-aot/main.ts';
import { buildFirst, listeners } from './support/helpers.ts';

type Mount = (initial: Initial) => Promise<{ app: ApplicationRef; component: AppComponent }>;

let app: ApplicationRef | undefined;
let host: HTMLElement | undefined;
afterEach(() => {
  app?.destroy();
  app = undefined;
  host?.remove();
});

async function mount(initial: Omit<Initial, 'embedUrl'>) {
  // The module ngc and esbuild built (the first request builds it).
  const { mount: bootstrap } = (await import(/* @vite-ignore */ '/__fw/angular-aot-app.js' as string)) as {
    mount: Mount;
  };
  host = document.createElement('acme-app');
  document.body.append(host);
  const mounted = await bootstrap({ ...initial, embedUrl: EMBED_URL });
  app = mounted.app;
  const element = () => host!.querySelector('spotnana-embed') as SpotnanaEmbed | null;
  return { component: mounted.component, element };
}

buildFirst('/__fw/angular-aot-inputs.json');

describe('Angular compiled ahead of time (ngc), zoneless', () => {
  it('is compiled ahead of time: the page holds no @angular/compiler', async () => {
    const inputs: string[] = await (await fetch('/__fw/angular-aot-inputs.json')).json();
    expect(inputs.some((input) => input.includes('@angular/core/'))).to.equal(true);
    expect(inputs.filter((input) => input.includes('@angular/compiler/'))).to.deep.equal([]);
  });

  it('binds [tokenEndpoint] as a property and [attr.org-id]; the frame gets the tokens and (spotnana-token-sent) runs', async () => {
    const id = uid('ng-aot');
    const key = uid('token');
    const { component, element } = await mount({ path: `/?id=${id}`, tokenEndpoint: `/token?key=${key}` });
    expect(element()).to.be.instanceOf(customElements.get('spotnana-embed')!);
    expect(element()!.hasAttribute('token-endpoint')).to.equal(false);
    expect(element()!.tokenEndpoint).to.equal(`/token?key=${key}`);
    expect(element()!.getAttribute('org-id')).to.equal('acme');
    const [response] = await until(() => responses(id), 'the frame to get tokens');
    expect(response!.data.payload).to.deep.equal({ accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1` });
    await until(() => component.sent, '(spotnana-token-sent)');
    expect(component.sent).to.deep.equal([true]);
  });

  it('binds [tokenProvider] through a signal input; the provider is called and the frame gets its tokens', async () => {
    const id = uid('ng-aot');
    const provider: TokenProvider = async () => ({ accessToken: `at-aot-${id}`, refreshToken: 'rt-aot' });
    const { component, element } = await mount({ path: `/?id=${id}`, tokenProvider: provider });
    expect(element()!.tokenProvider).to.equal(provider);
    const [response] = await until(() => responses(id), 'the frame to get the provider tokens');
    expect(response!.data.payload.accessToken).to.equal(`at-aot-${id}`);
    await until(() => component.sent, '(spotnana-token-sent)');
  });

  it('@if removal removes the element, its message listener and its fetch in flight', async () => {
    const before = await listeners();
    const id = uid('ng-aot');
    const key = uid('token');
    const { component, element } = await mount({ path: `/?id=${id}`, tokenEndpoint: `/token?key=${key}&s=hang` });
    await until(() => tokenLog(key), 'the token fetch');
    if (before !== undefined) expect(await listeners()).to.equal(before + 1);
    component.shown.set(false);
    await until(() => element() === null, 'the element to be removed');
    expect(await listeners()).to.equal(before);
    await until(async () => (await tokenLog(key))[0]!.aborted, 'the fetch to be aborted');
  });
});
