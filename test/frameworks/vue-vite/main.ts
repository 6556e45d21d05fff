// The Vite-built side of vue-vite.test.ts: mounts Travel.vue and reports what Vue warns.
import { createApp, h } from 'vue';
import type { TokenProvider } from 'spotnana-embed';
import Travel from './Travel.vue';

export interface MountOptions {
  embedUrl: string;
  path: string;
  endpoint?: string;
  provider?: TokenProvider;
  onSent: (prefetched: boolean) => void;
  onWarn: (message: string) => void;
}

export function mount(container: Element, { onSent, onWarn, ...props }: MountOptions) {
  const app = createApp({ render: () => h(Travel, { ...props, onSent }) });
  app.config.warnHandler = (message) => onWarn(message);
  app.mount(container);
  return () => app.unmount();
}
