// Angular 21 mounts <spotnana-embed> from a standalone component, bootstrapped here in JIT
// mode and zoneless (angular-aot.test.ts builds one ahead of time, as apps do):
// CUSTOM_ELEMENTS_SCHEMA, `[tokenEndpoint]` and `[tokenProvider]` bound as properties,
// `[attr.org-id]` as an attribute, and `(spotnana-error)` / `(spotnana-token-sent)` as
// event bindings. The component is written
// without decorator syntax (the decorator applied as a function), as JIT allows.
import '@angular/compiler';
import {
  Component,
  CUSTOM_ELEMENTS_SCHEMA,
  provideZonelessChangeDetection,
  signal,
  type ApplicationRef,
} from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { expect } from '@open-wc/testing';
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

let appRef: ApplicationRef | undefined;
afterEach(() => {
  appRef?.destroy();
  appRef = undefined;
});

/** Bootstraps a standalone component that renders <spotnana-embed>; its signals drive the bindings. */
async function mount(initial: { endpoint?: string; provider?: TokenProvider; org?: string }) {
  const id = uid('ng');
  const selector = `ng-travel-${id}`;
  class Travel {
    shown = signal(true);
    endpoint = signal(initial.endpoint ?? '');
    provider = signal<TokenProvider | undefined>(initial.provider);
    org = signal(initial.org ?? '');
    path = `/?id=${id}`;
    embedUrl = EMBED_URL;
    errors: SpotnanaErrorDetail[] = [];
    sent: boolean[] = [];
    onError(event: SpotnanaErrorEvent) {
      this.errors.push(event.detail);
    }
    onSent(event: SpotnanaTokenSentEvent) {
      this.sent.push(event.detail.prefetched);
    }
  }
  Component({
    selector,
    schemas: [CUSTOM_ELEMENTS_SCHEMA],
    template: `@if (shown()) {
      <spotnana-embed
        [embedUrl]="embedUrl"
        [path]="path"
        [tokenEndpoint]="endpoint()"
        [tokenProvider]="provider()"
        [attr.org-id]="org()"
        frame-title="Acme travel"
        (spotnana-error)="onError($event)"
        (spotnana-token-sent)="onSent($event)"
      ></spotnana-embed>
    }`,
  })(Travel);
  const host = document.createElement(selector);
  document.body.append(host);
  appRef = await bootstrapApplication(Travel, { providers: [provideZonelessChangeDetection()] });
  const component = appRef.components[0]!.instance as Travel;
  const element = () => host.querySelector('spotnana-embed') as SpotnanaEmbed | null;
  return { id, component, element, host };
}

describe(`Angular`, () => {
  it('binds [tokenEndpoint] as a property and [attr.org-id] as an attribute; (spotnana-token-sent) runs; the frame gets the tokens', async () => {
    const key = uid('token');
    const { id, component, element } = await mount({ endpoint: `/token?key=${key}`, org: 'acme' });
    expect(element()).to.be.instanceOf(customElements.get('spotnana-embed')!);
    // A property binding: no token-endpoint attribute, the property is set.
    expect(element()!.hasAttribute('token-endpoint')).to.equal(false);
    expect(element()!.tokenEndpoint).to.equal(`/token?key=${key}`);
    expect(element()!.getAttribute('org-id')).to.equal('acme');
    const [response] = await until(() => responses(id), 'the frame to get tokens');
    expect(response!.data.payload).to.deep.equal({ accessToken: `at-${key}-1`, refreshToken: `rt-${key}-1` });
    const loaded = (await reports(id)).find((r) => r.loaded)!;
    expect(new URL(loaded.href!).searchParams.get('orgId')).to.equal('acme');
    await until(() => component.sent, '(spotnana-token-sent)');
    expect(component.sent).to.deep.equal([true]);
  });

  it('binds [tokenProvider]; the provider is called and the frame gets its tokens', async () => {
    const calls: TokenProviderContext[] = [];
    const provider: TokenProvider = async (ctx) => {
      calls.push(ctx);
      return { accessToken: 'at-ng-provider', refreshToken: 'rt-ng-provider' };
    };
    const { id, element } = await mount({ provider });
    expect(element()!.tokenProvider).to.equal(provider);
    const [response] = await until(() => responses(id), 'the frame to get the provider tokens');
    expect(response!.data.payload.accessToken).to.equal('at-ng-provider');
    expect(calls).to.have.length(1);
    expect(calls[0]!.embedOrigin).to.equal(EMBED_ORIGIN);
  });

  it('(spotnana-error) runs with the error detail', async () => {
    const key = uid('token');
    const { component } = await mount({ endpoint: `/token?key=${key}&s=401` });
    await until(() => component.errors, '(spotnana-error)');
    expect(component.errors[0]).to.include({ source: 'token-endpoint', code: 'http-error', status: 401 });
  });

  it('changing a bound value (the token endpoint, the org) reloads the frame', async () => {
    const key1 = uid('token');
    const key2 = uid('token');
    const { id, component } = await mount({ endpoint: `/token?key=${key1}`, org: 'acme' });
    await until(() => responses(id), 'the first tokens');
    component.endpoint.set(`/token?key=${key2}`);
    await loads(id, 2);
    const second = await until(async () => (await responses(id)).slice(1), 'tokens after the endpoint changed');
    expect(second[0]!.data.payload.accessToken).to.equal(`at-${key2}-1`);

    component.org.set('globex');
    await loads(id, 3);
    const last = (await reports(id)).filter((r) => r.loaded).at(-1)!;
    expect(new URL(last.href!).searchParams.get('orgId')).to.equal('globex');
  });

  it('@if removal (and destroying the app) removes the element, its message listener and its fetch in flight', async () => {
    const before = await listeners();
    const key = uid('token');
    const { component, element } = await mount({ endpoint: `/token?key=${key}&s=hang` });
    await until(() => tokenLog(key), 'the token fetch');
    if (before !== undefined) expect(await listeners()).to.equal(before + 1);
    component.shown.set(false);
    await until(() => element() === null, 'the element to be removed');
    expect(await listeners()).to.equal(before);
    await until(async () => (await tokenLog(key))[0]!.aborted, 'the fetch to be aborted');
  });
});
