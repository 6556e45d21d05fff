// Configuration: the iframe URL rule, the embed-url rule, and a config error (with no
// iframe) for every invalid value.
import { expect } from '@open-wc/testing';
import { EMBED_BASES, type SpotnanaEmbed } from '../../src/index.js';
import { resolveConfig } from '../../src/config.js';
import {
  EMBED_URL,
  command,
  errors,
  frameOf,
  loads,
  ofType,
  record,
  responses,
  serverRoundTrip,
  tokenLog,
  uid,
  until,
  view,
} from './helpers.js';

const base = 'https://host.example/app/page';
const src = (input: Parameters<typeof resolveConfig>[0]) => resolveConfig({ tokenEndpoint: '/t', ...input }, base).src;

describe('the iframe URL', () => {
  it('defaults to the sandbox embed base with idp=token-exchange-auth', () => {
    expect(src({})).to.equal('https://sboxmeta-embed-app.partners.spotnana.com/?idp=token-exchange-auth');
  });

  it('env picks the embed base', () => {
    expect(src({ env: 'production' })).to.equal('https://embed.spotnana.com/?idp=token-exchange-auth');
    expect(EMBED_BASES).to.deep.equal({
      sandbox: 'https://sboxmeta-embed-app.partners.spotnana.com',
      production: 'https://embed.spotnana.com',
    });
  });

  it('appends path (and its query) to the base path, and sets orgId', () => {
    expect(src({ path: '/trips?tab=upcoming', orgId: 'org 1' })).to.equal(
      'https://sboxmeta-embed-app.partners.spotnana.com/trips?tab=upcoming&idp=token-exchange-auth&orgId=org+1',
    );
  });

  it("keeps the embed base's own path", () => {
    expect(src({ embedUrl: 'https://proxy.example/spotnana', path: '/trips' })).to.equal(
      'https://proxy.example/spotnana/trips?idp=token-exchange-auth',
    );
    expect(src({ embedUrl: 'https://proxy.example/spotnana/', path: '/trips' })).to.equal(
      'https://proxy.example/spotnana/trips?idp=token-exchange-auth',
    );
  });

  it('replaces idp and orgId that path carries, and leaves orgId out when org-id is empty', () => {
    expect(src({ path: '/?idp=other&orgId=evil', orgId: 'mine' })).to.equal(
      'https://sboxmeta-embed-app.partners.spotnana.com/?idp=token-exchange-auth&orgId=mine',
    );
    expect(src({ path: '/?orgId=evil' })).to.equal(
      'https://sboxmeta-embed-app.partners.spotnana.com/?idp=token-exchange-auth',
    );
  });

  it('pins the embed origin', () => {
    expect(resolveConfig({ tokenEndpoint: '/t', embedUrl: 'http://127.0.0.1:4000/x' }, base).embedOrigin).to.equal(
      'http://127.0.0.1:4000',
    );
  });

  it('resolves a relative token-endpoint against the document', () => {
    expect(resolveConfig({ tokenEndpoint: '../api/token' }, base).source).to.include({
      kind: 'token-endpoint',
      url: 'https://host.example/api/token',
    });
  });

  for (const ok of [
    'http://localhost:4000',
    'http://127.0.0.1',
    'http://127.1.2.3:8080/a',
    'http://[::1]:4000',
    'https://proxy.example',
  ]) {
    it(`accepts embed-url ${ok}`, () => {
      expect(() => resolveConfig({ tokenEndpoint: '/t', embedUrl: ok }, base)).to.not.throw();
    });
  }
});

const invalid: [string, Record<string, string>, string][] = [
  ['env', { env: 'staging' }, 'invalid-env'],
  ['embed-url over http', { 'embed-url': 'http://embed.example' }, 'invalid-embed-url'],
  ['embed-url over http on a look-alike host', { 'embed-url': 'http://localhost.evil.example' }, 'invalid-embed-url'],
  ['embed-url javascript:', { 'embed-url': 'javascript:alert(1)' }, 'invalid-embed-url'],
  ['embed-url not a URL', { 'embed-url': 'http://' }, 'invalid-embed-url'],
  ['path without a leading slash', { path: 'trips' }, 'invalid-path'],
  ['path //evil.example', { path: '//evil.example' }, 'invalid-path'],
  ['path /\\evil.example', { path: '/\\evil.example' }, 'invalid-path'],
  ['path with a tab before //', { path: '/\t/evil.example' }, 'invalid-path'],
  ['token-endpoint not a URL', { 'token-endpoint': 'http://[' }, 'invalid-token-endpoint'],
  ['token-endpoint javascript:', { 'token-endpoint': 'javascript:alert(1)' }, 'invalid-token-endpoint'],
  ['token-fetch', { 'token-fetch': 'lazy' }, 'invalid-option'],
  ['token-credentials', { 'token-credentials': 'always' }, 'invalid-option'],
  ['token-timeout not a number', { 'token-timeout': 'soon' }, 'invalid-option'],
  ['token-timeout zero', { 'token-timeout': '0' }, 'invalid-option'],
  ['token-timeout negative', { 'token-timeout': '-5' }, 'invalid-option'],
];

async function configured(attrs: Record<string, string>) {
  const el = document.createElement('spotnana-embed');
  const key = uid('token');
  el.setAttribute('embed-url', EMBED_URL);
  el.setAttribute('token-endpoint', `/token?key=${key}`);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  const events = record(el);
  document.body.append(el);
  after(() => el.remove());
  await el.updateComplete;
  return { el, events, key };
}

describe('config errors', () => {
  for (const [what, attrs, code] of invalid) {
    it(`${what} -> ${code}, with no iframe and no fetch`, async () => {
      const { el, events, key } = await configured(attrs);
      expect(errors(events).map(({ source, code }) => ({ source, code }))).to.deep.equal([{ source: 'config', code }]);
      expect(errors(events)[0].message).to.be.a('string').and.not.equal('');
      expect(frameOf(el)).to.equal(null);
      expect(view(el)).to.equal('error');
      // A prefetch would have started in the update (done): before this round trip.
      await serverRoundTrip();
      expect(await tokenLog(key)).to.have.length(0);
    });
  }

  for (const name of ['token-fetch', 'token-credentials', 'token-timeout']) {
    it(`invalid-option names the attribute: ${name}`, async () => {
      const { events } = await configured({ [name]: 'bogus' });
      expect(errors(events)[0].message).to.contain(name);
    });
  }

  /** An element with neither token-endpoint nor tokenProvider, whose frame has loaded and not asked. */
  async function withoutTokenSource() {
    const id = uid('frame');
    const el = document.createElement('spotnana-embed');
    const events = record(el);
    el.embedUrl = EMBED_URL;
    el.path = `/?id=${id}&ask=never`;
    document.body.append(el);
    after(() => el.remove());
    await loads(id, 1);
    return { id, el, events };
  }

  it('missing-token-endpoint: neither token-endpoint nor tokenProvider loads the frame, and is raised only when it asks', async () => {
    const { id, el, events } = await withoutTokenSource();
    expect(frameOf(el)).to.not.equal(null);
    expect(errors(events)).to.deep.equal([]);

    command(el, { cmd: 'ask' });
    await until(() => errors(events).length, 'the error');
    expect(errors(events).map((e) => e.code)).to.deep.equal(['missing-token-endpoint']);
    expect(errors(events)[0].source).to.equal('config');
    expect(await responses(id)).to.deep.equal([]);

    // A source set later (as a framework does during hydration) answers the next request.
    el.tokenProvider = async () => ({ accessToken: 'late-at', refreshToken: 'late-rt' });
    await el.updateComplete;
    command(el, { cmd: 'ask' });
    const [answer] = await until(() => responses(id), 'the answer');
    expect(answer.data.payload).to.deep.equal({ accessToken: 'late-at', refreshToken: 'late-rt' });
    expect(view(el)).to.equal('none');
  });

  it('a tokenProvider set after the frame loaded starts the eager prefetch then, which serves the request', async () => {
    const { id, el, events } = await withoutTokenSource();
    let calls = 0;
    el.tokenProvider = async () => {
      calls++;
      return { accessToken: 'hydrated-at', refreshToken: 'hydrated-rt', expiresIn: 3600 };
    };
    await el.updateComplete;
    await until(() => calls, 'the prefetch');
    // A new function on every render (as frameworks pass) starts no second prefetch.
    el.tokenProvider = async () => ({ accessToken: 'x', refreshToken: 'y' });
    await el.updateComplete;
    command(el, { cmd: 'ask' });
    const [answer] = await until(() => responses(id), 'the answer');
    expect(answer.data.payload.accessToken).to.equal('hydrated-at');
    expect(calls).to.equal(1);
    expect(ofType(events, 'spotnana-token-sent')[0].detail).to.deep.equal({ prefetched: true });
    expect(errors(events)).to.deep.equal([]);
  });

  it('fixing the configuration loads the frame', async () => {
    const { el, events } = await configured({ env: 'staging' });
    el.env = 'production';
    await el.updateComplete;
    expect(frameOf(el)).to.not.equal(null);
    expect(errors(events)).to.have.length(1);
    expect(view(el)).to.equal('loading');
  });

  it('breaking a running configuration removes the frame', async () => {
    const { el, events } = await configured({});
    expect(frameOf(el)).to.not.equal(null);
    (el as SpotnanaEmbed).path = '//evil.example';
    await el.updateComplete;
    expect(frameOf(el)).to.equal(null);
    expect(errors(events).map((e) => e.code)).to.deep.equal(['invalid-path']);
  });

  it('an unrelated re-render does not raise the config error again', async () => {
    const { el, events } = await configured({ env: 'staging' });
    el.frameTitle = 'Other';
    await el.updateComplete;
    expect(errors(events)).to.have.length(1);
  });
});
