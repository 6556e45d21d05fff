// The element under a strict Content-Security-Policy with Trusted Types, in a document of its
// own (the runner's page needs inline scripts): /__csp/page of test/support/fake-spotnana.mjs,
// served with
//   default-src 'self'; script-src 'self'; style-src 'self'; frame-src <embed origin>;
//   connect-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html
// (the element itself parses no HTML from strings and needs no policy: the last test shows it)
// and loading the CDN file (dist/spotnana-embed.min.js, so `npm run build` first) by
// <script type="module" src>. The page's one classic script ('self') records every
// securitypolicyviolation event before anything else runs; the browser also sends its
// reports to /__csp-report.
import { expect } from '@open-wc/testing';
import { EMBED_ORIGIN, askControl, responses, thirdOrigin, tokenLog, uid, until } from '../element/helpers.js';

interface CspWindow extends Window {
  violations?: { directive: string; blockedURI: string; sample: string }[];
  embedEvents?: { type: string; detail: any }[];
  inlineRan?: boolean;
  ttEnforced?: boolean;
}

async function cspPage(query: Record<string, string> = {}) {
  const id = uid('csp');
  const key = uid('csp-token');
  const frame = document.createElement('iframe');
  frame.src = `/__csp/page?${new URLSearchParams({ id, key, ...query })}`;
  frame.style.cssText = 'width:800px;height:600px';
  document.body.append(frame);
  after(() => frame.remove());
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const win = frame.contentWindow as CspWindow;
  return { id, key, frame, win };
}

const reportsOf = (id: string) => askControl<string[]>(`/__csp-reports?id=${encodeURIComponent(id)}`);
const blockedUriOf = (report: string) => JSON.parse(report)['csp-report']?.['blocked-uri'];

/**
 * A positive marker that every violation the page made so far has been seen and reported: a
 * violation of the test's own, made now (an image from the embed origin, which default-src
 * 'self' refuses), whose event comes after theirs and whose report is sent after theirs. Its
 * blocked URL, to leave it out of what is checked.
 */
async function ownViolation(win: CspWindow, id: string): Promise<string> {
  const url = `${EMBED_ORIGIN}/plain?violation=${uid('marker')}`;
  win.document.createElement('img').src = url;
  await until(() => win.violations!.some((v) => v.blockedURI === url), 'the marker violation');
  await until(async () => (await reportsOf(id)).some((r) => blockedUriOf(r) === url), 'the marker report');
  return url;
}

describe('strict CSP with Trusted Types', () => {
  it('the happy path runs with zero securitypolicyviolation events', async () => {
    const { id, key, win } = await cspPage();
    const [response] = await until(() => responses(id), 'tokens in the frame of the CSP page');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-1`);
    expect(response.origin, 'posted by the CSP page').to.equal(location.origin);
    await until(() => win.embedEvents!.some((e) => e.type === 'spotnana-token-sent'), 'spotnana-token-sent');
    // The element really is the CDN build running in that document, under that policy.
    expect(win.customElements.get('spotnana-embed'), 'registered in the CSP page').to.be.a('function');
    const el = win.document.querySelector('spotnana-embed')!;
    expect(el.shadowRoot!.querySelector('iframe'), 'its iframe').to.not.equal(null);
    expect(win.embedEvents!.filter((e) => e.type === 'spotnana-error')).to.deep.equal([]);
    expect(await tokenLog(key)).to.have.length(1);
    const marker = await ownViolation(win, id);
    const violations = win.violations!.filter((v) => v.blockedURI !== marker);
    expect(violations, 'securitypolicyviolation events').to.deep.equal([]);
    const reports = (await reportsOf(id)).filter((r) => blockedUriOf(r) !== marker);
    expect(reports, 'CSP reports sent by the browser').to.deep.equal([]);
  });

  it('the policy is applied: an inline script on the same page raises a violation (and the embed still works)', async () => {
    const { id, win } = await cspPage({ inline: '1', probe: '1' });
    await until(() => responses(id), 'tokens');
    await until(() => win.violations!.length, 'a violation');
    expect(win.inlineRan, 'the inline script ran').to.equal(undefined);
    const inline = win.violations!.filter((v) => v.blockedURI === 'inline');
    expect(inline, 'the inline script violation').to.have.length(1);
    expect(inline[0].directive).to.match(/^script-src/);
    if ('trustedTypes' in win) {
      // And Trusted Types are enforced: a plain string into innerHTML is refused.
      await until(() => win.ttEnforced !== undefined, 'the Trusted Types probe');
      expect(win.ttEnforced, 'innerHTML refused a string').to.equal(true);
      expect(win.violations!.map((v) => v.directive)).to.include('require-trusted-types-for');
    }
    expect(win.violations!.length, 'no violation but the deliberate ones').to.equal('trustedTypes' in win ? 2 : 1);
    await until(async () => (await reportsOf(id)).length, 'the browser to send its report');
  });

  it("needs no Trusted Types policy of its own: under trusted-types 'none' it signs in with no violation", async function () {
    const probe = await cspPage({ probe: '1' });
    await until(() => probe.win.ttEnforced !== undefined, 'the probe');
    if (!probe.win.ttEnforced) this.skip(); // this engine does not enforce Trusted Types
    const { id, win } = await cspPage({ tt: "'none'" });
    await until(() => responses(id), 'the tokens');
    expect(win.violations).to.deep.equal([]);
  });
});

describe('blocked-by-csp: the page policy names what to allow', () => {
  const errorsOf = (win: CspWindow) => win.embedEvents!.filter((e) => e.type === 'spotnana-error').map((e) => e.detail);

  it('frame-src without the embed origin: a config error that names the directive and the origin, and no iframe', async () => {
    const { win } = await cspPage({ 'frame-src': "'self'" });
    const [error] = await until(() => errorsOf(win), 'the error');
    expect(error.source).to.equal('config');
    expect(error.code).to.equal('blocked-by-csp');
    expect(error.message).to.include(`add ${EMBED_ORIGIN} to frame-src`);
    const el = win.document.querySelector('spotnana-embed')!;
    await (el as HTMLElement & { updateComplete: Promise<boolean> }).updateComplete;
    expect(el.shadowRoot!.querySelector('iframe'), 'an iframe').to.equal(null);
    expect(el.shadowRoot!.querySelector('[part=error]')?.textContent).to.include('frame-src');
  });

  it('connect-src that refuses a cross-origin token endpoint: blocked-by-csp instead of network-error, naming the origin', async () => {
    const endpointOrigin = await thirdOrigin();
    const { win } = await cspPage({ endpoint: `${endpointOrigin}/token?key=${uid('csp-token')}&cors=1` });
    const [error] = await until(() => errorsOf(win), 'the error');
    expect(error.source).to.equal('token-endpoint');
    expect(error.code).to.equal('blocked-by-csp');
    expect(error.message).to.include(`add ${endpointOrigin} to connect-src`);
    // Its own frame asks; its request gets no answer, and no other error follows.
    await until(() => win.embedEvents!.some((e) => e.type === 'spotnana-token-request'), 'the frame request');
    expect(errorsOf(win).map((e) => e.code)).to.deep.equal(['blocked-by-csp']);
  });

  it('once a tokenProvider replaces the refused endpoint, its failures are reported again', async () => {
    const endpointOrigin = await thirdOrigin();
    const { win } = await cspPage({ endpoint: `${endpointOrigin}/token?key=${uid('csp-token')}&cors=1` });
    await until(() => errorsOf(win), 'the blocked-by-csp error');
    const el = win.document.querySelector('spotnana-embed')!;
    el.tokenProvider = () => Promise.reject(new Error('provider down'));
    await el.updateComplete;
    el.shadowRoot!.querySelector('iframe')!.contentWindow!.postMessage({ cmd: 'ask' }, EMBED_ORIGIN);
    await until(() => errorsOf(win).length > 1, 'the provider error');
    // One provider error per request the frame made since (its own on load may come after the provider).
    const [blocked, ...later] = errorsOf(win).map((e) => `${e.source}/${e.code}`);
    expect(blocked).to.equal('token-endpoint/blocked-by-csp');
    expect([...new Set(later)]).to.deep.equal(['token-provider/provider-error']);
  });

  it('a report-only policy blocks nothing: no error, and the frame signs in', async () => {
    const { id, win } = await cspPage({ 'frame-src': "'self'", 'report-only': '1' });
    await until(() => responses(id), 'tokens in the frame');
    await until(() => win.violations!.some((v) => v.directive === 'frame-src'), 'the reported violation');
    expect(errorsOf(win)).to.deep.equal([]);
  });
});
