// The size budget of `npm test` (scripts/size.mjs --check) bites: a build padded with random
// bytes fails it, and the figures it checks are those of the real files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
// @ts-expect-error: a plain .mjs script, without types
import { BUDGETS, measureSizes } from '../../scripts/size.mjs';

const check = (pad: number) =>
  spawnSync(process.execPath, ['scripts/size.mjs', '--check'], { encoding: 'utf8', env: { ...process.env, SIZE_PAD: String(pad) } });

describe('the size budget', () => {
  it('passes the build as it is, and measures the CDN file that dist/ holds', async () => {
    const run = check(0);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const sizes = await measureSizes();
    assert.equal(sizes.cdnGzip, gzipSync(readFileSync('dist/spotnana-embed.min.js'), { level: 9 }).length);
    assert.ok(sizes.ownGzip < sizes.cdnGzip && sizes.litGzip < sizes.cdnGzip, JSON.stringify(sizes));
  });

  it('fails a build padded just past the limit of the own code, and says so', async () => {
    // Random base64 gzips to about 3/4 of its length: twice the headroom overshoots it by half.
    const { ownGzip } = await measureSizes();
    const run = check(2 * (BUDGETS.ownGzip.limit - ownGzip) + 64);
    assert.equal(run.status, 1, run.stdout);
    assert.match(run.stdout, /element's own code[^\n]*OVER THE LIMIT/);
    assert.match(run.stderr, /Size budget exceeded/);
  });

  it('fails a build padded past the limit of the CDN file, and says so', async () => {
    const { cdnGzip } = await measureSizes();
    const run = check(2 * (BUDGETS.cdnGzip.limit - cdnGzip) + 64);
    assert.equal(run.status, 1, run.stdout);
    assert.match(run.stdout, /CDN file, gzip -9 \(Lit included\)[^\n]*OVER THE LIMIT/);
  });
});
