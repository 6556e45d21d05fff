// The ahead-of-time side of angular-aot.test.ts: bootstraps AppComponent zoneless into the
// page's <acme-app> and hands the test the component and the application.
import { provideZonelessChangeDetection, type ApplicationRef } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { AppComponent, INITIAL, type Initial } from './app.component.js';

export type { AppComponent, Initial };

export async function mount(initial: Initial): Promise<{ app: ApplicationRef; component: AppComponent }> {
  const app = await bootstrapApplication(AppComponent, {
    providers: [provideZonelessChangeDetection(), { provide: INITIAL, useValue: initial }],
  });
  return { app, component: app.components[0]!.instance as AppComponent };
}
