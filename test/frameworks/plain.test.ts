// A plain HTML page (test/frameworks/plain/page.html): the CDN file by
// <script type="module" src>, no bundler, no import map. A classic script sets attributes
// and properties (a tokenProvider among them) before the module has run, as happens on a
// slow network, and listens on the document.
import { expect } from '@open-wc/testing';
import { EMBED_ORIGIN, EMBED_URL, responses, uid, until } from '../element/helpers.js';

interface PlainWindow extends Window {
  seen: { type: string; target: string; detail: any }[];
  providerCalls: { signal: boolean; env: string; embedOrigin: string }[];
  upgradedBeforeScript: boolean;
  reactiveElementVersions?: string[];
}

describe('a plain HTML page with the CDN file', () => {
  it('upgrades elements configured before the module ran: attributes, a property-only tokenProvider, document listeners', async () => {
    const id = uid('plain');
    const id2 = uid('plain');
    const key = uid('token');
    const page = document.createElement('iframe');
    page.src = `/__fw/plain.html?${new URLSearchParams({ id, id2, key, embed: EMBED_URL })}`;
    document.body.append(page);
    after(() => page.remove());

    const [byAttributes] = await until(() => responses(id), 'tokens for the element configured by attributes');
    expect(byAttributes!.data.payload.accessToken).to.equal(`at-${key}-1`);
    const [byProvider] = await until(() => responses(id2), 'tokens for the element configured by properties');
    expect(byProvider!.data.payload.accessToken).to.equal(`at-plain-${id2}`);

    const win = page.contentWindow as PlainWindow;
    expect(win.upgradedBeforeScript, 'the script ran before the element was defined').to.equal(false);
    expect(win.customElements.get('spotnana-embed')).to.be.a('function');
    expect(win.reactiveElementVersions).to.have.length(1);
    expect(win.providerCalls).to.deep.equal([{ signal: true, env: 'sandbox', embedOrigin: EMBED_ORIGIN }]);
    await until(
      () => win.seen.filter((e) => e.type === 'spotnana-token-sent').length === 2,
      'both token-sent events on the document',
    );
    const sent = win.seen
      .filter((e) => e.type === 'spotnana-token-sent')
      .map((e) => e.target)
      .sort();
    expect(sent).to.deep.equal(['by-attributes', 'by-provider']);
    expect(win.seen.filter((e) => e.type === 'spotnana-error')).to.deep.equal([]);
  });
});
