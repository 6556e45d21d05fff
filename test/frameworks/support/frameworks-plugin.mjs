// Web Test Runner plugin for the framework tests (test/frameworks): it serves each framework
// the way an app would get it, from node_modules, with no network.
//
//   vue                          -> vue/dist/vue.esm-browser.js (ES module, template compiler included)
//   react, react-dom/client, ... -> /__fw/react/<name>.js: ES facades over ONE esbuild bundle of
//                                   React + ReactDOM (React ships CommonJS only, and two bundles
//                                   would hold two Reacts)
//   /__fw/react-ssr?props=       -> HTML that react-dom/server rendered in Node (a child process:
//                                   test/frameworks/react/render-react.tsx), for hydration tests
//   /__fw/vue-vite-app.js        -> test/frameworks/vue-vite built by Vite with @vitejs/plugin-vue
//   /__fw/angular-aot-app.js     -> test/frameworks/angular-aot compiled by ngc and bundled with the
//                                   Angular linker (/__fw/angular-aot-inputs.json: what went in)
//   /__fw/plain.html             -> a plain HTML page that loads the CDN file with
//                                   <script type="module" src>, no bundler, no import map
//   /__fw/bundler.html           -> a page running an app bundled by esbuild from an installed
//                                   copy of the npm package (`npm pack` file list) next to `lit`,
//                                   as a user's bundler sees it (/__fw/bundler-app.js)
// Angular in JIT mode needs nothing here: its packages are ES modules that the runner's node
// resolution serves.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const REACT_MODULES = ['react', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'react-dom', 'react-dom/client'];

let reactBundle;
/** React and ReactDOM, development builds, as one ES module exporting each CommonJS module object. */
async function buildReact() {
  const entry =
    REACT_MODULES.map((name, i) => `import * as m${i} from '${name}';`).join('\n') +
    `\nexport const modules = { ${REACT_MODULES.map((name, i) => `'${name}': m${i}`).join(', ')} };`;
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: root, loader: 'js' },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

const facades = new Map();
/** An ES facade for one React module: its named exports, read from the CommonJS module itself (once). */
function reactFacade(name) {
  if (!facades.has(name)) facades.set(name, readFacade(name));
  return facades.get(name);
}

function readFacade(name) {
  // Asked of a child Node process: React must not be loaded into the runner's own process.
  const keys = JSON.parse(
    execFileSync(
      process.execPath,
      ['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(name)}))))`],
      { cwd: root, encoding: 'utf8' },
    ),
  );
  const names = keys.filter((key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default');
  return `import { modules } from '/__fw/react-bundle.js';
const m = modules['${name}'];
export default m.default ?? m;
export const { ${names.join(', ')} } = m;
`;
}

let reactRenderer;
/**
 * test/frameworks/react/render-react.tsx and our sources it imports, bundled once for Node by
 * esbuild (React itself stays an import from node_modules), into .cache/ inside the repository
 * so that Node resolves React from there: each render is then a plain `node` run, with no
 * TypeScript loader to start.
 */
async function buildReactRenderer() {
  const outfile = join(root, '.cache/frameworks/render-react.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'test/frameworks/react/render-react.tsx')],
    tsconfig: join(root, 'test/frameworks/tsconfig.json'),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  return outfile;
}

/** The server render of test/frameworks/react/booking.tsx with these props (JSON), by react-dom/server in a child Node. */
async function renderReact(props) {
  const renderer = await (reactRenderer ??= buildReactRenderer());
  const { stdout } = await promisify(execFile)(process.execPath, [renderer, props], { cwd: root, encoding: 'utf8' });
  return stdout;
}

let vueApp;
/**
 * test/frameworks/vue-vite/main.ts and its single-file component, built by Vite with
 * @vitejs/plugin-vue and the directory's vite.config.ts, as one ES module. A development
 * build, so that Vue's warnings are in it.
 */
async function buildVueApp() {
  const { build } = await import('vite');
  const dir = join(root, 'test/frameworks/vue-vite');
  const [output] = [].concat(
    await build({
      root: dir,
      configFile: join(dir, 'vite.config.ts'),
      mode: 'development',
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"development"' },
      build: {
        lib: { entry: join(dir, 'main.ts'), formats: ['es'], fileName: 'app' },
        write: false,
        minify: false,
        sourcemap: false,
      },
    }),
  );
  return output.output.find((chunk) => chunk.type === 'chunk' && chunk.isEntry).code;
}

let angularApp;
/**
 * test/frameworks/angular-aot compiled ahead of time by ngc (strict templates), then bundled
 * by esbuild with the Angular linker (Babel) run on Angular's own partially compiled
 * packages, as the Angular CLI does: no @angular/compiler in the page.
 */
async function buildAngularApp() {
  const dir = join(root, 'test/frameworks/angular-aot');
  const out = join(root, '.cache/angular-aot');
  rmSync(out, { recursive: true, force: true });
  const ngc = join(root, 'node_modules/@angular/compiler-cli/bundles/src/bin/ngc.js');
  await promisify(execFile)(process.execPath, [ngc, '-p', join(dir, 'tsconfig.json')], { cwd: root, encoding: 'utf8' });
  const { transformAsync } = await import('@babel/core');
  const { default: linkerPlugin } = await import('@angular/compiler-cli/linker/babel');
  const angularLinker = {
    name: 'angular-linker',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]@angular[\\/].*\.m?js$/ }, async ({ path }) => {
        const code = readFileSync(path, 'utf8');
        if (!code.includes('\u0275\u0275ngDeclare')) return { contents: code, loader: 'js' };
        const linked = await transformAsync(code, {
          filename: path,
          plugins: [linkerPlugin],
          configFile: false,
          babelrc: false,
          compact: false,
        });
        return { contents: linked.code, loader: 'js' };
      });
    },
  };
  const result = await esbuild.build({
    entryPoints: [join(out, 'test/frameworks/angular-aot/main.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    plugins: [angularLinker],
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
}

let consumer;
/**
 * A consumer app: node_modules/spotnana-embed holds exactly the files `npm pack` would ship,
 * lit and its packages sit beside it (links to this repository's copies), and the app imports
 * both `lit` and `spotnana-embed`. esbuild bundles it as an app's build would.
 */
async function buildConsumer() {
  const dir = mkdtempSync(join(tmpdir(), 'spotnana-consumer-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const pkgDir = join(dir, 'node_modules/spotnana-embed');
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  for (const { path } of packed.files) {
    mkdirSync(dirname(join(pkgDir, path)), { recursive: true });
    cpSync(join(root, path), join(pkgDir, path));
  }
  for (const name of ['lit', 'lit-html', 'lit-element', '@lit/reactive-element', '@lit-labs/ssr-dom-shim']) {
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  }
  cpSync(join(root, 'test/frameworks/bundler/app.js'), join(dir, 'app.js'));
  const result = await esbuild.build({
    entryPoints: [join(dir, 'app.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  return { code: result.outputFiles[0].text, inputs };
}

const html = (body) => ({ body, type: 'html', headers: { 'cache-control': 'no-store' } });
const js = (body) => ({ body, type: 'js' });

export function frameworksPlugin() {
  return {
    name: 'spotnana-frameworks',
    resolveImport({ source }) {
      if (source === 'vue') return '/node_modules/vue/dist/vue.esm-browser.js';
      if (REACT_MODULES.includes(source)) return `/__fw/react/${source}.js`;
      return undefined;
    },
    async serve(context) {
      const path = context.path;
      if (path === '/__fw/react-bundle.js') return js(await (reactBundle ??= buildReact()));
      if (path.startsWith('/__fw/react/')) {
        const name = path.slice('/__fw/react/'.length, -'.js'.length);
        if (REACT_MODULES.includes(name)) return js(reactFacade(name));
      }
      if (path === '/__fw/react-ssr')
        return html(await renderReact(new URL(context.url, 'http://localhost').searchParams.get('props')));
      if (path === '/__fw/vue-vite-app.js') return js(await (vueApp ??= buildVueApp()));
      if (path === '/__fw/angular-aot-app.js') return js((await (angularApp ??= buildAngularApp())).code);
      if (path === '/__fw/angular-aot-inputs.json')
        return { body: JSON.stringify((await (angularApp ??= buildAngularApp())).inputs), type: 'json' };
      if (path === '/__fw/bundler-app.js') return js((await (consumer ??= buildConsumer())).code);
      if (path === '/__fw/bundler-inputs.json')
        return { body: JSON.stringify((await (consumer ??= buildConsumer())).inputs), type: 'json' };
      if (path === '/__fw/bundler.html') {
        return html(`<!doctype html><meta charset="utf-8"><title>bundled app</title>
<acme-shell></acme-shell>
<script type="module" src="/__fw/bundler-app.js"></script>`);
      }
      if (path === '/__fw/plain.html') return html(readFileSync(join(root, 'test/frameworks/plain/page.html'), 'utf8'));
      return undefined;
    },
  };
}
