// Accessibility: axe-core (WCAG 2.2 A and AA rules, and axe's best practices) finds no
// violation in the element's loading, error and signed-in views. The views are the element's
// defaults, as a plain page shows them; the frame's own content is Spotnana's, not checked here.
import { expect } from '@open-wc/testing';
import type { AxeResults, RunOptions } from 'axe-core';
import 'axe-core/axe.js'; // a UMD file: it defines window.axe
import type { SpotnanaEmbed } from '../../src/index.js';
import { embed, errors, ofType, until, view } from './helpers.js';

const { axe } = window as unknown as { axe: typeof import('axe-core') };

const OPTIONS: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  // The cross-origin frame is Spotnana's document: axe cannot (and need not) look inside it.
  iframes: false,
};

/** Every violation in `el` (its shadow DOM included), one readable line each. */
async function violations(el: SpotnanaEmbed): Promise<string[]> {
  const results: AxeResults = await axe.run({ include: [el] }, OPTIONS);
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

describe('accessibility (axe-core)', () => {
  it('the loading view has no violation', async () => {
    const { el } = await embed({ frame: { ask: 'never' }, attrs: { 'token-fetch': 'on-request' } });
    await el.updateComplete;
    expect(view(el)).to.equal('loading');
    expect(await violations(el)).to.deep.equal([]);
  });

  it('the error view has no violation', async () => {
    const { el, events } = await embed({ script: '401', frame: { ask: 'never' } });
    await until(() => errors(events), 'spotnana-error');
    await el.updateComplete;
    expect(view(el)).to.equal('error');
    expect(await violations(el)).to.deep.equal([]);
  });

  it('the signed-in view (the frame alone) has no violation', async () => {
    const { el, events } = await embed();
    await until(() => ofType(events, 'spotnana-token-sent'), 'the tokens to be sent');
    await el.updateComplete;
    expect(view(el)).to.equal('none');
    expect(await violations(el)).to.deep.equal([]);
  });

  it('the check can fail: an unnamed button in the error slot is a violation', async () => {
    const { el, events } = await embed({ script: '401', frame: { ask: 'never' } });
    const unnamed = document.createElement('button');
    unnamed.slot = 'error';
    el.append(unnamed);
    await until(() => errors(events), 'spotnana-error');
    await el.updateComplete;
    expect((await violations(el)).some((line) => line.startsWith('button-name:'))).to.equal(true);
  });
});
