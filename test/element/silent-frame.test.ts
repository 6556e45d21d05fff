// The silent-frame diagnostic: no valid request within 15 s of the frame's first load
// raises `no-request`. These tests take real time (15 s), so they run side by side.
import { expect } from '@open-wc/testing';
import { EMBED_URL, command, embed, errors, ofType, responses, sleep, until, view } from './helpers.js';

const SILENT = 15_000;

describe('a frame that never asks', () => {
  it('raises no-request once, 15 s after its first load, naming the likely cause; a later request is answered and clears it', async function (this: Mocha.Context) {
    this.timeout(45_000);
    const [silent, asking, navigating] = await Promise.all([
      embed({ frame: { ask: 'never' } }),
      embed(),
      embed({ frame: { ask: 'never' } }),
    ]);
    const loadedAt = Date.now();
    // A navigation inside the frame does not restart the clock.
    await sleep(5000);
    command(navigating.el, { cmd: 'navigate', url: `${EMBED_URL}/other?id=${navigating.id}-nav&ask=never` });

    const [error] = await until(() => errors(silent.events), 'no-request', SILENT + 10_000);
    expect(Date.now() - loadedAt).to.be.greaterThan(SILENT - 1000);
    expect(error.source).to.equal('spotnana');
    expect(error.code).to.equal('no-request');
    expect(error.message).to.contain('allow-list');
    await silent.el.updateComplete;
    expect(view(silent.el)).to.equal('error');

    const [navError] = await until(() => errors(navigating.events), 'no-request after navigation', 4000);
    expect(navError.code).to.equal('no-request');
    expect(errors(asking.events)).to.deep.equal([]);

    command(silent.el, { cmd: 'ask' });
    await until(() => responses(silent.id), 'a late answer');
    await silent.el.updateComplete;
    expect(view(silent.el)).to.equal('none');
    await sleep(200);
    expect(errors(silent.events)).to.have.length(1);
    expect(ofType(silent.events, 'spotnana-load')).to.have.length(1);
    expect(ofType(navigating.events, 'spotnana-load')).to.have.length(2);
    expect(ofType(navigating.events, 'spotnana-load')[0].detail.url).to.equal(navigating.el.shadowRoot!.querySelector('iframe')!.src);
  });
});
