// <spotnana-embed> in an Angular component compiled ahead of time by ngc: signal inputs
// bound to the element's properties (`[tokenProvider]` included), an attribute binding, and
// `(spotnana-token-sent)` re-emitted as the component's output.
import { Component, CUSTOM_ELEMENTS_SCHEMA, input, output } from '@angular/core';
import type { SpotnanaTokenSentEvent, TokenProvider } from '../../../src/index.js';

@Component({
  selector: 'acme-travel',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <spotnana-embed
      [embedUrl]="embedUrl()"
      [path]="path()"
      [tokenEndpoint]="tokenEndpoint()"
      [tokenProvider]="tokenProvider()"
      [attr.org-id]="orgId()"
      (spotnana-token-sent)="onSent($event)"
    ></spotnana-embed>
  `,
})
export class TravelComponent {
  readonly embedUrl = input.required<string>();
  readonly path = input('/');
  readonly tokenEndpoint = input('');
  readonly tokenProvider = input<TokenProvider>();
  readonly orgId = input('');
  readonly sent = output<boolean>();

  onSent(event: Event) {
    this.sent.emit((event as SpotnanaTokenSentEvent).detail.prefetched);
  }
}
