// A bundler consumer: an app that imports both `lit` and `spotnana-embed` (the npm build,
// installed from the files `npm pack` ships), bundled by esbuild (frameworks-plugin.mjs).
// Lit is a dependency of the npm build, not bundled into it, so the app ends up with one
// copy of Lit; the app's own Lit element renders <spotnana-embed>, which completes the
// handshake. Needs `npm run build` (npm test builds first).
import { expect } from '@open-wc/testing';
import { EMBED_URL, responses, uid, until } from '../element/helpers.js';
import { buildFirst } from './support/helpers.ts';

buildFirst('/__fw/bundler-inputs.json');

describe('a bundled app that imports lit and spotnana-embed', () => {
  it('has one copy of Lit, and the embed inside its Lit element completes the handshake', async () => {
    const id = uid('bundled');
    const key = uid('token');
    const page = document.createElement('iframe');
    page.src = `/__fw/bundler.html?${new URLSearchParams({ id, key, embed: EMBED_URL })}`;
    document.body.append(page);
    after(() => page.remove());

    const [response] = await until(() => responses(id), 'the frame inside the bundled app to get tokens');
    expect(response!.data.payload.accessToken).to.equal(`at-${key}-1`);
    const win = page.contentWindow as Window & { litHtmlVersions?: string[]; sent: unknown[]; embedClass: unknown };
    expect(win.litHtmlVersions, 'copies of lit-html in the bundle').to.have.length(1);
    expect(win.customElements.get('spotnana-embed')).to.equal(win.embedClass);
    await until(() => win.sent, 'the Lit app saw spotnana-token-sent');
    expect(win.sent).to.deep.equal([{ prefetched: true }]);

    // The bundle came from the installed package's dist/, and each Lit package is in it once.
    const inputs: string[] = await (await fetch('/__fw/bundler-inputs.json')).json();
    expect(inputs.some((p) => p.includes('node_modules/spotnana-embed/dist/index.js'))).to.equal(true);
    expect(inputs.filter((p) => /lit-html\.js$/.test(p))).to.have.length(1);
  });
});
