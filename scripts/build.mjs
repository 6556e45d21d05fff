// `npm run build`: everything the package ships, into dist/ (plus custom-elements.json).
//   1. tsc per project: readable ES modules + .d.ts (the npm build; Lit stays an import)
//   2. rollup + esbuild: dist/spotnana-embed.min.js, one minified module with Lit inlined (the CDN file)
//   3. the Custom Elements Manifest, from the element's JSDoc
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rollup } from 'rollup';
import config from '../rollup.config.mjs';

const require = createRequire(import.meta.url);
const run = (bin, args) => execFileSync(process.execPath, [require.resolve(bin), ...args], { stdio: 'inherit' });

rmSync('dist', { recursive: true, force: true });

// Each part of the package has its own tsconfig, so that browser types cannot leak into
// the server half and Node types cannot leak into either.
for (const project of [
  'tsconfig.build.json',
  'tsconfig.server.json',
  'tsconfig.emulator.json',
  'tsconfig.testing.json',
]) {
  if (existsSync(project)) run('typescript/bin/tsc', ['-p', project]);
}

const bundle = await rollup(config);
await bundle.write(config.output);
await bundle.close();

run('@custom-elements-manifest/analyzer/cem.js', ['analyze', '--quiet']); // custom-elements-manifest.config.mjs

if (existsSync('dist/emulator/cli.js')) chmodSync('dist/emulator/cli.js', 0o755);
