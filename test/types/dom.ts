// The DOM typings of the main entry: HTMLElementTagNameMap and the events' detail types.
import { SpotnanaEmbed, type Tokens } from 'spotnana-embed';
import type { SpotnanaEmbedProperties } from 'spotnana-embed/react';
import type { ReactiveElement } from 'lit';

const el = document.createElement('spotnana-embed');
const same: SpotnanaEmbed = el;
const found: SpotnanaEmbed | null = document.querySelector('spotnana-embed');
el.env = 'production';
// @ts-expect-error: env is 'sandbox' | 'production'
el.env = 'staging';
el.tokenTimeout = 5000;
// @ts-expect-error: tokenTimeout is a number
el.tokenTimeout = '5000';
el.tokenProvider = async ({ signal, env, embedOrigin }): Promise<Tokens> => ({
  accessToken: `${signal.aborted}${env}${embedOrigin}`,
  refreshToken: 'r',
});
// @ts-expect-error: a provider resolves to Tokens
el.tokenProvider = async () => ({ access_token: 'a' });
el.addEventListener('spotnana-error', (e) => {
  const code: string = e.detail.code;
  const status: number | undefined = e.detail.status;
  // @ts-expect-error: the detail has no token
  void e.detail.accessToken;
  void [code, status];
});
document.addEventListener('spotnana-token-sent', (e) => {
  const prefetched: boolean = e.detail.prefetched;
  void prefetched;
});
// @ts-expect-error: reload() takes no argument
el.reload(true);
void [same, found];

// Every public property of the element (what it adds to Lit's base class, methods aside) is
// in the framework typings: a property added to the element but not to the option table
// fails here.
type Methods<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];
type ElementProperties = Exclude<keyof SpotnanaEmbed, keyof ReactiveElement | Methods<SpotnanaEmbed>>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typingsCoverTheElement: Same<ElementProperties, keyof SpotnanaEmbedProperties> = true;
void typingsCoverTheElement;
