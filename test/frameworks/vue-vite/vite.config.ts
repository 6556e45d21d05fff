// Vite with @vitejs/plugin-vue, as a Vue app configures it for <spotnana-embed>: the
// template compiler leaves the tag to the browser. The framework tests build main.ts with it
// as a library (test/frameworks/support/frameworks-plugin.mjs).
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    vue({
      template: {
        compilerOptions: {
          isCustomElement: (tag) => tag === 'spotnana-embed',
        },
      },
    }),
  ],
});
