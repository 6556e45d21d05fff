// The size budget of `npm test` (scripts/size.mjs --check) bites on the file users download:
// a build padded past the CDN file's limit fails it; the element's own code is reported, and a
// build that grows only the own code past its goal still passes while the CDN file fits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BUDGETS, KB, measureSizes } from '../../scripts/size.mjs';

const CDN_LIMIT_BYTES = 10 * 1024;
/** Random base64 gzips to about 3/4 of its length: twice the headroom overshoots it by half. */
const OVERSHOOT = 2;
const MARGIN_BYTES = 64;

const check = (pad: number) =>
  spawnSync(process.execPath, ['scripts/size.mjs', '--check'], {
    encoding: 'utf8',
    env: { ...process.env, SIZE_PAD: String(pad) },
  });

describe('the size budget', () => {
  /** The build's figures, measured once (each measurement bundles twice). */
  let sizes: Awaited<ReturnType<typeof measureSizes>>;
  before(async () => {
    sizes = await measureSizes();
  });

  it('limits the CDN file at 10 KB gzip and only reports the own code', () => {
    assert.equal(BUDGETS.cdnGzip.limit, CDN_LIMIT_BYTES);
    assert.equal('limit' in BUDGETS.ownGzip, false);
    assert.equal(KB, 1024);
  });

  it('passes the build as it is, and measures the CDN file that dist/ holds', () => {
    const run = check(0);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /CDN file, gzip -9 \(Lit included\): \d+ B = [\d.]+ KB, limit 10 KB \(10240 B\): ok/);
    assert.match(run.stdout, /element's own code, gzip -9 \(Lit excluded\): \d+ B = [\d.]+ KB, reported \(no limit\)/);
    assert.equal(sizes.cdnGzip, gzipSync(readFileSync('dist/spotnana-embed.min.js'), { level: 9 }).length);
    assert.ok(sizes.ownGzip < sizes.cdnGzip && sizes.litGzip < sizes.cdnGzip, JSON.stringify(sizes));
  });

  it('fails a build padded past the limit of the CDN file, and says so in words for users', () => {
    const { cdnGzip } = sizes;
    const run = check(OVERSHOOT * (CDN_LIMIT_BYTES - cdnGzip) + MARGIN_BYTES);
    assert.equal(run.status, 1, run.stdout);
    assert.match(run.stdout, /CDN file, gzip -9 \(Lit included\)[^\n]*OVER THE LIMIT/);
    assert.match(run.stderr, /Size budget exceeded: the CDN file/);
    assert.doesNotMatch(run.stdout + run.stderr, /issue|contract|SPEC/i);
  });

  it('never fails a build for its own code: only the CDN file decides', () => {
    const { ownGzip } = sizes;
    // Pushes the own code past its goal; the exit status must follow the CDN file's line alone.
    const run = check(Math.max(0, BUDGETS.ownGzip.goal - ownGzip) + MARGIN_BYTES);
    const cdnOver = /CDN file, gzip -9 \(Lit included\)[^\n]*OVER THE LIMIT/.test(run.stdout);
    assert.equal(run.status, cdnOver ? 1 : 0, run.stdout + run.stderr);
    assert.match(run.stdout, /element's own code[^\n]*reported \(no limit\): goal 2\.5 KB missed/);
  });
});
