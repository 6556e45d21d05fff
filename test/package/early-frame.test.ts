// spotnana-embed/early-frame on a server: the early listener's text is safe to inline in HTML
// whatever the options hold, carries the values it was given, and makes the element's own
// token request. The script runs here with stand-ins for the page it would run in, passed as
// its free variables (nothing global is touched).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { earlyListenerScript, frameSrc } from 'spotnana-embed/early-frame';

/** Runs the script as a page would, and returns what it kept and the fetch it made. */
function run(script: string) {
  const fetched: [string, RequestInit][] = [];
  const window: Record<string, any> = {};
  const page = {
    addEventListener: () => {},
    document: { addEventListener: () => {} },
    customElements: { get: () => undefined },
    fetch: (url: string, init: RequestInit) => {
      fetched.push([url, init]);
      return Promise.resolve();
    },
  };
  new Function('self', 'window', ...Object.keys(page), script)(window, window, ...Object.values(page));
  return { record: window.spotnanaEmbedEarly, fetched };
}

const HOSTILE = '/api/token?t=</script><script>alert(1)</script><!--<script>&x=\u2028\u2029"\'\\';

describe('earlyListenerScript()', () => {
  it('is safe to inline in HTML whatever the endpoint holds, and carries it as given', () => {
    const script = earlyListenerScript({ tokenEndpoint: HOSTILE });
    for (const sequence of ['</script', '<!--', '<script', '\u2028', '\u2029']) {
      assert.ok(!script.toLowerCase().includes(sequence), `no ${JSON.stringify(sequence)}`);
    }
    const { record, fetched } = run(script);
    assert.equal(record.u, HOSTILE);
    assert.equal(fetched[0]?.[0], HOSTILE);
  });

  it("makes the element's own request: POST, Accept JSON, no-store, manual redirects, the credentials mode given", () => {
    for (const [tokenCredentials, expected] of [
      [undefined, 'same-origin'],
      ['omit', 'omit'],
      ['include', 'include'],
    ] as const) {
      const { fetched } = run(earlyListenerScript({ tokenEndpoint: '/api/token', tokenCredentials }));
      assert.deepEqual(fetched, [
        [
          '/api/token',
          {
            method: 'POST',
            headers: { Accept: 'application/json' },
            credentials: expected,
            cache: 'no-store',
            redirect: 'manual',
          },
        ],
      ]);
    }
  });

  it('reads a string as the endpoint, makes no request without one, and refuses an unknown credentials mode', () => {
    assert.equal(run(earlyListenerScript('/api/token')).fetched[0]?.[0], '/api/token');
    assert.deepEqual(run(earlyListenerScript()).fetched, []);
    assert.throws(
      () => earlyListenerScript({ tokenEndpoint: '/t', tokenCredentials: 'always' as 'omit' }),
      (error: Error) => error instanceof TypeError && /token-credentials/.test(error.message),
    );
  });
});

describe('frameSrc()', () => {
  it('is the URL the element builds, from the options by their property names', () => {
    assert.equal(
      frameSrc({ env: 'production', orgId: 'acme', path: '/trips?x=1' }, 'https://host.example/'),
      'https://embed.spotnana.com/trips?x=1&idp=token-exchange-auth&orgId=acme',
    );
    assert.equal(frameSrc({ path: '//evil.example' }, 'https://host.example/'), undefined);
  });
});
