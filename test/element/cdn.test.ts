// The CDN file (package.json `unpkg`/`jsdelivr`), loaded alone in a plain HTML page with
// <script type="module" src> and no import map, completes a handshake with a
// cross-origin frame. `npm test` builds dist/ first.
import { expect } from '@open-wc/testing';
import { responses, uid, until } from './helpers.js';

describe('the CDN file', () => {
  it('is one self-contained module: no bare imports', async () => {
    const response = await fetch('/__cdn/spotnana-embed.min.js');
    expect(response.status, 'run npm run build first').to.equal(200);
    const code = await response.text();
    expect(code).to.not.match(/(?:\bfrom|\bimport)\s*\(?\s*["'](?![./])/);
    expect(code).to.contain('customElements');
  });

  it('registers the element and completes the handshake in a plain page', async () => {
    const id = uid('frame');
    const key = uid('token');
    const page = document.createElement('iframe');
    page.src = `/__plain-page?id=${id}&key=${key}`;
    document.body.append(page);
    after(() => page.remove());
    const [response] = await until(() => responses(id), 'the frame in the plain page to get tokens');
    expect(response.data.payload.accessToken).to.equal(`at-${key}-1`);
    const inner = page.contentWindow!;
    expect(inner.customElements.get('spotnana-embed')).to.be.a('function');
    // Lit inlined once: its reactive base class, without the template engine the element does not use.
    expect((inner as any).reactiveElementVersions).to.have.length(1);
    expect((inner as any).litHtmlVersions).to.equal(undefined);
  });
});
