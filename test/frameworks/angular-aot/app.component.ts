// The root component: shows <acme-travel> while `shown` is true, with the values the test
// mounts it with (INITIAL) and may change later.
import { Component, InjectionToken, inject, signal } from '@angular/core';
import type { TokenProvider } from '../../../src/index.js';
import { TravelComponent } from './travel.component.js';

export interface Initial {
  embedUrl: string;
  path: string;
  tokenEndpoint?: string;
  tokenProvider?: TokenProvider;
}

export const INITIAL = new InjectionToken<Initial>('initial values');

@Component({
  selector: 'acme-app',
  imports: [TravelComponent],
  template: `
    @if (shown()) {
      <acme-travel
        [embedUrl]="embedUrl()"
        [path]="path()"
        [tokenEndpoint]="tokenEndpoint()"
        [tokenProvider]="tokenProvider()"
        orgId="acme"
        (sent)="sent.push($event)"
      />
    }
  `,
})
export class AppComponent {
  readonly #initial = inject(INITIAL);
  readonly shown = signal(true);
  readonly embedUrl = signal(this.#initial.embedUrl);
  readonly path = signal(this.#initial.path);
  readonly tokenEndpoint = signal(this.#initial.tokenEndpoint ?? '');
  readonly tokenProvider = signal(this.#initial.tokenProvider);
  readonly sent: boolean[] = [];
}
