// "Every failure reaches the host": whatever a provider throws, whatever a token endpoint's
// Content-Length says, whatever number token-timeout holds, the host gets one
// `spotnana-error` whose `detail` is an object with `source`, `code` and `message`, the error
// view shows, the loading view does not stay, and no exception escapes to the page. Also the
// referrer the frame is loaded with. Real HTTP to the fake endpoint and frame; nothing patched.
import { expect } from '@open-wc/testing';
import { tokenRequestInit } from '../../src/config.js';
import { fetchTokens } from '../../src/token-client.js';
import { EMBED_ORIGIN, embed, errors, ofType, reports, responses, uid, until, useTiming, view } from './helpers.js';

const pageErrors: unknown[] = [];
addEventListener('error', (e) => pageErrors.push(e.error ?? e.message));
addEventListener('unhandledrejection', (e) => pageErrors.push(e.reason));
afterEach(() => expect(pageErrors.splice(0)).to.deep.equal([]));

/** One fetchTokens() call against the fake endpoint with `script`. */
function call(script: string) {
  const key = uid('cap');
  return fetchTokens({
    source: {
      kind: 'token-endpoint',
      url: new URL(`/token?key=${key}&s=${script}`, location.href).href,
      init: tokenRequestInit('same-origin'),
    },
    timeout: 20_000,
    signal: new AbortController().signal,
    env: 'sandbox',
    embedOrigin: EMBED_ORIGIN,
  });
}

describe('the 64 KiB cap counts the bytes read, whatever Content-Length says', () => {
  // WebKit's network error is retried: not about the backoff's length, a short one.
  useTiming({ retryBackoffMs: 50 });

  it('accepts a valid answer of about 40 KiB that carries a correct Content-Length', async () => {
    const tokens = await call('midlen');
    expect(tokens.accessToken).to.match(/^at-cap-/);
    expect(tokens.expiresIn).to.equal(3600);
  });

  it('refuses a 4 MiB answer whose Content-Length is not a number, and nothing is posted', async () => {
    const error: any = await call('hugenan').then(
      () => undefined,
      (e) => e,
    );
    // Chromium and Firefox hand such an answer over, and the cap refuses it; WebKit refuses
    // the malformed header itself, as a network error. Either way no token is taken.
    const refused = ['invalid-response', 'network-error'];
    expect(error?.detail?.source).to.equal('token-endpoint');
    expect(error.detail.code).to.be.oneOf(refused);

    const { el, id, events } = await embed({ script: 'hugenan' });
    await until(() => errors(events).length, 'the error');
    expect(errors(events)[0].source).to.equal('token-endpoint');
    expect(errors(events)[0].code).to.be.oneOf(refused);
    expect(await responses(id)).to.deep.equal([]);
    expect(view(el)).to.equal('error');
  });

  it('signs in through the element with the 40 KiB answer', async () => {
    const { id, events } = await embed({ script: 'midlen' });
    await until(() => ofType(events, 'spotnana-token-sent').length, 'the tokens to be sent');
    expect(await until(() => responses(id), 'the frame to get them')).to.have.length(1);
    expect(errors(events)).to.deep.equal([]);
  });
});

describe('a provider that throws anything: one spotnana-error with an object detail, the error view, nothing thrown', () => {
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const throwingMessage = () =>
    Object.defineProperty({}, 'message', {
      get() {
        throw new Error('a getter that throws');
      },
    });
  const cases: [string, () => unknown][] = [
    ['a string', () => 'plain words'],
    ['null', () => null],
    ['a revoked Proxy', revoked],
    ['an object whose message getter throws', throwingMessage],
  ];

  for (const [what, thrown] of cases) {
    for (const mode of ['thrown', 'rejected']) {
      it(`${what}, ${mode}`, async () => {
        const tokenProvider = () => {
          if (mode === 'thrown') throw thrown();
          return Promise.reject(thrown());
        };
        const { el, events } = await embed({ props: { tokenProvider } as any });
        await until(() => errors(events).length, `${what} (${mode}): the error`);
        const [detail] = errors(events);
        expect(detail, `${what} (${mode})`).to.be.an('object');
        expect(detail.source).to.equal('token-provider');
        expect(detail.code).to.equal('provider-error');
        expect(detail.message).to.be.a('string').and.not.equal('');
        await el.updateComplete;
        expect(view(el), `${what} (${mode}): view`).to.equal('error');
      });
    }
  }
});

describe('token-timeout is an integer from 1 to 120000', () => {
  for (const value of ['0', '-5', '1e16', '120001', '2.5', 'soon']) {
    it(`token-timeout="${value}" is invalid-option, names the attribute, and loads no iframe`, async () => {
      const { el, events } = await embed({ attrs: { 'token-timeout': value }, wait: false });
      await until(() => errors(events).length, 'the error');
      const [detail] = errors(events);
      expect(detail).to.include({ source: 'config', code: 'invalid-option' });
      expect(detail.message).to.include('token-timeout');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('iframe')).to.equal(null);
      expect(view(el)).to.equal('error');
    });
  }

  for (const value of ['1', '120000']) {
    it(`token-timeout="${value}" is valid`, async () => {
      const { events } = await embed({ attrs: { 'token-timeout': value } });
      await until(() => ofType(events, 'spotnana-load').length, 'the load');
      expect(errors(events).filter((e) => e.source === 'config')).to.deep.equal([]);
    });
  }
});

describe('referrer policy of the iframe', () => {
  it('the frame learns the host origin, never its path or query, even when the page says unsafe-url', async () => {
    const meta = document.createElement('meta');
    meta.name = 'referrer';
    meta.content = 'unsafe-url';
    document.head.append(meta);
    try {
      const { el, id } = await embed();
      const frame = el.shadowRoot!.querySelector('iframe')!;
      expect(frame.getAttribute('referrerpolicy')).to.equal('strict-origin-when-cross-origin');
      const request = (await reports(id)).find((r: any) => r.request)!;
      expect((request as any).request.referer).to.equal(`${location.origin}/`);
    } finally {
      meta.remove();
    }
  });
});
