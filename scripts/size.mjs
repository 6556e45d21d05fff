// The element's weight, measured the way users pay for it, and the budget `npm test` holds
// it to (1 KB = 1024 B, gzip at level 9):
//   - the CDN file dist/spotnana-embed.min.js (Lit included): raw, gzip, brotli;
//   - the element's own code alone: src/ bundled with Lit left out, minified like the CDN
//     file, then gzipped;
//   - Lit's share: the Lit modules the element imports, bundled and minified the same way.
//
//   node scripts/size.mjs           prints the table
//   node scripts/size.mjs --check   prints it and exits 1 when the CDN file is over its limit
//   SIZE_PAD=3000 node scripts/size.mjs --check
//                                   the same for a build padded with 3000 random bytes of
//                                   code, to see the check fail (test/package/size.test.ts)
//
// Run it after `npm run build` (it reads the CDN file from dist/; a padded build is made in
// memory).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import config from '../rollup.config.mjs';

export const KB = 1024;

/**
 * What users download is the CDN file, so that is the hard limit. The element's own code is
 * reported beside it (where the bytes go), with a goal but no limit: a clearer element that
 * costs a few bytes more is worth it as long as the file users pay for stays within budget.
 */
export const BUDGETS = {
  cdnGzip: { label: 'CDN file, gzip -9 (Lit included)', limit: 10 * KB, goal: 7.5 * KB },
  ownGzip: { label: "element's own code, gzip -9 (Lit excluded)", goal: 2.5 * KB },
};

const root = new URL('..', import.meta.url);
const isLit = (id) =>
  id === 'lit' ||
  id.startsWith('lit/') ||
  id.startsWith('@lit/') ||
  /\/node_modules\/(lit|lit-html|lit-element|@lit)\//.test(id);

export const gzip = (code) => gzipSync(code, { level: 9 }).length;
export const brotli = (code) => brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/** Bundles `input` with the CDN file's plugins (plus `extra`), Lit optionally left out; returns the chunk. */
async function bundle({ input = config.input, external, plugins = [] } = {}) {
  const build = await rollup({ ...config, input, external, plugins: [...plugins, ...config.plugins], onwarn() {} });
  try {
    const { output } = await build.generate({ format: 'es' });
    return output[0];
  } finally {
    await build.close();
  }
}

/** The element's own code (Lit external) and Lit's share (exactly the Lit bindings it imports). */
export async function measureCode(plugins = []) {
  const own = await bundle({ external: isLit, plugins });
  // A module re-exporting the bindings the element imports, so Lit is tree-shaken alike.
  const reexports = Object.entries(own.importedBindings)
    .map(([from, names]) => `export { ${names.join(', ')} } from ${JSON.stringify(from)};`)
    .join('\n');
  const lit = await bundle({ input: 'lit-share', plugins: [virtual('lit-share', reexports)] });
  return { own: own.code, lit: lit.code };
}

const virtual = (id, code) => ({
  name: 'virtual',
  resolveId: (source) => (source === id ? id : null),
  load: (source) => (source === id ? code : null),
});

/** `bytes` of random (incompressible) text exported from the entry module: a deliberately padded build. */
export const padding = (bytes) => ({
  name: 'pad',
  transform(code, id) {
    if (!id.endsWith('/src/index.ts')) return null;
    return `${code}\nexport const padding = ${JSON.stringify(randomBytes(bytes).toString('base64').slice(0, bytes))};`;
  },
});

/** All figures, in bytes; with `pad`, of a build padded with that many random bytes. */
export async function measureSizes({ pad = 0 } = {}) {
  const plugins = pad ? [padding(pad)] : [];
  const cdn = pad
    ? Buffer.from((await bundle({ plugins })).code)
    : await readFile(new URL('dist/spotnana-embed.min.js', root));
  const { own, lit } = await measureCode(plugins);
  return {
    cdnRaw: cdn.length,
    cdnGzip: gzip(cdn),
    cdnBrotli: brotli(cdn),
    ownRaw: Buffer.byteLength(own),
    ownGzip: gzip(own),
    litGzip: gzip(lit),
  };
}

/**
 * The budget lines, each with its figure and whether it is within the goal and (for a line
 * that has one) the limit; `withinLimit` is true for a line without a limit.
 */
export const checkBudgets = (sizes) =>
  Object.entries(BUDGETS).map(([key, b]) => ({
    key,
    ...b,
    bytes: sizes[key],
    withinLimit: b.limit === undefined || sizes[key] <= b.limit,
    withinGoal: sizes[key] <= b.goal,
  }));

/** One line of the check's output: the figure, then the limit's verdict or, without one, the goal's. */
function verdictLine(b) {
  const goal = b.withinGoal ? 'within the goal' : `goal ${b.goal / KB} KB missed`;
  if (b.limit === undefined) return `${b.label}: ${b.bytes} B = ${kb(b.bytes)}, reported (no limit): ${goal}`;
  const verdict = b.withinLimit ? `ok, ${goal}` : 'OVER THE LIMIT';
  return `${b.label}: ${b.bytes} B = ${kb(b.bytes)}, limit ${b.limit / KB} KB (${b.limit} B): ${verdict}`;
}

export const kb = (bytes) => `${(bytes / KB).toFixed(2)} KB`;

export function sizeTable(sizes) {
  const rows = [
    ['CDN file, raw', sizes.cdnRaw],
    ['CDN file, gzip -9', sizes.cdnGzip],
    ['CDN file, brotli', sizes.cdnBrotli],
    ["element's own code, minified", sizes.ownRaw],
    ["element's own code, gzip -9", sizes.ownGzip],
    ["Lit's share, gzip -9", sizes.litGzip],
  ];
  return [
    '| what | bytes | KB |',
    '| --- | ---: | ---: |',
    ...rows.map(([what, b]) => `| ${what} | ${b} | ${kb(b)} |`),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const pad = Number(process.env.SIZE_PAD) || 0;
  if (pad) console.log(`A build padded with ${pad} random bytes:`);
  const sizes = await measureSizes({ pad });
  console.log(sizeTable(sizes));
  const lines = checkBudgets(sizes);
  for (const b of lines) console.log(verdictLine(b));
  if (process.argv.includes('--check') && lines.some((b) => !b.withinLimit)) {
    console.error('Size budget exceeded: the CDN file users download is over its limit (see scripts/size.mjs).');
    process.exit(1);
  }
}
