// Angular (JIT, zoneless): a standalone component with CUSTOM_ELEMENTS_SCHEMA, property and
// attribute bindings and a (spotnana-error) event binding. Bundled on request by the demo
// server (demo/app.mjs). A real app compiles ahead of time with the Angular CLI; the
// template is the same.
import '@angular/compiler';
import 'spotnana-embed';
import { Component, CUSTOM_ELEMENTS_SCHEMA, provideZonelessChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';

const { embedUrl, orgId, env } = document.getElementById('app').dataset;

class Travel {
  shown = signal(true);
  error = signal('');
  embedUrl = embedUrl;
  orgId = orgId;
  env = env;
  onError(event) {
    this.error.set(`${event.detail.code}: ${event.detail.message}`);
  }
}
Component({
  selector: 'acme-travel',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <p><button class="btn" type="button" (click)="shown.set(!shown())">{{ shown() ? 'Hide' : 'Show' }} the embed (&#64;if)</button></p>
    @if (shown()) {
      <spotnana-embed [tokenEndpoint]="'/api/spotnana-token'" [env]="env" [embedUrl]="embedUrl" [attr.org-id]="orgId"
        frame-title="Spotnana travel" (spotnana-error)="onError($event)"></spotnana-embed>
    }
    @if (error()) { <p class="muted">Last error: {{ error() }}</p> }`,
})(Travel);

bootstrapApplication(Travel, { providers: [provideZonelessChangeDetection()] });
