// `npm run build`: everything the package ships, into dist/ (plus custom-elements.json).
//   - tsc per project: readable ES modules + .d.ts (the npm build; Lit stays an import)
//   - rollup + esbuild: dist/spotnana-embed.min.js, one minified module with Lit inlined (the CDN file)
//   - the Custom Elements Manifest, from the element's JSDoc
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rollup } from 'rollup';
import config from '../rollup.config.mjs';

const require = createRequire(import.meta.url);
/** Runs a package's bin on this Node: resolves when it ends, rejects when it fails. */
const start = (bin, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [require.resolve(bin), ...args], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${bin} ${args.join(' ')}: exit ${code}`))));
  });

rmSync('dist', { recursive: true, force: true });

// Each part of the package has its own tsconfig, so that browser types cannot leak into
// the server half and Node types cannot leak into either. The projects write different files,
// and the CDN file is bundled from the sources: all at once. The manifest reads the element's
// build (its option table, through scripts/manifest-options.mjs), so it comes after that one.
const tsc = (project) => start('typescript/bin/tsc', ['-p', project]);
const cdnFile = async () => {
  const bundle = await rollup(config);
  await bundle.write(config.output);
  await bundle.close();
};
const results = await Promise.allSettled([
  tsc('tsconfig.build.json').then(() => start('@custom-elements-manifest/analyzer/cem.js', ['analyze', '--quiet'])), // custom-elements-manifest.config.mjs
  ...['tsconfig.server.json', 'tsconfig.emulator.json', 'tsconfig.testing.json'].filter(existsSync).map(tsc),
  cdnFile(),
]);
const failures = results.filter((result) => result.status === 'rejected');
if (failures.length) {
  for (const { reason } of failures) console.error(reason.message ?? reason);
  process.exit(1);
}

if (existsSync('dist/emulator/cli.js')) chmodSync('dist/emulator/cli.js', 0o755);
