// The CDN file: one self-contained, minified ES module (Lit inlined, no bare imports) that
// registers <spotnana-embed> when loaded with <script type="module" src="...">.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { minifyHTMLLiterals } from 'minify-literals';
import esbuild from 'rollup-plugin-esbuild';

/** Minifies the css`` (and html``) templates of our own sources, which are written for readers (Lit's are already minified). */
const minifyTemplates = () => ({
  name: 'minify-templates',
  async transform(code, id) {
    if (!id.includes('/src/') || !/\b(css|html)`/.test(code)) return null;
    return (await minifyHTMLLiterals(code, { fileName: id })) ?? null;
  },
});

/**
 * The element uses only Lit's reactive base class (`ReactiveElement`, `css`), which
 * `lit` re-exports from `@lit/reactive-element`. The CDN file takes them from there, so that
 * lit-html, Lit's template engine, which the element does not use, is not inlined.
 */
const litReactiveBaseOnly = () => ({
  name: 'lit-reactive-base-only',
  resolveId(source, importer) {
    return source === 'lit' ? this.resolve('@lit/reactive-element', importer, { skipSelf: true }) : null;
  },
});

export default {
  input: 'src/index.ts',
  plugins: [
    // Lit's production build (no dev-mode warnings), resolved for browsers.
    litReactiveBaseOnly(),
    nodeResolve({ exportConditions: ['browser', 'production'] }),
    esbuild({ target: 'es2022', tsconfig: 'tsconfig.build.json' }),
    minifyTemplates(),
    terser({ ecma: 2022, module: true, compress: { passes: 2 }, format: { comments: false } }),
  ],
  output: { file: 'dist/spotnana-embed.min.js', format: 'es', sourcemap: true },
};
