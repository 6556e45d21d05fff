// Angular: templates with CUSTOM_ELEMENTS_SCHEMA are not type-checked for custom elements,
// so what Angular code can type is the component class: an ElementRef / viewChild of the
// element (HTMLElementTagNameMap) and handlers typed with the exported event types.
import { ElementRef, viewChild, type Signal } from '@angular/core';
import type { SpotnanaEmbed, SpotnanaErrorEvent, SpotnanaTokenSentEvent, TokenProvider } from 'spotnana-embed';

export class Travel {
  embed: Signal<ElementRef<SpotnanaEmbed> | undefined> = viewChild<ElementRef<SpotnanaEmbed>>('embed');
  provider: TokenProvider = async ({ signal }) => ({ accessToken: String(signal.aborted), refreshToken: 'r' });
  // @ts-expect-error: a TokenProvider resolves to Tokens, not a string
  badProvider: TokenProvider = async () => 'token';
  onError(event: SpotnanaErrorEvent) {
    const { source, code, message } = event.detail;
    // @ts-expect-error: the error detail carries no token
    void event.detail.refreshToken;
    return `${source}/${code}: ${message}`;
  }
  onSent(event: SpotnanaTokenSentEvent) {
    // @ts-expect-error: prefetched is a boolean
    const count: number = event.detail.prefetched;
    return count;
  }
  signOut() {
    this.embed()?.nativeElement.signOut();
    // @ts-expect-error: there is no logout(); signOut() is the method
    this.embed()?.nativeElement.logout();
  }
}
