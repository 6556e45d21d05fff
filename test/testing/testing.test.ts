// spotnana-embed/testing as users get it (the built package, npm run build first): Playwright
// stays an optional peer (nothing else in dist/ imports it), and startSpotnana gives a running
// emulator with its URLs, its client, its log and its scenarios. What the fixture does in a
// browser is exercised by examples/playwright, in the same `npm run test:examples`.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startSpotnana, test } from 'spotnana-embed/testing';

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );

describe('Playwright is needed only by spotnana-embed/testing', () => {
  it('no module of dist/ outside dist/testing/ imports @playwright/test or playwright', () => {
    const modules = files('dist').filter((file) => /\.(?:js|d\.ts)$/.test(file));
    assert.ok(
      modules.some((file) => file.startsWith(join('dist', 'testing'))),
      'dist/testing is built',
    );
    for (const file of modules) {
      const imports = /from\s*['"](?:@playwright\/test|playwright(?:-core)?)(?:\/[^'"]*)?['"]/.test(
        readFileSync(file, 'utf8'),
      );
      assert.equal(imports, file.startsWith(join('dist', 'testing')), file);
    }
  });

  it('package.json lists @playwright/test as an optional peer, and exports ./testing with its types first', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    assert.ok(pkg.peerDependencies['@playwright/test']);
    assert.equal(pkg.peerDependenciesMeta['@playwright/test'].optional, true);
    assert.deepEqual(pkg.exports['./testing'], {
      types: './dist/testing/index.d.ts',
      default: './dist/testing/index.js',
    });
  });
});

describe('startSpotnana', () => {
  it('starts the emulator on loopback with its URLs, its client and its log, and switches its scenario', async () => {
    const spotnana = await startSpotnana({ clientId: 'ci-client', clientSecret: 'ci-secret-0a1b2c3d' });
    try {
      assert.match(spotnana.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(spotnana.embedUrl, spotnana.url);
      assert.equal(spotnana.apiUrl, spotnana.url);
      assert.equal(spotnana.clientId, 'ci-client');
      assert.equal(spotnana.clientSecret, 'ci-secret-0a1b2c3d');
      assert.ok(spotnana.log.some((line) => line.includes('allowed parent origins: http://localhost:3000')));

      spotnana.scenario({ rejectNextExchange: { status: 401, error: 'invalid_client' } });
      const answer = await fetch(`${spotnana.apiUrl}/v2/auth/oauth2-token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          client_id: 'ci-client',
          client_secret: 'ci-secret-0a1b2c3d',
          subject_token: 'some-subject-token',
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          scope: 'openid',
        }),
      });
      assert.equal(answer.status, 401);
      assert.ok(spotnana.log.some((line) => line.includes('scenario rejectNextExchange')));
      assert.ok(!spotnana.log.join('\n').includes('ci-secret-0a1b2c3d'), 'the log holds no secret');

      spotnana.scenario({ silentFrame: true });
      spotnana.reset();
      assert.equal(spotnana.log.at(-1), '   scenario: none');
      assert.throws(() => spotnana.scenario({ bootDelay: -1 }), TypeError);
    } finally {
      await spotnana.close();
    }
    await assert.rejects(fetch(spotnana.url), 'closed');
  });

  it('test is Playwright’s test, extended', () => {
    assert.equal(typeof test, 'function');
    assert.equal(typeof test.extend, 'function');
    assert.equal(typeof test.use, 'function');
  });
});
