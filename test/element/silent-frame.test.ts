// The silent-frame diagnostic: no valid request within 15 s of the frame's first load
// raises `no-request`. These tests take real time (15 s), so they run side by side.
import { expect } from '@open-wc/testing';
import { EMBED_URL, command, embed, errors, loads, ofType, responses, sleep, until, view } from './helpers.js';

const SILENT = 15_000;
/** Date.now() of two events may differ from the timer's own clock by a few ms. */
const CLOCK_SLACK = 50;

describe('a frame that never asks', () => {
  it('raises no-request once, 15 s after its first load, naming the likely cause; a later request is answered and clears it', async function (this: Mocha.Context) {
    // When each element fired its events, by the page's clock: the 15 s count from the frame's
    // own load, whatever the order in which three frames load on a busy machine.
    const times = new Map<string, number[]>();
    const stamp = (e: Event) => {
      const key = `${e.type} ${(e.composedPath()[0] as HTMLElement).getAttribute('path')}`;
      times.set(key, [...(times.get(key) ?? []), Date.now()]);
    };
    const at = (type: string, el: HTMLElement, n = 0) => times.get(`${type} ${el.getAttribute('path')}`)?.[n];
    for (const type of ['spotnana-load', 'spotnana-error']) document.addEventListener(type, stamp);
    after(() => ['spotnana-load', 'spotnana-error'].forEach((type) => document.removeEventListener(type, stamp)));
    const [silent, asking, navigating] = await Promise.all([
      embed({ frame: { ask: 'never' } }),
      embed(),
      embed({ frame: { ask: 'never' } }),
    ]);
    // A navigation inside the frame, 5 s into its count, does not restart the clock.
    await until(() => at('spotnana-load', navigating.el), "the frame's first load event");
    await sleep(5000);
    command(navigating.el, { cmd: 'navigate', url: `${EMBED_URL}/other?id=${navigating.id}-nav&ask=never` });
    await loads(`${navigating.id}-nav`, 1);

    const [error] = await until(() => errors(silent.events), 'no-request');
    expect(at('spotnana-error', silent.el)! - at('spotnana-load', silent.el)!).to.be.at.least(SILENT - CLOCK_SLACK);
    expect(error.source).to.equal('spotnana');
    expect(error.code).to.equal('no-request');
    expect(error.message).to.contain('allow-list');
    await silent.el.updateComplete;
    expect(view(silent.el)).to.equal('error');

    const [navError] = await until(() => errors(navigating.events), 'no-request after navigation');
    const navErrorAt = at('spotnana-error', navigating.el)!;
    expect(navErrorAt - at('spotnana-load', navigating.el)!, 'counted from the first load').to.be.at.least(
      SILENT - CLOCK_SLACK,
    );
    // A count restarted by the navigation's load could not end before that load + 15 s.
    const navigationLoad = await until(() => at('spotnana-load', navigating.el, 1), "the navigation's load event");
    expect(navErrorAt - navigationLoad!, 'not restarted by the navigation').to.be.below(SILENT - CLOCK_SLACK);
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
    expect(ofType(navigating.events, 'spotnana-load')[0].detail.url).to.equal(
      navigating.el.shadowRoot!.querySelector('iframe')!.src,
    );
  });
});
