// Vue 3 (its browser build, template compiled at runtime): isCustomElement, :org-id,
// @spotnana-error, v-if. Bundled on request by the demo server (demo/app.mjs).
import 'spotnana-embed';
import { createApp, ref } from 'vue/dist/vue.esm-browser.prod.js';

const root = document.getElementById('app');
const app = createApp({
  template: `
    <p><button class="btn" type="button" @click="shown = !shown">{{ shown ? 'Hide' : 'Show' }} the embed (v-if)</button></p>
    <spotnana-embed v-if="shown" token-endpoint="/api/spotnana-token" :env="env" :embed-url="embedUrl" :org-id="orgId"
      frame-title="Spotnana travel" @spotnana-error="onError"></spotnana-embed>
    <p v-if="error" class="muted">Last error: {{ error }}</p>`,
  setup: () => {
    const error = ref('');
    return {
      shown: ref(true),
      ...root.dataset,
      error,
      onError: (e) => (error.value = `${e.detail.code}: ${e.detail.message}`),
    };
  },
});
app.config.compilerOptions.isCustomElement = (tag) => tag === 'spotnana-embed';
app.mount(root);
